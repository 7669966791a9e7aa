"""The UniGNN models (Huang & Yang, IJCAI 2021): UniGCN, UniGAT, UniGIN, UniSAGE and UniGCNII."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from hypergraph.nn.conv.unigat_conv import UniGATConv
from hypergraph.nn.conv.unigcn_conv import UniGCNConv
from hypergraph.nn.conv.unigcnii_conv import UniGCNIIConv
from hypergraph.nn.conv.unigin_conv import UniGINConv
from hypergraph.nn.conv.unisage_conv import UniSAGEConv
from hypergraph.nn.models.stack import ConvStack, layer_dims, share_incidence


class UniGCN(ConvStack):
    """A stack of :class:`~hypergraph.nn.conv.unigcn_conv.UniGCNConv` layers.

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size.
        out_channels: output size (number of classes).
        num_layers: number of conv layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features (the reference code uses 0.6 for both).
        cached: keep each hypergraph's incidence matrix, one for all layers (full-batch training
            on a fixed structure; the runner sets it there).
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        cached: bool = False,
    ) -> None:
        dims = layer_dims(in_channels, hidden_channels, out_channels, num_layers)
        convs = [UniGCNConv(a, b, cached=cached) for a, b in zip(dims[:-1], dims[1:])]
        share_incidence(convs)
        super().__init__(convs, hidden_channels, dropout, input_dropout)


class UniGAT(ConvStack):
    """A stack of :class:`~hypergraph.nn.conv.unigat_conv.UniGATConv` layers.

    Hidden layers have ``heads`` heads of ``hidden_channels // heads`` channels, concatenated
    (so the hidden width is ``hidden_channels``); the output layer has one head, as in the
    reference code (whose default is 8 heads of 8 channels, i.e. ``hidden_channels=64``).

    Args:
        in_channels: input feature size.
        hidden_channels: hidden width, divisible by ``heads``.
        out_channels: output size (number of classes).
        num_layers: number of conv layers (≥ 1).
        heads: attention heads of the hidden layers.
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        attention_dropout: dropout on the attention coefficients (0.6 in the reference code).
        negative_slope: LeakyReLU slope of the attention logits.
        cached: keep each hypergraph's incidence matrix, one for all layers (full-batch training
            on a fixed structure; the runner sets it there).
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        heads: int = 8,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        attention_dropout: float = 0.0,
        negative_slope: float = 0.2,
        cached: bool = False,
    ) -> None:
        if heads < 1 or hidden_channels % heads != 0:
            raise ValueError(
                f"hidden_channels ({hidden_channels}) must be a positive multiple of heads ({heads})"
            )
        dims = layer_dims(in_channels, hidden_channels, out_channels, num_layers)
        convs = [
            UniGATConv(
                a,
                b // h,
                heads=h,
                concat=True,
                negative_slope=negative_slope,
                dropout=attention_dropout,
                cached=cached,
            )
            for i, (a, b) in enumerate(zip(dims[:-1], dims[1:]))
            for h in [1 if i == num_layers - 1 else heads]
        ]
        share_incidence(convs)
        super().__init__(convs, hidden_channels, dropout, input_dropout)
        self.heads = heads


class UniGIN(ConvStack):
    """A stack of :class:`~hypergraph.nn.conv.unigin_conv.UniGINConv` layers.

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size.
        out_channels: output size (number of classes).
        num_layers: number of conv layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        eps: initial :math:`\\varepsilon` of every layer.
        train_eps: learn :math:`\\varepsilon` (as the reference code does).
        cached: keep each hypergraph's incidence matrix, one for all layers (full-batch training
            on a fixed structure; the runner sets it there).
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        eps: float = 0.0,
        train_eps: bool = True,
        cached: bool = False,
    ) -> None:
        dims = layer_dims(in_channels, hidden_channels, out_channels, num_layers)
        convs = [
            UniGINConv(a, b, eps=eps, train_eps=train_eps, cached=cached) for a, b in zip(dims[:-1], dims[1:])
        ]
        share_incidence(convs)
        super().__init__(convs, hidden_channels, dropout, input_dropout)


class UniSAGE(ConvStack):
    """A stack of :class:`~hypergraph.nn.conv.unisage_conv.UniSAGEConv` layers.

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size.
        out_channels: output size (number of classes).
        num_layers: number of conv layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        aggr: ``"sum"`` (reference default) or ``"mean"`` over a node's hyperedges.
        concat: ``W(x_v ‖ AGG)`` (paper) or ``W(x_v + AGG)`` (reference code).
        cached: keep each hypergraph's incidence matrix, one for all layers (full-batch training
            on a fixed structure; the runner sets it there).
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        aggr: str = "sum",
        concat: bool = True,
        cached: bool = False,
    ) -> None:
        dims = layer_dims(in_channels, hidden_channels, out_channels, num_layers)
        convs = [
            UniSAGEConv(a, b, aggr=aggr, concat=concat, cached=cached) for a, b in zip(dims[:-1], dims[1:])
        ]
        share_incidence(convs)
        super().__init__(convs, hidden_channels, dropout, input_dropout)


class UniGCNII(torch.nn.Module):
    """UniGCNII: Linear → ReLU, then ``num_layers``
    :class:`~hypergraph.nn.conv.unigcnii_conv.UniGCNIIConv` layers (each dropout → conv → ReLU,
    layer ``l`` with :math:`\\beta_l = \\log(\\lambda / l + 1)` and the initial residual to the
    output of the input Linear), then dropout → Linear, as in the reference code.  Dropout is
    also applied to the input features.

    AllSet's runs use ``num_layers=1``, ``dropout=0.2``, ``alpha=0.1``, ``lamda=0.5`` (the
    defaults here) with hidden width ``MLP_hidden * heads``, and train with Adam lr 0.01, weight
    decay 0.01 on the conv weights and 5e-4 on the two Linears: :meth:`param_groups` gives
    those groups.  The UniGNN paper also runs it deep (e.g. 32–64 layers).

    Args:
        in_channels: input feature size.
        hidden_channels: width of every UniGCNII layer.
        out_channels: output size (number of classes).
        num_layers: number of UniGCNII layers (≥ 1).
        dropout: dropout on the input and before every conv and the output Linear.
        alpha: initial-residual strength.
        lamda: :math:`\\lambda` of the identity-mapping strength.
        cached: keep each hypergraph's incidence matrix, one for all layers (full-batch training
            on a fixed structure; the runner sets it there).
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 1,
        dropout: float = 0.2,
        alpha: float = 0.1,
        lamda: float = 0.5,
        cached: bool = False,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        self.in_channels = in_channels
        self.hidden_channels = hidden_channels
        self.out_channels = out_channels
        self.lin_in = torch.nn.Linear(in_channels, hidden_channels)
        self.convs = torch.nn.ModuleList(
            UniGCNIIConv(hidden_channels, alpha=alpha, lamda=lamda, layer=i + 1, cached=cached)
            for i in range(num_layers)
        )
        share_incidence(self.convs)
        self.lin_out = torch.nn.Linear(hidden_channels, out_channels)
        self.dropout = dropout
        self.alpha = alpha
        self.lamda = lamda
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin_in.reset_parameters()
        for conv in self.convs:
            conv.reset_parameters()
        self.lin_out.reset_parameters()

    def reg_parameters(self) -> list[torch.nn.Parameter]:
        """The conv weights (AllSet / the reference decay them with 0.01)."""
        return list(self.convs.parameters())

    def non_reg_parameters(self) -> list[torch.nn.Parameter]:
        """The input and output Linears (decayed with 5e-4)."""
        return list(self.lin_in.parameters()) + list(self.lin_out.parameters())

    def param_groups(self, reg_weight_decay: float = 0.01, weight_decay: float = 5e-4) -> list[dict]:
        """Optimiser parameter groups, e.g. ``torch.optim.Adam(model.param_groups(), lr=0.01)``."""
        return [
            {"params": self.reg_parameters(), "weight_decay": reg_weight_decay},
            {"params": self.non_reg_parameters(), "weight_decay": weight_decay},
        ]

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        return_hidden: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the last hidden embedding when ``return_hidden``)."""
        x = F.dropout(x, self.dropout, self.training)
        x = x_0 = F.relu(self.lin_in(x))
        for conv in self.convs:
            x = F.dropout(x, self.dropout, self.training)
            x = F.relu(conv(x, x_0, hyperedge_index, hyperedge_weight, num_hyperedges))
        hidden = x
        out = self.lin_out(F.dropout(x, self.dropout, self.training))
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
            f"num_layers={len(self.convs)}, alpha={self.alpha}, lamda={self.lamda})"
        )
