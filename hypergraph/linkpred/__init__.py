"""Hyperedge prediction: leak-free splits, negative samplers, classic scores, learned models."""

from hypergraph.linkpred.negative import (
    CliqueNegativeSampler,
    MotifNegativeSampler,
    NegativeSampler,
    SizedNegativeSampler,
    make_sampler,
)
from hypergraph.linkpred.split import HyperedgeSplit, split_hyperedges

__all__ = [
    "CliqueNegativeSampler",
    "HyperedgeSplit",
    "MotifNegativeSampler",
    "NegativeSampler",
    "SizedNegativeSampler",
    "make_sampler",
    "split_hyperedges",
]
