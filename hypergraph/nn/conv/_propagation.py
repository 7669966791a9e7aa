"""Shared propagation step of the HGNN-family layers (cached CSR or differentiable scatter)."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import Tensor

from hypergraph.data.hypergraph import same_stamp
from hypergraph.data.ops import PropagationOperator, build_operator, propagate


class CachedPropagation(torch.nn.Module):
    """Applies a normalised operator, optionally caching it across calls.

    With ``cached=True`` the operator is built once per hypergraph (as factored CSR matrices)
    and reused while the same ``hyperedge_index`` / ``hyperedge_weight`` tensors are passed,
    which is the fast path for full-batch training.  Up to ``max_cached`` hypergraphs are kept
    (least recently used dropped first), so a model that alternates between a few fixed
    hypergraphs (e.g. several time windows) builds each operator once.  Without caching, or when
    ``hyperedge_weight`` requires gradients, propagation runs by gather/scatter and is
    differentiable in the weights.
    """

    def __init__(self, kind: str, cached: bool = False, max_cached: int = 8) -> None:
        super().__init__()
        self.kind = kind
        self.cached = cached
        self.max_cached = max_cached
        # id(hyperedge_index) -> (stamp, operator); the stamp holds the tensor, so the id
        # cannot be reused by another tensor while the entry lives
        self._ops: OrderedDict[int, tuple[tuple, PropagationOperator]] = OrderedDict()

    def reset_cache(self) -> None:
        self._ops.clear()

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        node_degree: Tensor | None = None,
        hyperedge_degree: Tensor | None = None,
    ) -> Tensor:
        """``node_degree`` / ``hyperedge_degree`` (e.g. the full-graph degrees of a mini-batch)
        replace the degrees computed from ``hyperedge_index``; see
        :func:`hypergraph.data.ops.build_operator`."""
        num_nodes = x.size(0)
        if num_hyperedges is None:
            if hyperedge_weight is not None:
                num_hyperedges = hyperedge_weight.numel()
            elif hyperedge_degree is not None:
                num_hyperedges = hyperedge_degree.numel()
            else:  # members of trailing empty hyperedges do not exist: no effect on output
                num_hyperedges = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
        if not self.cached or (hyperedge_weight is not None and hyperedge_weight.requires_grad):
            return propagate(
                self.kind,
                x,
                hyperedge_index,
                num_nodes,
                num_hyperedges,
                hyperedge_weight,
                node_degree=node_degree,
                hyperedge_degree=hyperedge_degree,
            )
        degrees = (node_degree, hyperedge_degree)  # held by the entry so that their ids stay unique
        stamp = (
            hyperedge_index,
            hyperedge_index._version,
            hyperedge_weight,
            None if hyperedge_weight is None else hyperedge_weight._version,
            num_nodes,
            num_hyperedges,
            x.device,
            x.dtype,
            tuple(None if t is None else (id(t), t._version) for t in degrees),
        )
        key = id(hyperedge_index)
        entry = self._ops.get(key)
        if entry is None or not same_stamp(entry[0], stamp):
            op = build_operator(
                self.kind,
                hyperedge_index,
                num_nodes,
                num_hyperedges,
                hyperedge_weight,
                x.dtype,
                node_degree=node_degree,
                hyperedge_degree=hyperedge_degree,
            )
            entry = (stamp, op, degrees)
            self._ops[key] = entry
            while len(self._ops) > self.max_cached:
                self._ops.popitem(last=False)
        self._ops.move_to_end(key)
        return entry[1] @ x
