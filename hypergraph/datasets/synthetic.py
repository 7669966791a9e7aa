"""Synthetic node-classification dataset (hypergraph SBM) for the default config and benchmarks."""

from __future__ import annotations

import os

from hypergraph.data.generators import hypergraph_sbm
from hypergraph.data.hypergraph import Hypergraph


def synthetic_hsbm(
    root: str | os.PathLike | None = None,
    download: bool = True,
    num_nodes: int = 2000,
    num_classes: int = 5,
    num_hyperedges: int = 1000,
    mean_size: float = 4.0,
    max_size: int = 20,
    homophily: float = 0.8,
    num_features: int = 64,
    feature_signal: float = 0.3,
    feature_noise: float = 1.0,
    seed: int = 0,
) -> Hypergraph:
    """A hypergraph from :func:`hypergraph.data.generators.hypergraph_sbm` (``root`` and
    ``download`` are unused: nothing is read or written)."""
    hg = hypergraph_sbm(
        num_nodes=num_nodes,
        num_classes=num_classes,
        num_hyperedges=num_hyperedges,
        mean_size=mean_size,
        max_size=max_size,
        homophily=homophily,
        num_features=num_features,
        feature_signal=feature_signal,
        feature_noise=feature_noise,
        seed=seed,
    )
    hg.num_classes = num_classes
    return hg
