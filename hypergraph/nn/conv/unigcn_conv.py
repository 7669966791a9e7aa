"""UniGCN convolution (Huang & Yang, UniGNN, IJCAI 2021), with the structure helpers of the UniGNN
family (:mod:`~hypergraph.nn.conv.unigat_conv`, ``unigin_conv``, ``unisage_conv``, ``unigcnii_conv``)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import Parameter
from torch_geometric.utils import scatter

from hypergraph.data.ops import inv_pow
from hypergraph.nn.conv._sparse import IncidenceCache, SparsePair, incidence


def unignn_structure(
    hyperedge_index: Tensor,
    num_hyperedges: int | None,
    hyperedge_weight: Tensor | None,
    dtype: torch.dtype,
) -> tuple[Tensor, Tensor, int, Tensor]:
    """Check the inputs and return ``(node ids, hyperedge ids, M, hyperedge weights [M])``.

    ``M`` is ``num_hyperedges`` when given, else ``hyperedge_weight.numel()`` when given, else
    ``max id + 1``; missing weights are ones.
    """
    if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
        raise ValueError(f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}")
    if hyperedge_index.dtype != torch.long:
        raise TypeError(f"hyperedge_index must be int64, got {hyperedge_index.dtype}")
    if num_hyperedges is None:
        if hyperedge_weight is not None:
            num_hyperedges = hyperedge_weight.numel()
        else:
            num_hyperedges = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
    if hyperedge_weight is None:
        w = torch.ones(num_hyperedges, device=hyperedge_index.device, dtype=dtype)
    else:
        if hyperedge_weight.dim() != 1 or hyperedge_weight.numel() != num_hyperedges:
            raise ValueError(
                f"hyperedge_weight must have shape [{num_hyperedges}] (one weight per hyperedge), "
                f"got {list(hyperedge_weight.shape)}"
            )
        w = hyperedge_weight.to(dtype)
    return hyperedge_index[0], hyperedge_index[1], num_hyperedges, w


def hyperedge_mean(
    x: Tensor, v: Tensor, e: Tensor, num_hyperedges: int, inc: SparsePair | None = None
) -> Tensor:
    r"""Member mean :math:`h_e = \frac{1}{|e|}\sum_{u \in e} x_u`, shape ``[M, ...]`` (0 for empty
    hyperedges).  With ``inc`` (the incidence of ``(v, e)``, see
    :func:`~hypergraph.nn.conv._sparse.incidence`) the sum is one sparse product instead of a
    gather and a scatter of ``[nnz, ...]`` rows."""
    if inc is None:
        return scatter(x[v], e, 0, dim_size=num_hyperedges, reduce="mean")
    size = torch.bincount(e, minlength=num_hyperedges).to(x.dtype)
    return (inc.T @ x) * inv_pow(size).view(-1, *([1] * (x.dim() - 1)))


def unigcn_propagate(
    x: Tensor,
    hyperedge_index: Tensor,
    hyperedge_weight: Tensor | None = None,
    num_hyperedges: int | None = None,
    inc: SparsePair | None = None,
) -> Tensor:
    r"""The UniGCN propagation :math:`P x` without a linear map:

    .. math::
        (P x)_v = \frac{1}{\sqrt{d_v}} \sum_{e \ni v} \frac{w_e}{\sqrt{\bar d_e}} h_e,\qquad
        h_e = \frac{1}{|e|}\sum_{u \in e} x_u,\qquad \bar d_e = \frac{1}{|e|}\sum_{u \in e} d_u,

    with the weighted node degree :math:`d_v = \sum_{e \ni v} w_e`.  Zero degrees give zeros.
    Differentiable in ``x`` and ``hyperedge_weight``.  Both sums over the incidences are sparse
    products with the incidence matrix ``inc`` (built here when not given).
    """
    N = x.size(0)
    v, e, M, w = unignn_structure(hyperedge_index, num_hyperedges, hyperedge_weight, x.dtype)
    inc = incidence(hyperedge_index, N, M, x.dtype) if inc is None else inc
    dv = scatter(w[e], v, 0, dim_size=N, reduce="sum")
    de_bar = scatter(dv[v], e, 0, dim_size=M, reduce="mean")
    he = hyperedge_mean(x, v, e, M, inc) * (w * inv_pow(de_bar, 0.5)).unsqueeze(-1)
    return (inc @ he) * inv_pow(dv, 0.5).unsqueeze(-1)


class UniGCNConv(torch.nn.Module):
    r"""The UniGCN layer of `UniGNN <https://arxiv.org/abs/2105.00956>`_ (Huang & Yang, IJCAI 2021):

    .. math::
        h_e = \frac{1}{|e|}\sum_{u \in e} x_u,\qquad
        x'_v = \frac{1}{\sqrt{d_v}} \sum_{e \ni v} \frac{w_e}{\sqrt{\bar d_e}}\, W h_e + b,\qquad
        \bar d_e = \frac{1}{|e|}\sum_{u \in e} d_u,

    i.e. :math:`X' = D_v^{-1/2} H W_e \bar D_e^{-1/2} D_e^{-1} H^\top X \Theta + b`.

    **Hyperedge weights** :math:`w_e` (default ones, which gives the paper's formula) multiply the
    message of hyperedge :math:`e`, and the degrees are weighted, :math:`d_v = \sum_{e \ni v} w_e`
    (the mean :math:`h_e` and :math:`\bar d_e` stay unweighted means over the members).  This is
    what DeepHypergraph's ``UniGCNConv`` computes (its ``v2e`` multiplies by :math:`w_e`, its
    :math:`D_v` is weighted).  Isolated nodes receive only the bias; empty hyperedges are ignored.

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        bias: learn an additive bias (added after propagation).
        cached: keep the incidence matrix of each hypergraph (transductive training) instead of
            rebuilding it at every call.

    Shapes:
        - **input:** node features :math:`(N, F_{in})`, hyperedge_index :math:`(2, nnz)`,
          hyperedge_weight :math:`(M)` *(optional)*
        - **output:** node features :math:`(N, F_{out})`
    """

    def __init__(self, in_channels: int, out_channels: int, bias: bool = True, cached: bool = False) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.lin = torch.nn.Linear(in_channels, out_channels, bias=False)
        self.bias = Parameter(torch.empty(out_channels)) if bias else None
        self.incidence = IncidenceCache(cached)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()
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
        _, _, M, _ = unignn_structure(hyperedge_index, num_hyperedges, hyperedge_weight, x.dtype)
        inc = self.incidence(hyperedge_index, x.size(0), M, x.dtype)
        out = unigcn_propagate(self.lin(x), hyperedge_index, hyperedge_weight, M, inc)
        if self.bias is not None:
            out = out + self.bias
        return out

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.in_channels}, {self.out_channels})"
