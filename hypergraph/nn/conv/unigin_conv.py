"""UniGIN convolution (Huang & Yang, UniGNN, IJCAI 2021)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import Parameter

from hypergraph.nn.conv._sparse import IncidenceCache
from hypergraph.nn.conv.unigcn_conv import hyperedge_mean, unignn_structure


class UniGINConv(torch.nn.Module):
    r"""The UniGIN layer of `UniGNN <https://arxiv.org/abs/2105.00956>`_ (Huang & Yang, IJCAI 2021):

    .. math::
        h_e = \frac{1}{|e|}\sum_{u \in e} x_u,\qquad
        x'_v = W\Big((1 + \varepsilon)\, x_v + \sum_{e \ni v} w_e h_e\Big) + b,

    i.e. :math:`X' = \big((1+\varepsilon) I + H W_e D_e^{-1} H^\top\big) X \Theta + b`.  The
    :math:`(1+\varepsilon)` multiplies the node's own features, as in the paper and the reference
    code; DeepHypergraph's ``UniGINConv`` puts it on the hyperedge sum instead,
    :math:`(1+\varepsilon)\sum_e h_e + x_v` (DHG issue #46).

    **Hyperedge weights** :math:`w_e` (default ones, the paper's formula) multiply the message
    of hyperedge :math:`e`.  An isolated node gets :math:`(1+\varepsilon) W x_v + b`.

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        eps: initial value of :math:`\varepsilon`.
        train_eps: learn :math:`\varepsilon` (the reference code does, from 0) or keep it fixed.
        bias: learn an additive bias.
        cached: keep the incidence matrix of each hypergraph (transductive training) instead of
            rebuilding it at every call.

    Shapes:
        - **input:** node features :math:`(N, F_{in})`, hyperedge_index :math:`(2, nnz)`,
          hyperedge_weight :math:`(M)` *(optional)*
        - **output:** node features :math:`(N, F_{out})`
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        eps: float = 0.0,
        train_eps: bool = True,
        bias: bool = True,
        cached: bool = False,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.initial_eps = eps
        self.train_eps = train_eps
        self.lin = torch.nn.Linear(in_channels, out_channels, bias=False)
        if train_eps:
            self.eps = Parameter(torch.empty(1))
        else:
            self.register_buffer("eps", torch.empty(1))
        self.bias = Parameter(torch.empty(out_channels)) if bias else None
        self.incidence = IncidenceCache(cached)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()
        with torch.no_grad():
            self.eps.fill_(self.initial_eps)
        if self.bias is not None:
            torch.nn.init.zeros_(self.bias)
        self.incidence.reset_cache()

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
    ) -> Tensor:
        N = x.size(0)
        v, e, M, w = unignn_structure(hyperedge_index, num_hyperedges, hyperedge_weight, x.dtype)
        inc = self.incidence(hyperedge_index, N, M, x.dtype)
        xw = self.lin(x)  # W is linear: W((1+eps)x + sum h) = (1+eps)Wx + sum W h
        he = hyperedge_mean(xw, v, e, M, inc) * w.unsqueeze(-1)
        out = (1.0 + self.eps) * xw + inc @ he
        if self.bias is not None:
            out = out + self.bias
        return out

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.in_channels}, {self.out_channels})"
