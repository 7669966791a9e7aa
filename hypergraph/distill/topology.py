r"""The topology-aware (over-smoothing) score of LightHGNN.

.. math::
    s = \mathrm{mean}_{e} \; \mathrm{mean}_{v \in e} \; \lVert h_v - \bar h_e \rVert_2,
    \qquad \bar h_e = \mathrm{mean}_{u \in e} h_u ,

over the non-empty hyperedges, on node embeddings ``h`` (the hidden layer in the paper).  Small
values mean that members of a hyperedge have collapsed onto each other (over-smoothing); the
authors' ``ho_topology_score`` computes the same quantity with Python loops, here it is two
scatters.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch_geometric.utils import scatter


def topology_score(embedding: Tensor, hyperedge_index: Tensor, num_hyperedges: int) -> float:
    """Mean over non-empty hyperedges of the mean member distance to the hyperedge centroid."""
    v, e = hyperedge_index[0], hyperedge_index[1]
    M = int(num_hyperedges)
    h = embedding.detach().float()
    centroid = scatter(h[v], e, 0, dim_size=M, reduce="mean")
    dist = (h[v] - centroid[e]).norm(dim=-1)
    per_edge = scatter(dist, e, 0, dim_size=M, reduce="mean")
    nonempty = torch.bincount(e, minlength=M) > 0
    if not bool(nonempty.any()):
        raise ValueError("topology score needs at least one non-empty hyperedge")
    return float(per_edge[nonempty].mean())
