"""UniSAGE convolution (Huang & Yang, UniGNN, IJCAI 2021)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import Parameter
from torch_geometric.utils import scatter

from hypergraph.nn.conv._sparse import IncidenceCache
from hypergraph.nn.conv.unigcn_conv import hyperedge_mean, unignn_structure

AGGREGATIONS = ("sum", "mean")


class UniSAGEConv(torch.nn.Module):
    r"""The UniSAGE layer of `UniGNN <https://arxiv.org/abs/2105.00956>`_ (Huang & Yang, IJCAI 2021):

    .. math::
        h_e = \frac{1}{|e|}\sum_{u \in e} x_u,\qquad
        x'_v = W\big(x_v \,\Vert\, \mathrm{AGG}_{e \ni v}\, h_e\big) + b
             = W_1 x_v + W_2\, \mathrm{AGG}_{e \ni v}\, h_e + b,

    with :math:`\mathrm{AGG}` the sum :math:`\sum_{e \ni v} w_e h_e` (``aggr="sum"``, the
    default) or the weighted mean :math:`\sum_{e \ni v} w_e h_e / \sum_{e \ni v} w_e`
    (``aggr="mean"``).  The paper leaves AGGREGATE open; the reference code's default is the sum
    (``--second-aggregate sum``).

    ``concat=False`` gives the form the reference code and DeepHypergraph actually compute,
    one shared :math:`W`: :math:`x'_v = W\big(x_v + \mathrm{AGG}_{e \ni v} h_e\big) + b`.

    **Hyperedge weights** :math:`w_e` (default ones, the paper's formula) multiply the message
    of hyperedge :math:`e`.  An isolated node gets :math:`W_1 x_v + b`.

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        aggr: ``"sum"`` or ``"mean"`` over the hyperedges of a node.
        concat: concatenate ``x_v`` with the aggregate (paper) or add them (reference code).
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
        aggr: str = "sum",
        concat: bool = True,
        bias: bool = True,
        cached: bool = False,
    ) -> None:
        super().__init__()
        if aggr not in AGGREGATIONS:
            raise ValueError(f"unknown aggr {aggr!r}; valid: {', '.join(AGGREGATIONS)}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.aggr = aggr
        self.concat = concat
        # W = [W_1 | W_2]: lin_self acts on x_v, lin_neigh on the aggregate (lin_self is shared
        # when concat=False)
        self.lin_self = torch.nn.Linear(in_channels, out_channels, bias=False)
        self.lin_neigh = torch.nn.Linear(in_channels, out_channels, bias=False) if concat else None
        self.bias = Parameter(torch.empty(out_channels)) if bias else None
        self.incidence = IncidenceCache(cached)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin_self.reset_parameters()
        if self.lin_neigh is not None:
            self.lin_neigh.reset_parameters()
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
        root = self.lin_self(x)
        xw = self.lin_neigh(x) if self.lin_neigh is not None else root
        he = hyperedge_mean(xw, v, e, M, inc) * w.unsqueeze(-1)
        agg = inc @ he
        if self.aggr == "mean":
            deg = scatter(w[e], v, 0, dim_size=N, reduce="sum")  # weighted degree
            agg = agg / deg.masked_fill(deg == 0, 1.0).unsqueeze(-1)  # isolated: agg is 0
        out = root + agg
        if self.bias is not None:
            out = out + self.bias
        return out

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, aggr={self.aggr!r})"
