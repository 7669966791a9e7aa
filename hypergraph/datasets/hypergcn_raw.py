"""HyperGCN's original pickles (Yadati et al., NeurIPS 2019), read through a restricted unpickler.

A dataset folder holds ``hypergraph.pickle`` (dict: key -> members), ``features.pickle``
(scipy CSR), ``labels.pickle`` (list) and ``splits/{1..10}.pickle`` (dicts with ``train`` and
``test``), as in ``malllabiisc/HyperGCN`` ``data/<kind>/<dataset>/``.  They are read only
through :func:`hypergraph.datasets.safe_pickle.restricted_load` (builtin containers, numpy
arrays, scipy CSR) and converted with :func:`hypergraph.datasets.hypergcn.convert_pickles`, so
the result equals ``HyperGCNDataset(name)[0]`` built from the ``.npz`` copies: same incidence
(hyperedges in the dict's insertion order, members sorted and deduplicated), features, labels
and the fixed splits ``split_train`` / ``split_test`` (``[10, n]``).

Folders are looked up in ``root/hypergcn-raw/<name>``, ``root/<name>`` and ``root``.  For the
offline ``cocitation-cora`` and ``coauthorship-cora`` every file is pinned by its sha256
(``datasets/SHA256SUMS``); for every dataset of :data:`~hypergraph.datasets.hypergcn.SOURCES`
with a pinned structure digest the converted incidence, labels and splits are checked against
it (the features of ``cocitation-pubmed`` / ``coauthorship-dblp`` / ``cocitation-citeseer``
are not covered by any pin).  A missing known dataset is downloaded from the repository at
commit :data:`~hypergraph.datasets.hypergcn.COMMIT` into ``$HYPERGRAPH_CACHE/hypergcn-raw/``
(the folder is renamed into place only after the checks passed).  A folder in this format
under another name loads unverified, with a warning (once per folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.datasets.download import (
    ChecksumError,
    DatasetNotFoundError,
    DownloadError,
    cache_dir,
    download_url,
    not_found,
    resolve_root,
    sha256_file,
    warn_unverified,
)
from hypergraph.datasets.hypergcn import BASE_URL, SOURCES, convert_pickles, structure_digest, to_hypergraph
from hypergraph.datasets.safe_pickle import restricted_load

__all__ = [
    "FILE_SHA256",
    "HyperGCNRawFormatError",
    "find_hypergcn_raw",
    "load_hypergcn_raw",
    "read_hypergcn_raw",
]

FORMAT_FOLDER = "hypergcn-raw"
FILES = ("hypergraph.pickle", "features.pickle", "labels.pickle") + tuple(
    f"splits/{i}.pickle" for i in range(1, 11)
)

_SPLITS = (
    "858c01eb7840ccde5658cf6dbd390306d7207e761dd5a7de3144ec5fcf7c1c50",
    "653cab3ccc01e47a88316a43623798fe7a60ea09810f07876ec335dbba4453c8",
    "5b59c16558e62a75ab57f8a344c563a860c104bd098506a04c356d0e98f7fd21",
    "cc7be482e7ecfe3f0a2ac464c9df971327fe4e1170f146e26e87bf9dcaaaa79d",
    "b2046f5a3421ebd91fc14fc676756dfae46493a5b6896d4b1d5dbf372e9e5f4e",
    "b555c4f43bf8789cb6f0c356f3ea472c22e889ab52029730c470d420e6787470",
    "06eca0840479684d1b61f96d86cc02b70e7afedda24d478dec7007b367c4460e",
    "6e0b4b5b8ed3d78c7d50804f05099ab611d2a949c811751e60b296fbabc405d5",
    "83065eeb78458770e371f4db6840511abb9daf03881424dff6735346e33ea749",
    "81671577cded62c8b9c0cb3d2fdec3207432bf30b129d4f4cef430ef9bd8412c",
)
_CORA_COMMON = {
    "features.pickle": "a20ab3c4903d6cf97d277f5ce8d26735e31d08c888cdd11e3f0a5bb78d7c0602",
    "labels.pickle": "0e6edd0d971dde22c1116fa662362262163a7a6d557eafd60ac6857de4569527",
    **{f"splits/{i}.pickle": s for i, s in enumerate(_SPLITS, start=1)},
}

#: sha256 of every upstream file, for the datasets of the offline snapshot (SHA256SUMS)
FILE_SHA256: dict[str, dict[str, str]] = {
    "cocitation-cora": {
        "hypergraph.pickle": "49abc7fff72a07de24e50d9d740d5cc63a32a40b2508995c16816fcb2729de80",
        **_CORA_COMMON,
    },
    "coauthorship-cora": {
        "hypergraph.pickle": "777d661210bdd122a4ce25284e07c6368e875a28122e75dca912c631db0935f6",
        **_CORA_COMMON,
    },
}


class HyperGCNRawFormatError(ValueError):
    """A HyperGCN pickle is unreadable or inconsistent (the message names the file)."""


def _has_files(folder: Path) -> bool:
    return all((folder / f).is_file() for f in FILES[:4])


def find_hypergcn_raw(name: str, root: str | os.PathLike | None = None) -> Path | None:
    """The folder holding ``name``'s pickles under ``root`` (``root/hypergcn-raw/<name>``,
    ``root/<name>`` or ``root``), or ``None``."""
    r = resolve_root(root)
    for folder in (r / FORMAT_FOLDER / name, r / name, r):
        if _has_files(folder):
            return folder
    return None


def _require_files(folder: Path) -> None:
    missing = [f for f in FILES if not (folder / f).is_file()]
    if missing:
        raise DatasetNotFoundError(f"{folder}: missing {missing}")


def _convert(folder: Path) -> dict[str, np.ndarray]:
    """:func:`convert_pickles` with errors that name the offending file, plus range checks."""
    _require_files(folder)
    try:
        arrays = convert_pickles(folder)
    except Exception as err:  # find the file that does not load, to name it
        for f in FILES:
            try:
                restricted_load((folder / f).read_bytes())
            except Exception as e:
                raise HyperGCNRawFormatError(
                    f"{folder / f}: unreadable pickle ({type(e).__name__}: {e})"
                ) from e
        raise HyperGCNRawFormatError(f"{folder}: inconsistent pickles ({type(err).__name__}: {err})") from err
    n = int(arrays["num_nodes"])
    if int(arrays["x_shape"][0]) != n:
        raise HyperGCNRawFormatError(
            f"{folder / 'features.pickle'}: {int(arrays['x_shape'][0])} feature rows but "
            f"{folder / 'labels.pickle'} has {n} labels"
        )
    hi = arrays["hyperedge_index"]
    if hi.size and (hi[0].min() < 0 or hi[0].max() >= n):
        bad = int(hi[0].max() if hi[0].max() >= n else hi[0].min())
        raise HyperGCNRawFormatError(
            f"{folder / 'hypergraph.pickle'}: node id {bad} is outside the {n} nodes of labels.pickle"
        )
    for key in ("split_train", "split_test"):
        s = arrays[key]
        if s.size and (s.min() < 0 or s.max() >= n):
            row = int(np.flatnonzero(((s < 0) | (s >= n)).any(1))[0])
            raise HyperGCNRawFormatError(
                f"{folder / 'splits' / f'{row + 1}.pickle'}: {key[6:]} index outside the {n} nodes"
            )
    return arrays


def read_hypergcn_raw(folder: str | os.PathLike) -> Hypergraph:
    """Convert the pickles in ``folder`` (no checksums) to the :class:`Hypergraph` of
    :class:`~hypergraph.datasets.hypergcn.HyperGCNDataset`."""
    return to_hypergraph(_convert(Path(folder)))


def _verify_files(name: str, folder: Path) -> None:
    for f, want in FILE_SHA256.get(name, {}).items():
        got = sha256_file(folder / f)
        if got != want:
            raise ChecksumError(
                f"checksum mismatch for {folder / f}: sha256 {got}, expected {want} (pinned upstream "
                f"file of {name}); pass verify=False to load a modified copy"
            )


def _verify_structure(name: str, folder: Path, arrays: dict[str, np.ndarray]) -> None:
    want = SOURCES[name][1]
    if want is None:
        return
    got = structure_digest(arrays)
    if got != want:
        raise ChecksumError(
            f"{folder}: {name} converts to structure sha256 {got}, expected {want} (incidence, "
            "labels and splits of the pinned upstream pickles)"
        )


def _download(name: str, dest: Path, opener) -> None:
    upstream = SOURCES[name][0]
    pins = FILE_SHA256.get(name, {})
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".part", dir=dest.parent))
    try:
        for f in FILES:  # pinned by commit URL, and by sha256 where known
            download_url(f"{BASE_URL}/{upstream}/{f}", tmp / f, pins.get(f), opener=opener)
        _verify_structure(name, tmp, _convert(tmp))
        if dest.exists():  # an incomplete earlier copy in the cache
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load_hypergcn_raw(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    verify: bool = True,
    opener=urllib.request.urlopen,
) -> Hypergraph:
    """Load HyperGCN dataset ``name`` from its original pickles.

    Args:
        name: a key of :data:`~hypergraph.datasets.hypergcn.SOURCES` (e.g.
            ``"cocitation-cora"``), or the name of a user's folder in the same layout (loaded
            unverified, with a warning).
        root: data root (default ``$HYPERGRAPH_DATA`` or ``./datasets``), searched as
            :func:`find_hypergcn_raw` does.
        download: fetch a known dataset missing under ``root`` into
            ``$HYPERGRAPH_CACHE/hypergcn-raw/<name>``.
        verify: check the pinned file and structure digests (:class:`ChecksumError`).
        opener: ``urllib.request.urlopen``-like callable used for downloads.

    Returns:
        the :class:`~hypergraph.data.Hypergraph` that ``HyperGCNDataset(name)[0]`` gives: ``x``
        (dense float32 bag of words), ``y``, ``num_classes``, ``hyperedge_index``,
        ``split_train`` and ``split_test``.
    """
    r = resolve_root(root)
    folder = find_hypergcn_raw(name, r)
    what = f"HyperGCN pickles of {name!r}"
    looked = [f"{f}/{{hypergraph,features,labels}}.pickle" for f in (r / FORMAT_FOLDER / name, r / name, r)]
    if folder is None:
        if name not in SOURCES:
            raise not_found(
                what, r, looked, f"it is not one of the pinned datasets ({', '.join(SOURCES)})", False
            )
        folder = cache_dir(None, FORMAT_FOLDER, name, create=False)
        if not _has_files(folder):
            looked.append(str(folder))
            if not download:
                raise not_found(what, r, looked, "download=False")
            try:
                _download(name, folder, opener)
            except DownloadError as err:
                raise not_found(what, r, looked, err) from None
    if name in SOURCES and verify:
        _require_files(folder)
        _verify_files(name, folder)  # before unpickling anything
    arrays = _convert(folder)
    if name not in SOURCES:
        warn_unverified(FORMAT_FOLDER, name, folder)
    elif verify:
        _verify_structure(name, folder, arrays)
        if SOURCES[name][1] is None and name not in FILE_SHA256:
            warn_unverified(FORMAT_FOLDER, name, folder, "no pinned digest exists for this dataset")
    return to_hypergraph(arrays)
