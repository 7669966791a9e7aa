"""Dual-hypergraph edge learning (Jo et al., "Edge Representation Learning with Hypergraphs",
NeurIPS 2021): the Dual Hypergraph Transformation and its inverse, EHGNN, HyperDrop,
HyperCluster and the graph-classification networks built from them."""

from hypergraph.dual.ehgnn import EHGNNConv
from hypergraph.dual.models import (
    HyperClusterAutoencoder,
    HyperClusterNet,
    HyperDropNet,
    OGBGCNConv,
    num_clusters_for,
)
from hypergraph.dual.pool import HyperCluster, HyperDrop
from hypergraph.dual.transform import DualHypergraph, dht, dual_incidence, inverse_dht

__all__ = [
    "DualHypergraph",
    "EHGNNConv",
    "HyperCluster",
    "HyperClusterAutoencoder",
    "HyperClusterNet",
    "HyperDrop",
    "HyperDropNet",
    "OGBGCNConv",
    "dht",
    "dual_incidence",
    "inverse_dht",
    "num_clusters_for",
]
