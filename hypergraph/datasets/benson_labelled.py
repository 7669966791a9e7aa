"""Node-labelled hypergraphs in the Benson-lab three-file format (AllSet's "cornell" sets).

Chodrow, Veldt & Benson, *Generative hypergraph clustering: from blockmodels to modularity*,
Science Advances 2021 (and each set's original source, see ``datasets/README.md`` §5).  AllSet
(Chien et al., ICLR 2022) and ED-HNN (Wang et al., ICLR 2023) report "Walmart", "House",
"Senate" (= ``senate-committees``) and "Congress" (= ``congress-bills``) on them.

Format (``NAME`` is the file stem; each file plain or gzip-compressed, ``.txt`` or ``.txt.gz``):

* ``hyperedges-NAME.txt``: one hyperedge per line, comma-separated **1-based** node ids;
* ``node-labels-NAME.txt``: one integer label per line, line ``i`` is node ``i`` (labels 1-based);
  the number of lines is the number of nodes ``N``;
* ``label-names-NAME.txt`` (optional for a user's folder): line ``k`` names label ``k``
  (a leading ``"k "`` on every line, as in ``congress-bills``, is dropped).

.. warning::

   **THE NODE FEATURES CARRY THE LABEL.**  These sets have no node features; following AllSet's
   protocol, ``x`` is the one-hot encoding of the class label plus i.i.d. Gaussian noise of
   standard deviation ``feature_noise`` (default 0.6, as AllSet's ``run_all_experiments.sh``).
   This is a *synthetic-feature protocol*: accuracy on these sets measures how well a model
   denoises a label-derived signal through the hypergraph, not how well it predicts labels
   from independent features.  With ``feature_noise=0`` the features *are* the labels.  Report
   ``feature_noise`` with every number.

Construction, compared with AllSet's ``load_cornell_dataset`` (``jianhao2016/AllSet``,
``src/load_other_datasets.py``):

* nodes: ``N`` = number of lines of ``node-labels``; node id ``v`` (1-based) becomes ``v - 1``.
  AllSet's loader at commit ``7320663`` subtracts the smallest id (1 for every set here), as
  ED-HNN's does; at commit ``6228d40`` it used the 1-based ids as they are, which shifts the
  structure by one node against ``x`` / ``y`` (and its V|E id layout then drops the last node's
  incidences): that is not reproduced.
* hyperedges: one per line, in file order (``M`` = number of lines).  A node repeated within a
  line is kept once (AllSet's ``coalesce``; ``house-committees`` has 13 such lines,
  ``senate-committees`` 11).  Singleton hyperedges are kept (AllSet keeps them; its self-loop
  step then counts them as the node's self-loop) and duplicate hyperedges are kept (AllSet does
  not deduplicate).  Members of a hyperedge are listed in ascending node order.
* labels: ``y`` is the rank of the label among the labels that occur (``0..C-1``), so
  ``num_classes`` = number of distinct labels.  For every set but ``mathoverflow-answers`` the
  labels are ``1..C`` and this equals AllSet's ``y - y.min()``.  ``mathoverflow-answers`` uses
  641 of its 1,456 label names (ids up to 1,380): AllSet would make 1,380 one-hot columns and
  leave ``y`` non-contiguous; here ``y`` and the one-hot columns are the 641 used classes.
  ``label_names`` lists the names of the used labels in class order.
* features: ``one_hot(y, C)`` (zero-padded to ``feature_dim`` columns when given, as AllSet's
  ``walmart-trips-100`` / ``house-committees-100``), plus ``feature_noise * N(0, 1)`` noise on
  **every** entry (AllSet: ``np.random.normal(features, feature_noise)``).  No normalisation.
  AllSet draws from NumPy's global RNG (unseeded); here the noise is drawn in float32 from a
  ``torch.Generator`` seeded with ``feature_seed`` (CPU generator: identical on every machine).

Known datasets are pinned by the sha256 of each file's (uncompressed) upstream text, checked on
every load (a local ``.txt.gz`` is hashed after decompression), and downloaded from
``PhilChodrow/HypergraphModularity`` at commit :data:`BENSON_LABELLED_COMMIT` into
``$HYPERGRAPH_CACHE/benson-labelled/<NAME>/`` (never into the data root).  ``senate-bills`` (Benson's
name) is the folder ``SN-congress-bills`` (HypergraphModularity splits congress bills by type;
``SN`` = Senate bills).  A folder in this format under any other name loads unverified, with a
warning (:class:`~hypergraph.datasets.download.UnverifiedDatasetWarning`, once per folder).

STATS (measured; nodes, hyperedges and classes agree with ``datasets/README.md`` §5, and with
AllSet's 1,290 / 341 for House and 88,860 / 69,906 for Walmart):

==============================  ======  ==========  ==========  =======
name                            nodes   hyperedges  incidences  classes
==============================  ======  ==========  ==========  =======
house-committees                1,290   341         11,843      2
senate-committees               282     315         5,408       2
walmart-trips                   88,860  69,906      460,630     11
contact-primary-school-classes  242     12,704      30,729      11
senate-bills                    294     29,157      232,147     2
congress-bills                  1,718   84,799      733,994     2
mathoverflow-answers            73,851  5,446       131,714     641
==============================  ======  ==========  ==========  =======
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.datasets.benson_labelled_parse import (
    _KINDS,
    BensonLabelledFormatError,
    _file,
    _has_files,
    _read_bytes,
    label_features,
    read_benson_labelled,
)
from hypergraph.datasets.benson_labelled_parse import parse_id_lists as parse_id_lists
from hypergraph.datasets.download import (
    ChecksumError,
    DatasetNotFoundError,
    DownloadError,
    cache_dir,
    download_url,
    not_found,
    resolve_root,
    warn_unverified,
)

__all__ = [
    "BENSON_LABELLED",
    "BENSON_LABELLED_COMMIT",
    "BensonLabelledFormatError",
    "find_benson_labelled",
    "label_features",
    "load_benson_labelled",
    "read_benson_labelled",
]

BENSON_LABELLED_COMMIT = "f43f6ed7cbe4f774dc9aeccb903547de40475d8b"
_BASE_URL = (
    f"https://raw.githubusercontent.com/PhilChodrow/HypergraphModularity/{BENSON_LABELLED_COMMIT}/data"
)
FORMAT_FOLDER = "benson-labelled"


@dataclass(frozen=True)
class BensonLabelledInfo:
    """Pinned facts of one dataset: upstream folder / file stem, counts, text sha256 per file."""

    folder: str
    num_nodes: int
    num_hyperedges: int
    num_classes: int
    sha256: dict[str, str]

    def url(self, kind: str) -> str:
        return f"{_BASE_URL}/{self.folder}/{kind}-{self.folder}.txt"


def _info(
    folder: str, n: int, m: int, c: int, hyperedges: str, labels: str, names: str
) -> BensonLabelledInfo:
    return BensonLabelledInfo(
        folder, n, m, c, {"hyperedges": hyperedges, "node-labels": labels, "label-names": names}
    )


# sha256 of the upstream (uncompressed) text: /work/shared/datasets/SHA256SUMS, and for the two
# hyperedge files stored gzipped there, the upstream digests given in datasets/README.md §5.
BENSON_LABELLED: dict[str, BensonLabelledInfo] = {
    "house-committees": _info(
        "house-committees",
        1290,
        341,
        2,
        "d45b8b4532034c78232e6a1abb71b28777818b51035de84c5c14d9de2264432d",
        "3611f1fb43b0caa8a56efd0bfbdfec061a9732322b0eca45d7b05bf83f8ed7a2",
        "52d6e50299ac02938e2c0996d5083f10d3bd78007cfaed73df3828b26310e514",
    ),
    "senate-committees": _info(
        "senate-committees",
        282,
        315,
        2,
        "cdb6c44832e9ba94549cd48e0807f448ef8b6d8266da3f88e0a07794af4b5b65",
        "bae42976ab82578ddcaf9d230c1e445f28c2bbf80c79d96d23457e488181fa00",
        "52d6e50299ac02938e2c0996d5083f10d3bd78007cfaed73df3828b26310e514",
    ),
    "walmart-trips": _info(
        "walmart-trips",
        88860,
        69906,
        11,
        "641e580c64710d30da7621ae326137dbdcf503f10cf06fd39ab20b0e1b39ec00",
        "6799bfdc85df02f62a9f8b8ae8c34a61763e69eb3c4799cee12461cefacc58ed",
        "20ab1f4c2b6ec85b54b1da71e7f5339b804375d6d6df5db7d1deb1910bf2e761",
    ),
    "contact-primary-school-classes": _info(
        "contact-primary-school-classes",
        242,
        12704,
        11,
        "b3aa6d27740665bcbd2b7c26ce82878be26a46e58b130112c22e37657eb22bae",
        "0af10d34685f0c3caf56631ac290a838ef884317f56d7419208b7c22baedbefd",
        "103b5a6f74fd4249b0640e6244ce85d876ac57b8ace716df9c90b03b3dee4ee7",
    ),
    "senate-bills": _info(
        "SN-congress-bills",
        294,
        29157,
        2,
        "cf45aa9f7dcf3c8bc4e41846f7ed805e8fc6eaa60d9e11dd6582f1dbef57c420",
        "f695607772852308418fb9cda7576987dc773c9431ec4c2de580229d158b47d8",
        "52d6e50299ac02938e2c0996d5083f10d3bd78007cfaed73df3828b26310e514",
    ),
    "congress-bills": _info(
        "congress-bills",
        1718,
        84799,
        2,
        "c8592ce03d9ae7c42b4b03a9e058af57eb793853c3f0bed119849a490aa4c31f",
        "f8680f84cca08b75ff36284918999b0b739b17270e9ecfa7d1816193455ac1e8",
        "1263b7a9202be7756351e41d1302a8c9fb720f097a62c484397e80c4cd780651",
    ),
    "mathoverflow-answers": _info(
        "mathoverflow-answers",
        73851,
        5446,
        641,
        "d896cbdd20d75a69cc4caba9acb8776e98f054aa381e837542e929a0eb6ca434",
        "322ab9aa934006a22973352a25241f0c96db474af19de38a9575ee8d8a462006",
        "9f8fdb4f945b50d9b9c38f31958c02a9b35c2ea507fe573692181753f9adda1b",
    ),
}

#: other spellings of known datasets
ALIASES: dict[str, str] = {"SN-congress-bills": "senate-bills"}


def _canonical(name: str) -> str:
    """The key of :data:`BENSON_LABELLED` for ``name`` (any case, or an alias), else ``name``."""
    lookup = {k.lower(): k for k in BENSON_LABELLED} | {k.lower(): v for k, v in ALIASES.items()}
    return lookup.get(name.lower(), name)


def _stems(name: str) -> list[str]:
    canonical = _canonical(name)
    info = BENSON_LABELLED.get(canonical)
    stems = [info.folder] if info is not None else []
    for s in (canonical, name):
        if s not in stems:
            stems.append(s)
    return stems


# ------------------------------------------------------------------------------ loading
def find_benson_labelled(name: str, root: str | os.PathLike | None = None) -> Path | None:
    """The folder holding ``name``'s files under ``root``, or ``None``.

    Looks in ``root/benson-labelled/<NAME>``, ``root/<NAME>`` and ``root`` itself, where
    ``NAME`` is the upstream folder of a known dataset (``SN-congress-bills`` for
    ``senate-bills``) or ``name``; the folder must hold ``hyperedges-NAME.txt[.gz]`` and
    ``node-labels-NAME.txt[.gz]``.
    """
    r = resolve_root(root)
    for stem in _stems(name):
        for folder in (r / FORMAT_FOLDER / stem, r / stem, r):
            if _has_files(folder, stem):
                return folder
    return None


def _verify(folder: Path, stem: str, info: BensonLabelledInfo) -> None:
    for kind, want in info.sha256.items():
        p = _file(folder, stem, kind)
        if p is None:
            raise DatasetNotFoundError(f"{folder}: missing {kind}-{stem}.txt (pinned file of this dataset)")
        got = hashlib.sha256(_read_bytes(p)).hexdigest()
        if got != want:
            raise ChecksumError(
                f"checksum mismatch for {p}: its text has sha256 {got}, expected {want} (the pinned "
                f"upstream file of {info.folder!r}); pass verify=False to load a modified copy, or "
                "store it under a new name"
            )


def _download(info: BensonLabelledInfo, folder: Path, opener) -> None:
    for kind in _KINDS:
        dest = folder / f"{kind}-{info.folder}.txt"
        if not dest.exists():  # download_url verifies the sha256 before renaming into place
            download_url(info.url(kind), dest, info.sha256[kind], opener=opener)


def load_benson_labelled(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    feature_noise: float | None = 0.6,
    feature_seed: int = 0,
    feature_dim: int | None = None,
    verify: bool = True,
    opener=urllib.request.urlopen,
) -> Hypergraph:
    """Load the node-labelled hypergraph ``name`` (see the module docstring).

    **The features ``x`` carry the label** (one-hot label + Gaussian noise, AllSet's protocol).

    Args:
        name: a key of :data:`BENSON_LABELLED` (or ``SN-congress-bills``), or the file stem of a
            user's folder in the same format (loaded unverified, with a warning).
        root: data root (default ``$HYPERGRAPH_DATA`` or ``./datasets``), searched as
            :func:`find_benson_labelled` does.
        download: fetch a known dataset missing under ``root`` into
            ``$HYPERGRAPH_CACHE/benson-labelled/`` (sha256-checked, atomic).
        feature_noise: standard deviation of the noise added to the one-hot label (AllSet 0.6);
            ``None`` for ``x=None``.
        feature_seed: seed of the noise.
        feature_dim: pad the one-hot label with zero columns to this width before the noise.
        verify: check a known dataset's files against their pinned sha256 (a mismatch raises
            :class:`~hypergraph.datasets.download.ChecksumError`).
        opener: ``urllib.request.urlopen``-like callable used for downloads.

    Returns:
        :class:`~hypergraph.data.Hypergraph` with ``x`` (``[N, C]`` or ``[N, feature_dim]``),
        ``y`` (``0..C-1``), ``num_classes``, ``label_names``, and ``hyperedge_index`` (0-based).
    """
    info = BENSON_LABELLED.get(_canonical(name))
    r = resolve_root(root)
    folder = find_benson_labelled(name, r)
    if folder is None and info is not None:
        cached = cache_dir(None, FORMAT_FOLDER, info.folder, create=False)
        if not all((cached / f"{k}-{info.folder}.txt").is_file() for k in _KINDS):
            looked = _looked(r, info.folder) + [cached]
            if not download:
                raise not_found(f"Benson-labelled dataset {name!r}", r, looked, "download=False")
            try:
                _download(info, cached, opener)
            except DownloadError as err:
                raise not_found(f"Benson-labelled dataset {name!r}", r, looked, err) from None
        folder = cached
    if folder is None:
        raise not_found(
            f"Benson-labelled dataset {name!r}",
            r,
            _looked(r, name),
            f"it is not one of the pinned datasets ({', '.join(BENSON_LABELLED)}), which alone can be "
            "downloaded",
            can_download=False,
        )
    stem = next(s for s in _stems(name) if _has_files(folder, s))
    if info is not None and verify:
        _verify(folder, stem, info)
    elif info is None:
        warn_unverified(FORMAT_FOLDER, name, folder)
    return read_benson_labelled(folder, stem, feature_noise, feature_seed, feature_dim)


def _looked(r: Path, stem: str) -> list[str]:
    files = f"{{hyperedges,node-labels}}-{stem}.txt[.gz]"
    return [f"{folder}/{files}" for folder in (r / FORMAT_FOLDER / stem, r / stem, r)]
