"""ED-HNN equivariant diffusion layer (Wang, Yang, Liu, Wang, Li, ICLR 2023)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch_geometric.utils import scatter

from hypergraph.nn.conv.alldeepsets_conv import SetMLP, set_sizes


class EDHNNConv(torch.nn.Module):
    r"""The equivariant hypergraph diffusion layer of `ED-HNN <https://arxiv.org/abs/2207.06680>`_
    (``EquivSetConv`` of ``Graph-COM/ED-HNN``, ``models/edgnn.py``):

    .. math::
        m_e &= \operatorname{AGG}_{v \in e}\, \hat\phi(x_v) \\
        \tilde x_v &= \operatorname{AGG}_{e \ni v}\, \hat\rho\big(x_v \,\Vert\, m_e\big) \\
        x'_v &= \phi\big((1 - \alpha)\, \tilde x_v + \alpha\, x^{(0)}_v\big)

    with MLPs :math:`\hat\phi` (``mlp1``), :math:`\hat\rho` (``mlp2``) and :math:`\phi`
    (``mlp3``), ``AGG`` the mean (ED-HNN's ``--aggregate mean``) or the sum, and the
    initial-residual term :math:`\alpha\, x^{(0)}` (``--restart_alpha``), :math:`x^{(0)}` the
    model's first hidden features.  As in the reference code, the node's own state reaches
    :math:`\phi` only through :math:`\hat\rho` and the residual (the paper writes
    :math:`\phi(x_v, \cdot)`).  A 0-layer :math:`\hat\phi` / :math:`\phi` is the identity and
    a 0-layer :math:`\hat\rho` keeps :math:`m_e` only (drops :math:`x_v`), as in ED-HNN.  The
    MLPs are :class:`~hypergraph.nn.conv.alldeepsets_conv.SetMLP` blocks (LayerNorm on the
    input and after hidden layers by default).  With the mean, empty hyperedges give
    :math:`m_e = 0` and isolated nodes :math:`\tilde x_v = 0` (no NaN).

    Hyperedge weights are ignored, as in ED-HNN; ``hyperedge_weight`` only fixes the number of
    hyperedges.

    Args:
        in_channels: input feature size.
        out_channels: output feature size (also the width of every MLP).
        mlp1_layers: layers of :math:`\hat\phi` (ED-HNN ``--MLP_num_layers``).
        mlp2_layers: layers of :math:`\hat\rho` (``--MLP2_num_layers``).
        mlp3_layers: layers of :math:`\phi` (``--MLP3_num_layers``).
        aggr: ``"mean"`` (ED-HNN's default) or ``"sum"``.
        alpha: weight of the initial residual :math:`x^{(0)}`.
        dropout: dropout inside the MLPs.
        norm: normalisation in the MLPs: ``"ln"``, ``"bn"`` or ``"none"``.
        input_norm: normalise each MLP's input (ED-HNN ``--AllSet_input_norm``).

    Shapes:
        - **input:** node features :math:`(N, F_{in})`, hyperedge_index :math:`(2, nnz)`,
          hyperedge_weight :math:`(M)` *(optional, ignored)*, x0 :math:`(N, F_{out})`
          *(optional; default* ``x`` *, which then needs* :math:`F_{in} = F_{out}` *)*
        - **output:** node features :math:`(N, F_{out})`
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        mlp1_layers: int = 1,
        mlp2_layers: int = 1,
        mlp3_layers: int = 1,
        aggr: str = "mean",
        alpha: float = 0.5,
        dropout: float = 0.0,
        norm: str = "ln",
        input_norm: bool = True,
    ) -> None:
        super().__init__()
        if aggr not in ("sum", "mean"):
            raise ValueError(f"unknown aggr {aggr!r}; valid: sum, mean")
        if mlp1_layers == 0 and in_channels != out_channels:
            raise ValueError(
                "a 0-layer mlp1 is the identity: needs in_channels == out_channels, got "
                f"{in_channels} and {out_channels}"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.aggr, self.alpha = aggr, alpha
        C = out_channels
        self.mlp1 = SetMLP(in_channels, C, C, mlp1_layers, dropout, norm, input_norm)
        self.mlp2 = (
            SetMLP(in_channels + C, C, C, mlp2_layers, dropout, norm, input_norm) if mlp2_layers > 0 else None
        )
        self.mlp3 = SetMLP(C, C, C, mlp3_layers, dropout, norm, input_norm)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for mlp in (self.mlp1, self.mlp2, self.mlp3):
            if mlp is not None:
                mlp.reset_parameters()

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        x0: Tensor | None = None,
    ) -> Tensor:
        _, _, num_edges = set_sizes("node_to_hyperedge", x, hyperedge_index, hyperedge_weight, num_hyperedges)
        v, e = hyperedge_index[0], hyperedge_index[1]
        N = x.size(0)
        m = scatter(self.mlp1(x)[v], e, 0, dim_size=num_edges, reduce=self.aggr)  # [M, C]
        if self.mlp2 is None:
            out = scatter(m[e], v, 0, dim_size=N, reduce=self.aggr)  # [N, C]
        else:
            out = self._incidence_mlp_aggregate(x, m, v, e, N)
        if self.alpha != 0.0:
            x0 = x if x0 is None else x0
            if x0.shape != out.shape:
                raise ValueError(
                    f"x0 must have shape {list(out.shape)} (nodes x out_channels), got {list(x0.shape)}"
                )
            out = (1.0 - self.alpha) * out + self.alpha * x0
        return self.mlp3(out)

    def _incidence_mlp_aggregate(self, x: Tensor, m: Tensor, v: Tensor, e: Tensor, num_nodes: int) -> Tensor:
        """``AGG_{e ∋ v} mlp2(x_v ‖ m_e)`` without a matmul per incidence.

        The first linear map is split over the concatenation, ``W [x_v ‖ m_e] = W_x x_v + W_m m_e``,
        so it runs on the N node and M hyperedge rows and only the sum is gathered per incidence;
        an input LayerNorm over the concatenation is folded in from per-row sums and sums of
        squares (in float64).  The last linear map has no activation after it, so it commutes
        with the mean or sum and runs on the N aggregated rows (its bias is added where a node
        has an incidence, ``deg · b`` for the sum).  Equal to the direct form up to float
        rounding; a BatchNorm input normalisation takes the direct route for the first layer.
        """
        mlp = self.mlp2
        first, last = mlp.lins[0], mlp.lins[-1]
        norm_in = mlp.input_norm
        if isinstance(norm_in, torch.nn.BatchNorm1d):
            h = first(norm_in(torch.cat([x[v], m[e]], dim=-1)))
        else:
            weight, bias = first.weight, first.bias
            if isinstance(norm_in, torch.nn.LayerNorm):
                if norm_in.weight is not None:
                    weight = weight * norm_in.weight
                if norm_in.bias is not None:
                    bias = bias + first.weight @ norm_in.bias
            fx = x.size(1)
            h = (x @ weight[:, :fx].T)[v] + (m @ weight[:, fx:].T)[e]  # [nnz, H]
            if isinstance(norm_in, torch.nn.LayerNorm):
                width = fx + m.size(1)
                xd, md = x.double(), m.double()
                mean = (xd.sum(1)[v] + md.sum(1)[e]) / width
                var = ((xd * xd).sum(1)[v] + (md * md).sum(1)[e]) / width - mean * mean
                rstd = (var.clamp_min(0.0) + norm_in.eps).rsqrt()
                mean, rstd = mean.to(h.dtype).unsqueeze(-1), rstd.to(h.dtype).unsqueeze(-1)
                h = (h - mean * weight.sum(1)) * rstd
            h = h + bias
        if len(mlp.lins) == 1:
            return scatter(h, v, 0, dim_size=num_nodes, reduce=self.aggr)
        agg = scatter(mlp.hidden(h), v, 0, dim_size=num_nodes, reduce=self.aggr) @ last.weight.T
        count = torch.bincount(v, minlength=num_nodes).to(agg.dtype).unsqueeze(-1)
        return agg + (count if self.aggr == "sum" else (count > 0).to(agg.dtype)) * last.bias

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
            f"aggr={self.aggr}, alpha={self.alpha})"
        )
