"""Validation of incidence structures with errors that name the problem."""

from __future__ import annotations

import torch
from torch import Tensor


def validate_hypergraph(
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    hyperedge_weight: Tensor | None = None,
    hyperedge_attr: Tensor | None = None,
    x: Tensor | None = None,
    allow_empty_hyperedges: bool = True,
) -> None:
    """Check an incidence list and its attributes; raise :class:`ValueError` on the first problem.

    Checks: ``hyperedge_index`` is an int64 tensor of shape ``[2, nnz]``; node ids lie in
    ``[0, num_nodes)`` and hyperedge ids in ``[0, num_hyperedges)``; no incidence is repeated;
    ``hyperedge_weight`` has shape ``[M]`` and holds finite values; ``hyperedge_attr`` and
    ``x`` have ``M`` and ``N`` rows; optionally every hyperedge has a member.
    """
    if not isinstance(hyperedge_index, Tensor):
        raise ValueError(
            f"hyperedge_index must be a torch.Tensor, got {type(hyperedge_index).__name__}"
        )
    if hyperedge_index.dtype != torch.long:
        raise ValueError(f"hyperedge_index must have dtype torch.int64, got {hyperedge_index.dtype}")
    if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
        raise ValueError(
            f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}"
        )
    if num_nodes < 0 or num_hyperedges < 0:
        raise ValueError(f"negative counts: num_nodes={num_nodes}, num_hyperedges={num_hyperedges}")
    nnz = hyperedge_index.size(1)
    if nnz > 0:
        nodes, edges = hyperedge_index[0], hyperedge_index[1]
        nmin, nmax = int(nodes.min()), int(nodes.max())
        if nmin < 0:
            k = int((nodes < 0).nonzero()[0])
            raise ValueError(f"negative node id {int(nodes[k])} in hyperedge_index[0, {k}]")
        if nmax >= num_nodes:
            k = int((nodes >= num_nodes).nonzero()[0])
            raise ValueError(
                f"node id {int(nodes[k])} in hyperedge_index[0, {k}] is out of range "
                f"for num_nodes={num_nodes}"
            )
        emin, emax = int(edges.min()), int(edges.max())
        if emin < 0 or emax >= num_hyperedges:
            bad = (edges < 0) | (edges >= num_hyperedges)
            k = int(bad.nonzero()[0])
            raise ValueError(
                f"hyperedge id {int(edges[k])} in hyperedge_index[1, {k}] is not in "
                f"[0, num_hyperedges={num_hyperedges})"
            )
        key = edges * max(num_nodes, 1) + nodes
        if torch.unique(key).numel() != nnz:
            sorted_key, _ = torch.sort(key)
            dup = sorted_key[1:][sorted_key[1:] == sorted_key[:-1]][0]
            raise ValueError(
                f"duplicate incidence: node {int(dup % max(num_nodes, 1))} appears twice in "
                f"hyperedge {int(dup // max(num_nodes, 1))} (use "
                "hypergraph.data.coalesce_incidence to merge)"
            )
    if not allow_empty_hyperedges and num_hyperedges > 0:
        size = torch.bincount(hyperedge_index[1], minlength=num_hyperedges)
        if bool((size == 0).any()):
            e = int((size == 0).nonzero()[0])
            raise ValueError(f"hyperedge {e} is empty (no member node)")
    if hyperedge_weight is not None:
        if hyperedge_weight.dim() != 1 or hyperedge_weight.numel() != num_hyperedges:
            raise ValueError(
                f"hyperedge_weight must have shape [num_hyperedges={num_hyperedges}], "
                f"got {list(hyperedge_weight.shape)}"
            )
        if not torch.is_floating_point(hyperedge_weight):
            raise ValueError(f"hyperedge_weight must be floating point, got {hyperedge_weight.dtype}")
        if bool(torch.isnan(hyperedge_weight).any()):
            e = int(torch.isnan(hyperedge_weight).nonzero()[0])
            raise ValueError(f"hyperedge_weight[{e}] is NaN")
        if bool(torch.isinf(hyperedge_weight).any()):
            e = int(torch.isinf(hyperedge_weight).nonzero()[0])
            raise ValueError(f"hyperedge_weight[{e}] is infinite")
    if hyperedge_attr is not None and hyperedge_attr.size(0) != num_hyperedges:
        raise ValueError(
            f"hyperedge_attr has {hyperedge_attr.size(0)} rows but num_hyperedges={num_hyperedges}"
        )
    if x is not None and x.size(0) != num_nodes:
        raise ValueError(f"x has {x.size(0)} rows but num_nodes={num_nodes}")
