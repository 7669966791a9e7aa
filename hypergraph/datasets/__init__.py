"""Dataset loaders: download (pinned URL + sha256), checksum, local root."""

from hypergraph.datasets.base import HypergraphDataset
from hypergraph.datasets.benson import BENSON_DATASETS, BensonFormatError, load_benson, read_benson
from hypergraph.datasets.download import (
    ChecksumError,
    DatasetNotFoundError,
    default_root,
    download_url,
)
from hypergraph.datasets.hypergcn import HyperGCNDataset
from hypergraph.datasets.ogb_graph import load_ogbg, make_synthetic_ogbg, ogb_evaluator
from hypergraph.datasets.shyre import (
    SHYRE_DATASETS,
    HyperedgeFileError,
    load_shyre,
    load_shyre_split,
    parse_hyperedges,
    read_hyperedge_file,
)
from hypergraph.datasets.splits import fixed_split, per_class_split, random_split
from hypergraph.datasets.synthetic import synthetic_hsbm
from hypergraph.datasets.tu import TUFormatError, TUGraphDataset, load_tu

__all__ = [
    "BENSON_DATASETS",
    "BensonFormatError",
    "ChecksumError",
    "DatasetNotFoundError",
    "HyperGCNDataset",
    "HyperedgeFileError",
    "SHYRE_DATASETS",
    "TUFormatError",
    "TUGraphDataset",
    "HypergraphDataset",
    "default_root",
    "download_url",
    "fixed_split",
    "load_benson",
    "load_ogbg",
    "load_shyre",
    "load_shyre_split",
    "load_tu",
    "make_synthetic_ogbg",
    "ogb_evaluator",
    "parse_hyperedges",
    "per_class_split",
    "random_split",
    "read_benson",
    "read_hyperedge_file",
    "synthetic_hsbm",
]
