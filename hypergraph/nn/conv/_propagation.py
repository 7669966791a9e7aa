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
    ) -> Tensor:
        num_nodes = x.size(0)
        if num_hyperedges is None:
            if hyperedge_weight is not None:
                num_hyperedges = hyperedge_weight.numel()
            else:  # members of trailing empty hyperedges do not exist: no effect on output
                num_hyperedges = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
        if not self.cached or (hyperedge_weight is not None and hyperedge_weight.requires_grad):
            return propagate(
                self.kind, x, hyperedge_index, num_nodes, num_hyperedges, hyperedge_weight
            )
        stamp = (
            hyperedge_index,
            hyperedge_index._version,
            hyperedge_weight,
            None if hyperedge_weight is None else hyperedge_weight._version,
            num_nodes,
            num_hyperedges,
            x.device,
            x.dtype,
        )
        key = id(hyperedge_index)
        entry = self._ops.get(key)
        if entry is None or not same_stamp(entry[0], stamp):
            op = build_operator(
                self.kind, hyperedge_index, num_nodes, num_hyperedges, hyperedge_weight, x.dtype
            )
            entry = (stamp, op)
            self._ops[key] = entry
            while len(self._ops) > self.max_cached:
                self._ops.popitem(last=False)
        self._ops.move_to_end(key)
        return entry[1] @ x
