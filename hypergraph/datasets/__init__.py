"""Dataset loaders: pinned downloads (URL + sha256), local roots, and a user's own data.

Every dataset name is registered here, explicitly, in :data:`hypergraph.registry.DATASETS`.
Each entry is a loader with one calling convention, ``loader(root=None, download=True,
**options)``, carrying its file format in ``loader.format``; it returns

* a :class:`~hypergraph.data.Hypergraph` for node-level sets (HyperGCN ``.npz`` and raw pickles,
  Benson-labelled, UCI, ``synthetic_hsbm``),
* a :class:`~hypergraph.data.temporal.TemporalSimplicialComplex` for Benson's temporal sets,
* a :class:`~hypergraph.datasets.shyre.ShyreSplit` ``(train, query)`` for SHyRe,
* a PyG ``TUDataset`` for TU and an OGB ``PygGraphPropPredDataset`` for OGB.

:func:`load_dataset` loads a registered name, or any other name from a folder in one of the
:data:`FORMATS` (HyperGCN ``.npz``, Benson, Benson-labelled, SHyRe, TU, HIF, ...), unverified.

Name clashes between families are resolved by a suffix: Benson's temporal ``congress-bills`` keeps
its name, the node-labelled one (Chodrow et al.) is ``congress-bills-labelled``; HyperGCN's original
pickles are ``<name>-raw`` (``cocitation-cora-raw``), beside the ``.npz`` sets.  Registry names are
case-insensitive (``mutag`` is ``MUTAG``).
"""

import functools
from collections.abc import Callable
from typing import Any

from hypergraph.data.splits import fixed_split, per_class_split, random_split
from hypergraph.datasets.base import HypergraphDataset
from hypergraph.datasets.benson import BENSON_DATASETS, BensonFormatError, load_benson, read_benson
from hypergraph.datasets.benson_labelled import BENSON_LABELLED, load_benson_labelled
from hypergraph.datasets.download import (
    ChecksumError,
    DatasetNotFoundError,
    DownloadError,
    UnverifiedDatasetWarning,
    cache_root,
    default_root,
    download_url,
)
from hypergraph.datasets.formats import FORMATS, detect_formats, load_dataset, loader_for
from hypergraph.datasets.hif import load_hif
from hypergraph.datasets.hypergcn import SOURCES as HYPERGCN_DATASETS
from hypergraph.datasets.hypergcn import HyperGCNDataset, load_hypergcn
from hypergraph.datasets.hypergcn_raw import load_hypergcn_raw
from hypergraph.datasets.ogb_graph import (
    OGBG_DATASETS,
    load_ogbg,
    make_synthetic_ogbg,
    ogb_evaluator,
    ogbg_dataset,
)
from hypergraph.datasets.shyre import (
    SHYRE_DATASETS,
    HyperedgeFileError,
    ShyreSplit,
    load_shyre,
    load_shyre_split,
    parse_hyperedges,
    read_hyperedge_file,
)
from hypergraph.datasets.synthetic import synthetic_hsbm
from hypergraph.datasets.tu import TU_DATASETS, TUFormatError, TUGraphDataset, load_tu
from hypergraph.datasets.uci import UCI_DATASETS, load_uci
from hypergraph.registry import DATASETS


def _register(key: str, fmt: str, fn: Callable[..., Any], *args: Any) -> None:
    """Register ``fn`` (bound to ``args``, e.g. the dataset's own name) under ``key``."""
    entry = functools.partial(fn, *args) if args else functools.partial(fn)
    entry.format = fmt  # type: ignore[attr-defined]
    DATASETS.register(key, entry)


for _name in HYPERGCN_DATASETS:  # cocitation-{cora,citeseer,pubmed}, coauthorship-{cora,dblp}
    _register(_name, "hypergcn", load_hypergcn, _name)
for _name in BENSON_DATASETS:  # the 19 temporal simplicial complexes of Benson et al. (PNAS 2018)
    _register(_name, "benson", load_benson, _name)
for _name in SHYRE_DATASETS:  # enron, school, school2, foursquare, hosts, dblp
    _register(_name, "shyre", load_shyre, _name)
for _name in TU_DATASETS:  # MUTAG, PROTEINS, IMDB-BINARY, IMDB-MULTI, NCI1, DD, COLLAB
    _register(_name, "tu", load_tu, _name)
for _name in OGBG_DATASETS:  # ogbg-molhiv, ogbg-moltox21, ... (ogb's master.csv)
    _register(_name, "ogb", ogbg_dataset, _name)
for _name in BENSON_LABELLED:  # node-labelled hypergraphs (Chodrow et al.); AllSet's House, Walmart, ...
    _register(
        f"{_name}-labelled" if _name in BENSON_DATASETS else _name,
        "benson-labelled",
        load_benson_labelled,
        _name,
    )
for _name in UCI_DATASETS:  # zoo, mushroom, 20newsW100 (AllSet's UCI sets)
    _register(_name, "uci", load_uci, _name)
for _name in HYPERGCN_DATASETS:  # HyperGCN's original pickles (features included where the .npz lacks them)
    _register(f"{_name}-raw", "hypergcn-raw", load_hypergcn_raw, _name)
_register("synthetic_hsbm", "synthetic", synthetic_hsbm)
del _name

__all__ = [
    "BENSON_DATASETS",
    "BENSON_LABELLED",
    "BensonFormatError",
    "ChecksumError",
    "DatasetNotFoundError",
    "DownloadError",
    "FORMATS",
    "HYPERGCN_DATASETS",
    "HyperGCNDataset",
    "HyperedgeFileError",
    "HypergraphDataset",
    "OGBG_DATASETS",
    "SHYRE_DATASETS",
    "ShyreSplit",
    "TUFormatError",
    "TUGraphDataset",
    "TU_DATASETS",
    "UCI_DATASETS",
    "UnverifiedDatasetWarning",
    "cache_root",
    "default_root",
    "detect_formats",
    "download_url",
    "fixed_split",
    "load_benson",
    "load_benson_labelled",
    "load_dataset",
    "load_hif",
    "load_hypergcn",
    "load_hypergcn_raw",
    "load_ogbg",
    "load_shyre",
    "load_shyre_split",
    "load_tu",
    "load_uci",
    "loader_for",
    "make_synthetic_ogbg",
    "ogb_evaluator",
    "ogbg_dataset",
    "parse_hyperedges",
    "per_class_split",
    "random_split",
    "read_benson",
    "read_hyperedge_file",
    "synthetic_hsbm",
]
