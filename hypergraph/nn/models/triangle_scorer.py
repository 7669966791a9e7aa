"""The learned simplicial-closure scorer: a hypergraph encoder plus a wide-and-deep triangle
decoder (the model of the ``higher_order_link_prediction`` task)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


class _LayerNorm(torch.nn.Module):
    """Layer normalisation whose backward does not depend on the CPU thread count.

    Same parameters (``weight``, ``bias``) and output as :class:`torch.nn.LayerNorm`, but the
    affine part is applied after an affine-free ``F.layer_norm``: the parameter gradients are
    then column sums, which torch reduces in a thread-independent order, while the fused
    LayerNorm backward splits the row reduction between threads (so its last bits, and after
    many epochs the checkpoint selected, depended on ``torch.set_num_threads``)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(channels))
        self.bias = torch.nn.Parameter(torch.zeros(channels))

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.weight.shape) * self.weight + self.bias

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.weight.numel()})"


class _Score(torch.nn.Linear):
    """A linear map to one output whose forward does not depend on the CPU thread count.

    Same parameters and initialisation as ``torch.nn.Linear(in_channels, 1)``, computed as a
    row-wise product sum: MKL's matrix-vector product splits each row's sum between threads on
    some CPUs (AVX-512 here), which changed the logits' last bits with ``torch.set_num_threads``."""

    def __init__(self, in_channels: int) -> None:
        super().__init__(in_channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        return (x * self.weight).sum(-1, keepdim=True) + self.bias


class TriangleScorer(torch.nn.Module):
    """Encoder on the past hypergraph and a set-invariant decoder for open triangles.

    ``logit = wide([f ‖ prior]) + MLP([mean ‖ max of member embeddings ‖ f])``.  The wide part
    starts at the geometric mean (weight 1 on ``prior``, 0 elsewhere) or at a fitted logistic
    regression (:meth:`set_wide`); the MLP's last layer starts at zero, so training starts from
    the wide score and learns corrections to it.  Its forward does not depend on the thread
    count; its gradients do not either when the backward runs on one thread (the task's
    ``backward`` does: :func:`hypergraph.tasks.base.one_thread`)."""

    def __init__(
        self,
        encoder: torch.nn.Module,
        hidden_channels: int,
        num_nodes: int,
        embedding_dim: int,
        num_feats: int,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        hidden = hidden_channels
        self.encoder = encoder
        self.emb = torch.nn.Embedding(num_nodes, embedding_dim) if embedding_dim > 0 else None
        self.wide = _Score(num_feats + 1)
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(2 * hidden + num_feats, hidden),
            _LayerNorm(hidden),  # bounded activations: the zero-initialised last layer
            torch.nn.ReLU(),  # then moves the logit by O(lr) per step, not O(lr * |h|)
            torch.nn.Dropout(dropout),
            _Score(hidden),
        )
        torch.nn.init.zeros_(self.mlp[-1].weight)
        torch.nn.init.zeros_(self.mlp[-1].bias)
        w = torch.zeros(1, num_feats + 1)
        w[0, -1] = 1.0
        self.set_wide(w, 0.0)

    @torch.no_grad()
    def set_wide(self, weight: Tensor, bias: float, trainable: bool = True) -> None:
        """Set the wide part's weights ``[1, F + 1]`` (the last one multiplies the prior)."""
        self.wide.weight.copy_(weight.view(1, -1))
        self.wide.bias.fill_(float(bias))
        self.wide.requires_grad_(trainable)

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None,
        num_hyperedges: int,
        tri: Tensor,
        feats: Tensor,
        qfeats: Tensor,
        prior: Tensor,
    ) -> Tensor:
        """Logits ``[T]`` of the triangles ``tri [T, 3]`` with features ``feats`` / ``qfeats``
        ``[T, F]`` and prior ``[T]``, from node embeddings of the hypergraph ``(x, ...)``."""
        if self.emb is not None:
            x = torch.cat([x, self.emb.weight], dim=1)
        z = self.encoder(x, hyperedge_index, hyperedge_weight, num_hyperedges)
        # index_select, not z[tri]: its backward (index_add) sums in a fixed order, while the
        # advanced-indexing backward's accumulation depends on the thread count
        m = z.index_select(0, tri.reshape(-1)).view(-1, 3, z.size(1))  # [T, 3, H]
        deep = self.mlp(torch.cat([m.mean(1), m.max(1).values, qfeats], dim=1)).view(-1)
        return self.wide_score(feats, prior) + deep

    def wide_score(self, feats: Tensor, prior: Tensor) -> Tensor:
        """The wide part alone: a linear score of ``[f ‖ prior]``."""
        return self.wide(torch.cat([feats, prior[:, None]], dim=1)).view(-1)
