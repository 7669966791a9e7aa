"""UniGAT convolution (Huang & Yang, UniGNN, IJCAI 2021)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Parameter
from torch_geometric.utils import scatter, softmax

from hypergraph.nn.conv._sparse import IncidenceCache
from hypergraph.nn.conv.unigcn_conv import hyperedge_mean, unignn_structure


class UniGATConv(torch.nn.Module):
    r"""The UniGAT layer of `UniGNN <https://arxiv.org/abs/2105.00956>`_ (Huang & Yang, IJCAI 2021),
    with :math:`K` attention heads:

    .. math::
        h_e = \frac{1}{|e|}\sum_{u \in e} x_u,\qquad
        x'_v = \big\Vert_{k=1}^{K} \sum_{e \ni v} \alpha^{k}_{ve}\, w_e\, W^{k} h_e + b,

    .. math::
        \alpha^{k}_{ve} = \operatorname{softmax}_{e \ni v}\Big(
            \mathrm{LeakyReLU}\big(a_1^{k\top} W^{k} x_v + a_2^{k\top} W^{k} h_e\big)\Big),

    the softmax taken over the hyperedges of each node (``torch_geometric.utils.softmax``
    grouped by node).  With ``concat=False`` the heads are averaged instead of concatenated.
    Attention dropout is applied to :math:`\alpha` after the softmax (training only).

    Both attention terms are used, as in the paper.  DeepHypergraph's ``UniGATConv`` defines the
    node vector :math:`a_1` (``atten_dst``) but never uses it (DHG issue #46), and the reference
    code (``OneForward/UniGNN``) also scores with :math:`a_2^\top W h_e` only.  Note that
    :math:`a_1` acts only through the LeakyReLU: the softmax is shift-invariant, so it changes
    :math:`\alpha_{v\cdot}` only when a node's logits :math:`a_1^\top W x_v + a_2^\top W h_e`
    fall on both sides of zero.

    **Hyperedge weights** :math:`w_e` (default ones, the paper's formula) scale the message of
    hyperedge :math:`e` (as DeepHypergraph scales its hyperedge features); the attention scores
    use the unweighted :math:`h_e`.  Isolated nodes receive only the bias.

    Args:
        in_channels: input feature size.
        out_channels: output size per head.
        heads: number of attention heads :math:`K`.
        concat: concatenate the heads (output ``heads * out_channels``) or average them.
        negative_slope: LeakyReLU slope of the attention logits.
        dropout: dropout probability on the attention coefficients.
        bias: learn an additive bias.
        cached: keep the incidence matrix of each hypergraph (transductive training) instead of
            rebuilding it at every call.

    Shapes:
        - **input:** node features :math:`(N, F_{in})`, hyperedge_index :math:`(2, nnz)`,
          hyperedge_weight :math:`(M)` *(optional)*
        - **output:** node features :math:`(N, K F_{out})` if ``concat`` else :math:`(N, F_{out})`
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        heads: int = 1,
        concat: bool = True,
        negative_slope: float = 0.2,
        dropout: float = 0.0,
        bias: bool = True,
        cached: bool = False,
    ) -> None:
        super().__init__()
        if heads < 1:
            raise ValueError(f"heads must be >= 1, got {heads}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.heads = heads
        self.concat = concat
        self.negative_slope = negative_slope
        self.dropout = dropout
        self.lin = torch.nn.Linear(in_channels, heads * out_channels, bias=False)
        self.att_v = Parameter(torch.empty(1, heads, out_channels))  # a_1, on W x_v
        self.att_e = Parameter(torch.empty(1, heads, out_channels))  # a_2, on W h_e
        width = heads * out_channels if concat else out_channels
        self.bias = Parameter(torch.empty(width)) if bias else None
        self.incidence = IncidenceCache(cached)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()
        torch.nn.init.xavier_uniform_(self.att_v)
        torch.nn.init.xavier_uniform_(self.att_e)
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
        N, K, C = x.size(0), self.heads, self.out_channels
        v, e, M, w = unignn_structure(hyperedge_index, num_hyperedges, hyperedge_weight, x.dtype)
        xw = self.lin(x).view(N, K, C)
        he = hyperedge_mean(xw, v, e, M, self.incidence(hyperedge_index, N, M, x.dtype))  # [M, K, C]
        score_v = (xw * self.att_v).sum(-1)  # [N, K]
        score_e = (he * self.att_e).sum(-1)  # [M, K]
        logit = F.leaky_relu(score_v[v] + score_e[e], self.negative_slope)  # [nnz, K]
        alpha = softmax(logit, v, num_nodes=N)
        alpha = F.dropout(alpha, self.dropout, self.training)
        msg = he[e] * (alpha * w[e].unsqueeze(-1)).unsqueeze(-1)  # [nnz, K, C]
        out = scatter(msg, v, 0, dim_size=N, reduce="sum")
        out = out.reshape(N, K * C) if self.concat else out.mean(dim=1)
        if self.bias is not None:
            out = out + self.bias
        return out

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, heads={self.heads})"
