"""Shared propagation step of the HGNN-family layers (cached CSR or differentiable scatter)."""

from __future__ import annotations

import torch
from torch import Tensor

from hypergraph.data.ops import PropagationOperator, build_operator, propagate


class CachedPropagation(torch.nn.Module):
    """Applies a normalised operator, optionally caching it across calls.

    With ``cached=True`` the operator is built once (as factored CSR matrices) and reused while
    the same ``hyperedge_index`` / ``hyperedge_weight`` tensors are passed, which is the fast
    path for transductive full-batch training.  Without caching, or when ``hyperedge_weight``
    requires gradients, propagation runs by gather/scatter and is differentiable in the weights.
    """

    def __init__(self, kind: str, cached: bool = False) -> None:
        super().__init__()
        self.kind = kind
        self.cached = cached
        self._stamp: tuple | None = None
        self._op: PropagationOperator | None = None

    def reset_cache(self) -> None:
        self._stamp, self._op = None, None

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
        old = self._stamp
        if (
            self._op is None
            or old is None
            or old[0] is not stamp[0]
            or old[2] is not stamp[2]
            or old[1] != stamp[1]
            or old[3:] != stamp[3:]
        ):
            self._op = build_operator(
                self.kind, hyperedge_index, num_nodes, num_hyperedges, hyperedge_weight, x.dtype
            )
            self._stamp = stamp
        return self._op @ x
