"""UniGCNII convolution (Huang & Yang, UniGNN, IJCAI 2021)."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from hypergraph.nn.conv._sparse import IncidenceCache
from hypergraph.nn.conv.unigcn_conv import unigcn_propagate, unignn_structure


class UniGCNIIConv(torch.nn.Module):
    r"""The UniGCNII layer of `UniGNN <https://arxiv.org/abs/2105.00956>`_ (Huang & Yang, IJCAI
    2021), GCNII's initial residual and identity mapping on the UniGCN propagation :math:`P`:

    .. math::
        X^{(l+1)} = \big((1-\alpha) P X^{(l)} + \alpha X^{(0)}\big)
                    \big((1-\beta_l) I + \beta_l W^{(l)}\big),\qquad
        \beta_l = \log\Big(\frac{\lambda}{l} + 1\Big),

    with :math:`(P x)_v = d_v^{-1/2} \sum_{e \ni v} w_e \bar d_e^{-1/2} h_e` the UniGCN
    propagation (:func:`~hypergraph.nn.conv.unigcn_conv.unigcn_propagate`; hyperedge weights
    enter as in :class:`~hypergraph.nn.conv.unigcn_conv.UniGCNConv`).  :math:`W^{(l)}` has no
    bias, as in the reference code.  The nonlinearity :math:`\sigma` of the paper is applied by
    the model.

    Args:
        channels: feature size (input = output).
        alpha: initial-residual strength :math:`\alpha \in [0, 1]`.
        lamda: :math:`\lambda > 0` of the identity-mapping strength :math:`\beta_l`.
        layer: the (1-based) depth :math:`l` of this layer.
        cached: keep the incidence matrix of each hypergraph (transductive training) instead of
            rebuilding it at every call.

    Shapes:
        - **input:** node features :math:`(N, F)`, initial features :math:`X^{(0)}` :math:`(N, F)`,
          hyperedge_index :math:`(2, nnz)`, hyperedge_weight :math:`(M)` *(optional)*
        - **output:** node features :math:`(N, F)`
    """

    def __init__(
        self, channels: int, alpha: float = 0.1, lamda: float = 0.5, layer: int = 1, cached: bool = False
    ) -> None:
        super().__init__()
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1], got {alpha}")
        if lamda <= 0:
            raise ValueError(f"lamda must be > 0, got {lamda}")
        if layer < 1:
            raise ValueError(f"layer must be >= 1 (1-based depth), got {layer}")
        self.channels = channels
        self.alpha = alpha
        self.lamda = lamda
        self.layer = layer
        self.beta = math.log(lamda / layer + 1.0)
        self.lin = torch.nn.Linear(channels, channels, bias=False)
        self.incidence = IncidenceCache(cached)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()
        self.incidence.reset_cache()

    def forward(
        self,
        x: Tensor,
        x_0: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
    ) -> Tensor:
        if x_0.shape != x.shape:
            raise ValueError(f"x_0 must have the shape of x {list(x.shape)}, got {list(x_0.shape)}")
        _, _, M, _ = unignn_structure(hyperedge_index, num_hyperedges, hyperedge_weight, x.dtype)
        inc = self.incidence(hyperedge_index, x.size(0), M, x.dtype)
        h = unigcn_propagate(x, hyperedge_index, hyperedge_weight, M, inc)
        h = (1.0 - self.alpha) * h + self.alpha * x_0
        return (1.0 - self.beta) * h + self.beta * self.lin(h)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.channels}, alpha={self.alpha}, beta={self.beta:.4f})"
