"""HGNN convolution (Feng et al., AAAI 2019)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import Parameter

from hypergraph.nn.conv._propagation import CachedPropagation


class HGNNConv(torch.nn.Module):
    r"""The hypergraph convolution of `HGNN <https://arxiv.org/abs/1809.09401>`_:

    .. math::
        X' = D_v^{-1/2} H W D_e^{-1} H^\top D_v^{-1/2} X \Theta + b

    with incidence :math:`H`, hyperedge weights :math:`W = \mathrm{diag}(w)` (default ones),
    weighted node degree :math:`D_v = \mathrm{diag}(H w)` and hyperedge size
    :math:`D_e = \mathrm{diag}(H^\top \mathbf{1})`.  Zero degrees give zero rows (isolated
    nodes receive only the bias).  The bias is added after propagation.

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        bias: learn an additive bias.
        cached: build the normalised operator once and reuse it (transductive training).

    Shapes:
        - **input:** node features :math:`(N, F_{in})`, hyperedge_index :math:`(2, nnz)`,
          hyperedge_weight :math:`(M)` *(optional)*, node_degree :math:`(N)` and
          hyperedge_degree :math:`(M)` *(optional: replace* :math:`D_v`, :math:`D_e` *, e.g. the
          full-graph degrees of a mini-batch)*
        - **output:** node features :math:`(N, F_{out})`
    """

    kind = "hgnn"

    def __init__(self, in_channels: int, out_channels: int, bias: bool = True, cached: bool = False) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.lin = torch.nn.Linear(in_channels, out_channels, bias=False)
        self.bias = Parameter(torch.empty(out_channels)) if bias else None
        self.propagation = CachedPropagation(self.kind, cached=cached)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()
        if self.bias is not None:
            torch.nn.init.zeros_(self.bias)
        self.propagation.reset_cache()

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        node_degree: Tensor | None = None,
        hyperedge_degree: Tensor | None = None,
    ) -> Tensor:
        out = self.propagation(
            self.lin(x),
            hyperedge_index,
            hyperedge_weight,
            num_hyperedges,
            node_degree=node_degree,
            hyperedge_degree=hyperedge_degree,
        )
        if self.bias is not None:
            out = out + self.bias
        return out

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.in_channels}, {self.out_channels})"
