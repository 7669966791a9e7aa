"""Mini-batch loaders for large hypergraphs and chunked full-graph inference.

* :class:`HypergraphNeighborLoader`: seed nodes with sampled multi-hop neighbourhoods (PyG
  ``NeighborLoader`` conventions; ``n_id``, ``e_id``, ``batch_size`` and the full-graph degrees on
  every batch).
* :class:`HypergraphClusterLoader`: Cluster-GCN style unions of cached node partitions.
* :func:`chunked_inference`: layer-by-layer full-graph inference over node chunks.
"""

from hypergraph.loader.cluster_loader import HypergraphClusterLoader
from hypergraph.loader.inference import HypergraphStep, chunked_inference, register_inference_steps
from hypergraph.loader.neighbor_loader import HypergraphNeighborLoader, HypergraphNeighborSampler
from hypergraph.loader.partition import partition_nodes, partition_quality

__all__ = [
    "HypergraphClusterLoader",
    "HypergraphNeighborLoader",
    "HypergraphNeighborSampler",
    "HypergraphStep",
    "chunked_inference",
    "partition_nodes",
    "partition_quality",
    "register_inference_steps",
]
