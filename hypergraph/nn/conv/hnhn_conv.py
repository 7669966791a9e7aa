"""HNHN convolution (Dong, Sawin, Bengio, ICML-GRL 2020)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor
from torch_geometric.utils import scatter

from hypergraph.data.ops import inv_pow
from hypergraph.nn.conv._sparse import IncidenceCache, SparsePair


class HNHNConv(torch.nn.Module):
    r"""The two-stage convolution of `HNHN <https://arxiv.org/abs/2006.12278>`_ with hyperedge
    neurons and :math:`\alpha, \beta` degree normalisation:

    .. math::
        z_e &= \sigma\Big(\frac{\sum_{v \in e} d_v^{\alpha}\, x_v W_v}
                            {\sum_{v \in e} d_v^{\alpha}} + b_v\Big) \\
        x'_v &= \frac{\sum_{e \ni v} w_e |e|^{\beta}\, z_e W_e}
                     {\sum_{e \ni v} w_e |e|^{\beta}} + b_e

    with weighted node degree :math:`d_v = \sum_{e \ni v} w_e` and hyperedge size :math:`|e|`.
    Hyperedge weights :math:`w_e` (default ones, giving the paper's formula) act as multiplicities
    in the hyperedge-to-node mean.  Zero sums give zero (``0^{-1} := 0``): empty hyperedges get
    :math:`z_e = \sigma(b_v)` and contribute nothing; isolated nodes receive only :math:`b_e`.

    **The nonlinearity** :math:`\sigma` between the stages is an argument of :meth:`forward`
    (``activation``, default ``None``: the layer is then linear, as every layer here is); the
    model passes e.g. ``F.relu`` (AllSet's ``nonlinear_inbetween=True``).  The two stages are
    also available separately as :meth:`node_to_edge` and :meth:`edge_to_node`, for a model
    that wants more between them (dropout, normalisation).

    **Naming of the exponents.** Here (as in the paper and the spec formula) :math:`\alpha`
    weights *nodes* in the node-to-hyperedge stage and :math:`\beta` weights *hyperedges* in
    the hyperedge-to-node stage.  AllSet's code names them the other way round: its
    ``--HNHN_alpha -1.5 --HNHN_beta -0.5`` put :math:`-0.5` on node degrees and :math:`-1.5`
    on hyperedge sizes, i.e. ``alpha=-0.5, beta=-1.5`` here, which are the defaults.

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        hidden_channels: hyperedge feature size (default ``out_channels``).
        alpha: exponent of the node degrees in the node-to-hyperedge mean.
        beta: exponent of the hyperedge sizes in the hyperedge-to-node mean.
        bias: learn the biases :math:`b_v, b_e`.
        cached: keep the incidence matrix of each hypergraph (transductive training) instead of
            rebuilding it at every call.

    Shapes:
        - **input:** node features :math:`(N, F_{in})`, hyperedge_index :math:`(2, nnz)`,
          hyperedge_weight :math:`(M)` *(optional)*
        - **output:** node features :math:`(N, F_{out})`; :meth:`node_to_edge` gives
          :math:`(M, F_{hid})`
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int | None = None,
        alpha: float = -0.5,
        beta: float = -1.5,
        bias: bool = True,
        cached: bool = False,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.hidden_channels = out_channels if hidden_channels is None else hidden_channels
        self.alpha = alpha
        self.beta = beta
        self.lin_v2e = torch.nn.Linear(in_channels, self.hidden_channels, bias=bias)
        self.lin_e2v = torch.nn.Linear(self.hidden_channels, out_channels, bias=bias)
        self.incidence = IncidenceCache(cached)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for lin in (self.lin_v2e, self.lin_e2v):
            torch.nn.init.xavier_uniform_(lin.weight)
            if lin.bias is not None:
                torch.nn.init.zeros_(lin.bias)
        self.incidence.reset_cache()

    @staticmethod
    def _sizes(
        x: Tensor, hyperedge_index: Tensor, hyperedge_weight: Tensor | None, num_hyperedges: int | None
    ) -> tuple[int, Tensor]:
        if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
            raise ValueError(f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}")
        if num_hyperedges is None:
            if hyperedge_weight is not None:
                num_hyperedges = hyperedge_weight.numel()
            else:
                num_hyperedges = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
        if hyperedge_weight is None:
            w = torch.ones(num_hyperedges, device=x.device, dtype=x.dtype)
        else:
            if hyperedge_weight.numel() != num_hyperedges:
                raise ValueError(
                    f"hyperedge_weight has {hyperedge_weight.numel()} entries, expected {num_hyperedges}"
                )
            w = hyperedge_weight.to(x.dtype)
        return num_hyperedges, w

    @staticmethod
    def _mean(src: Tensor, coef: Tensor, mat: SparsePair, index: Tensor, gather: Tensor) -> Tensor:
        """``sum_s coef_s src_s / sum_s coef_s`` over the sources ``s`` of each target: the
        numerator is one sparse product ``mat @ (coef * src)`` (``mat`` maps sources to
        targets), the denominator a scatter of ``coef[gather]`` onto ``index``."""
        num = mat @ (src * coef.unsqueeze(-1))
        den = scatter(coef[gather], index, 0, dim_size=num.size(0), reduce="sum")
        return num * inv_pow(den).unsqueeze(-1)

    def node_to_edge(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
    ) -> Tensor:
        r"""Pre-activation hyperedge features
        :math:`\sum_{v \in e} d_v^{\alpha} x_v W_v / \sum_{v \in e} d_v^{\alpha} + b_v`, ``[M, F_hid]``."""
        M, w = self._sizes(x, hyperedge_index, hyperedge_weight, num_hyperedges)
        return self._node_to_edge(
            x, hyperedge_index, w, self.incidence(hyperedge_index, x.size(0), M, x.dtype)
        )

    def _node_to_edge(self, x: Tensor, hyperedge_index: Tensor, w: Tensor, inc: SparsePair) -> Tensor:
        v, e = hyperedge_index[0], hyperedge_index[1]
        dv = scatter(w[e], v, 0, dim_size=x.size(0), reduce="sum")
        h = x @ self.lin_v2e.weight.t()
        z = self._mean(h, inv_pow(dv, -self.alpha), inc.T, e, v)
        return z if self.lin_v2e.bias is None else z + self.lin_v2e.bias

    def edge_to_node(
        self,
        z: Tensor,
        hyperedge_index: Tensor,
        num_nodes: int,
        hyperedge_weight: Tensor | None = None,
    ) -> Tensor:
        r"""Node features
        :math:`\sum_{e \ni v} w_e |e|^{\beta} z_e W_e / \sum_{e \ni v} w_e |e|^{\beta} + b_e`
        from hyperedge features ``z`` (``[M, F_hid]``)."""
        M = z.size(0)
        _, w = self._sizes(z, hyperedge_index, hyperedge_weight, M)
        return self._edge_to_node(
            z, hyperedge_index, w, self.incidence(hyperedge_index, num_nodes, M, z.dtype)
        )

    def _edge_to_node(self, z: Tensor, hyperedge_index: Tensor, w: Tensor, inc: SparsePair) -> Tensor:
        v, e = hyperedge_index[0], hyperedge_index[1]
        size = torch.bincount(e, minlength=z.size(0)).to(z.dtype)
        h = z @ self.lin_e2v.weight.t()
        out = self._mean(h, w * inv_pow(size, -self.beta), inc, v, e)
        return out if self.lin_e2v.bias is None else out + self.lin_e2v.bias

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        activation: Callable[[Tensor], Tensor] | None = None,
    ) -> Tensor:
        M, w = self._sizes(x, hyperedge_index, hyperedge_weight, num_hyperedges)
        inc = self.incidence(hyperedge_index, x.size(0), M, x.dtype)  # one build for both stages
        z = self._node_to_edge(x, hyperedge_index, w, inc)
        if activation is not None:
            z = activation(z)
        return self._edge_to_node(z, hyperedge_index, w, inc)

    def __repr__(self) -> str:
        hid = "" if self.hidden_channels == self.out_channels else f", hidden_channels={self.hidden_channels}"
        return f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}{hid})"
