"""Dual-hypergraph edge learning (Jo et al., "Edge Representation Learning with Hypergraphs",
NeurIPS 2021): the Dual Hypergraph Transformation and its inverse.

The layers and networks built on it live in :mod:`hypergraph.nn`: ``EHGNNConv``
(``hypergraph.nn.conv``), ``HyperDrop`` / ``HyperCluster`` (``hypergraph.nn.pool``) and
``HyperDropNet`` / ``GCNNet`` / ``HyperClusterNet`` (``hypergraph.nn.models``).
"""

from hypergraph.data.transforms import dual_incidence
from hypergraph.dual.transform import DualHypergraph, dht, inverse_dht

__all__ = ["DualHypergraph", "dht", "dual_incidence", "inverse_dht"]
