"""UCI categorical tables as hypergraphs, as AllSet builds them: Zoo, Mushroom and 20newsW100.

Each categorical attribute value defines a hyperedge: the set of rows (nodes) that take it
(Hein, Setzer, Jost & Rangapuram, NIPS 2013; the "Zoo", "Mushroom" and "20News" sets of LE,
AllSet and ED-HNN).  Labels come from the class column.

* ``zoo`` (``zoo.data``): 101 animals, 16 attributes (15 boolean + ``legs``), class ``type``
  (7 values).  Features (``features="raw"``, AllSet's 16 columns): the attribute table.
* ``mushroom`` (``agaricus-lepiota.data``): 8,124 mushrooms, 22 one-letter attributes, class
  edible / poisonous.  Features (``"raw"``, AllSet's 22 columns): per attribute, the rank of the
  letter among that attribute's observed letters (``0..k-1``; AllSet's exact integer coding of
  the letters is not published).  ``stalk-root`` has the value ``?`` (missing) in 2,480 rows;
  it is an attribute value like any other unless ``missing_as_value=False``.
* ``20newsW100`` (``20news_w100.mat``, S. Roweis): 16,242 documents, binary occurrence of 100
  words, 4 classes (``comp.*``, ``rec.*``, ``sci.*``, ``talk.*``).  One hyperedge per word (the
  documents containing it); features: the 100-dimensional word vector.

``features="onehot"`` (Zoo, Mushroom) gives one indicator column per attribute value instead,
i.e. exactly the node-hyperedge incidence matrix.

.. warning::

   **Label attribute.**  AllSet reports 43 hyperedges for Zoo.  Zoo has 36 (attribute, value)
   groups over its 16 attributes; 43 = 36 + the 7 values of the class attribute ``type``, so
   AllSet's count is what one gets when the class column is treated as one more attribute,
   i.e. with 7 hyperedges that *are the classes* (the label put into the structure).  AllSet's
   preprocessed ``zoo.edges`` is not public, so this is inferred from the counts.  By default
   (``include_label_attribute=False``) the class column is excluded; ``True`` appends one
   hyperedge per class (after the attribute hyperedges) and reproduces the 43.  Do not report
   accuracy with it switched on.

Counts (measured):

============  ======  ============================  ========  =======
name          nodes   hyperedges (default / +label)  features  classes
============  ======  ============================  ========  =======
zoo           101     36 / 43 (AllSet: 43)           16        7
mushroom      8,124   117 / 119 (AllSet: 298)        22        2
20newsW100    16,242  100 / 104 (AllSet: 100)        100       4
============  ======  ============================  ========  =======

Mushroom: 116 / 118 with ``missing_as_value=False``.  AllSet's 298 hyperedges for Mushroom
are matched by no (attribute, value) construction of this table (117 distinct values occur; UCI's
``agaricus-lepiota.names`` lists 126, ``?`` included), and AllSet's preprocessed
``Mushroom.edges`` is not public, so that count is not reproduced.

Files are looked up in ``root/uci/``, ``root/`` and ``root/<name>/``.  Zoo and Mushroom are
pinned by the sha256 of their *data rows* (fields stripped, rows joined by newlines; a header row
and line endings do not count), so both the original UCI files and copies with a header row
(such as the offline ones) verify; 20newsW100 is pinned by the file's sha256.  Missing files are
downloaded from the UCI archive (Zoo, Mushroom) or Roweis' data page (20newsW100) into
``$HYPERGRAPH_CACHE/uci/``, verified before they are renamed into place.
"""

from __future__ import annotations

import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.datasets.download import (
    ChecksumError,
    DownloadError,
    cache_dir,
    download_url,
    not_found,
    resolve_root,
    sha256_file,
)
from hypergraph.datasets.uci_tables import (
    UCIFormatError,
    _build,
    _mushroom_rows,
    _parse,
    _rows_digest,
    _zoo_rows,
)

__all__ = ["UCI_DATASETS", "UCIFormatError", "find_uci", "load_uci", "read_uci"]

FORMAT_FOLDER = "uci"


@dataclass(frozen=True)
class UCIInfo:
    """One table: its file, download URL and pin (``rows`` digest or ``file`` digest)."""

    file: str
    url: str
    pin: str  # "rows" or "file"
    sha256: str


UCI_DATASETS: dict[str, UCIInfo] = {
    # "rows" digests: of the data rows of the offline copies (datasets/README.md §6)
    "zoo": UCIInfo(
        "zoo.data",
        "https://archive.ics.uci.edu/ml/machine-learning-databases/zoo/zoo.data",
        "rows",
        "cddc71c26ab9bc82795b8f4ff114cade41885d92720c6af29ffb69bcf73f0315",
    ),
    "mushroom": UCIInfo(
        "agaricus-lepiota.data",
        "https://archive.ics.uci.edu/ml/machine-learning-databases/mushroom/agaricus-lepiota.data",
        "rows",
        "e65d082030501a3ebcbcd7c9f7c71aa9d28fdfff463bf4cf4716a3fe13ac360e",
    ),
    "20newsW100": UCIInfo(
        "20news_w100.mat",
        "https://cs.nyu.edu/~roweis/data/20news_w100.mat",
        "file",
        "6667c5459e22eb544a854bff1443edaaea71735cf1af7b12cc5d986e74af7064",
    ),
}

#: other spellings (AllSet's names)
ALIASES: dict[str, str] = {
    "Zoo": "zoo",
    "Mushroom": "mushroom",
    "20news": "20newsW100",
    "20news_w100": "20newsW100",
}


def _canonical(name: str) -> str:
    """The key of :data:`UCI_DATASETS` for ``name`` (any case, or an alias), else ``name``."""
    lookup = {k.lower(): k for k in UCI_DATASETS} | {k.lower(): v for k, v in ALIASES.items()}
    return lookup.get(name.lower(), name)


def read_uci(
    name: str,
    path: str | os.PathLike,
    include_label_attribute: bool = False,
    features: str = "raw",
    missing_as_value: bool = True,
) -> Hypergraph:
    """Parse ``path`` as the table ``name`` (``zoo``, ``mushroom`` or ``20newsW100``), unverified.

    See the module docstring for the construction and the options.
    """
    name = _canonical(name)
    if name not in UCI_DATASETS:
        raise KeyError(f"unknown UCI dataset {name!r}; valid: {', '.join(UCI_DATASETS)}")
    t = _parse(name, Path(path), features, missing_as_value)
    return _build(t, include_label_attribute)


# ------------------------------------------------------------------------------ loading
def find_uci(name: str, root: str | os.PathLike | None = None) -> Path | None:
    """The file of table ``name`` under ``root`` (``root/uci/``, ``root/``, ``root/<name>/``)."""
    name = _canonical(name)
    if name not in UCI_DATASETS:
        raise KeyError(f"unknown UCI dataset {name!r}; valid: {', '.join(UCI_DATASETS)}")
    r = resolve_root(root)
    fname = UCI_DATASETS[name].file
    for folder in (r / FORMAT_FOLDER, r, r / name):
        if (folder / fname).is_file():
            return folder / fname
    return None


def _digest(name: str, path: Path) -> str:
    info = UCI_DATASETS[name]
    if info.pin == "file":
        return sha256_file(path)
    rows = _zoo_rows(path) if name == "zoo" else _mushroom_rows(path)
    return _rows_digest(rows)


def _check(name: str, path: Path) -> None:
    info = UCI_DATASETS[name]
    got = _digest(name, path)
    if got != info.sha256:
        what = "its data rows have" if info.pin == "rows" else "it has"
        raise ChecksumError(
            f"checksum mismatch for {path}: {what} sha256 {got}, expected {info.sha256} (the pinned "
            f"{name} table); pass verify=False to load a modified copy"
        )


def _download(name: str, dest: Path, opener) -> None:
    info = UCI_DATASETS[name]
    if info.pin == "file":
        download_url(info.url, dest, info.sha256, opener=opener)
        return
    # the UCI archive publishes no checksum of its files: download beside dest, check the pinned
    # digest of the data rows, and only then rename into place
    part = dest.with_name(f".{dest.name}.download")
    try:
        download_url(info.url, part, None, opener=opener)
        _check(name, part)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def load_uci(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    include_label_attribute: bool = False,
    features: str = "raw",
    missing_as_value: bool = True,
    verify: bool = True,
    opener=urllib.request.urlopen,
) -> Hypergraph:
    """Load UCI table ``name`` as a hypergraph (one hyperedge per attribute value).

    Args:
        name: ``zoo``, ``mushroom`` or ``20newsW100`` (also AllSet's ``Mushroom``).
        root: data root (default ``$HYPERGRAPH_DATA`` or ``./datasets``), searched as
            :func:`find_uci` does.
        download: fetch a missing file into ``$HYPERGRAPH_CACHE/uci/`` (verified, atomic).
        include_label_attribute: also add one hyperedge per class value (**leaks the label into
            the structure**; reproduces AllSet's 43 hyperedges for Zoo).
        features: ``"raw"`` (the attribute table, AllSet's features) or ``"onehot"`` (one
            column per attribute value; Zoo and Mushroom only).
        missing_as_value: Mushroom's ``?`` (missing ``stalk-root``) forms a hyperedge and a
            one-hot column like any value; ``False`` gives it none.
        verify: check the file against its pinned digest (:class:`ChecksumError` on mismatch).
        opener: ``urllib.request.urlopen``-like callable used for downloads.

    Returns:
        :class:`~hypergraph.data.Hypergraph` with ``x``, ``y`` (``0..C-1``), ``num_classes``,
        ``label_names``, ``hyperedge_names`` (``"attribute=value"``, or the word) and
        ``hyperedge_index`` (0-based, sorted by hyperedge then node); Zoo also ``node_names``.
    """
    name = _canonical(name)
    r = resolve_root(root)
    path = find_uci(name, r)
    if path is None:
        fname = UCI_DATASETS[name].file
        path = cache_dir(None, FORMAT_FOLDER, create=False) / fname
        if not path.is_file():
            looked = [folder / fname for folder in (r / FORMAT_FOLDER, r, r / name)] + [path]
            if not download:
                raise not_found(f"UCI table {name!r}", r, looked, "download=False")
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                _download(name, path, opener)
            except DownloadError as err:
                raise not_found(f"UCI table {name!r}", r, looked, err) from None
    if verify:
        _check(name, path)
    return read_uci(name, path, include_label_attribute, features, missing_as_value)
