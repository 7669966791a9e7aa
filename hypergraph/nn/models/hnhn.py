"""HNHN node-classification model."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from hypergraph.nn.conv.hnhn_conv import HNHNConv


class HNHN(torch.nn.Module):
    """A stack of :class:`~hypergraph.nn.conv.hnhn_conv.HNHNConv` layers.

    Every conv runs node → hyperedge → node with ReLU between its two stages when
    ``nonlinear_inbetween`` (AllSet's default); each hidden layer is conv → ReLU → (BatchNorm) →
    Dropout, the last conv returns logits.  The hyperedge width of every conv is
    ``hidden_channels``.  AllSet's runs use one conv (``num_layers=1``: in → hidden hyperedges →
    classes) with its exponents, which are the defaults here (see
    :class:`~hypergraph.nn.conv.hnhn_conv.HNHNConv` on the naming of ``alpha`` / ``beta``).

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size (node and hyperedge).
        out_channels: output size (number of classes).
        num_layers: number of HNHN convs (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        batch_norm: BatchNorm after each hidden activation.
        alpha: node-degree exponent of the node → hyperedge stage.
        beta: hyperedge-size exponent of the hyperedge → node stage.
        nonlinear_inbetween: ReLU between the two stages of each conv.
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        batch_norm: bool = False,
        alpha: float = -0.5,
        beta: float = -1.5,
        nonlinear_inbetween: bool = True,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        dims = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = torch.nn.ModuleList(
            HNHNConv(a, b, hidden_channels=hidden_channels, alpha=alpha, beta=beta)
            for a, b in zip(dims[:-1], dims[1:])
        )
        self.norms = torch.nn.ModuleList(
            torch.nn.BatchNorm1d(hidden_channels) if batch_norm else torch.nn.Identity()
            for _ in range(num_layers - 1)
        )
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.nonlinear_inbetween = nonlinear_inbetween
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for conv in self.convs:
            conv.reset_parameters()
        for norm in self.norms:
            if hasattr(norm, "reset_parameters"):
                norm.reset_parameters()

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        return_hidden: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the last hidden embedding when ``return_hidden``)."""
        act = F.relu if self.nonlinear_inbetween else None
        x = F.dropout(x, self.input_dropout, self.training)
        hidden = x
        for conv, norm in zip(self.convs[:-1], self.norms):
            x = conv(x, hyperedge_index, hyperedge_weight, num_hyperedges, activation=act)
            x = norm(F.relu(x))
            hidden = x
            x = F.dropout(x, self.dropout, self.training)
        out = self.convs[-1](x, hyperedge_index, hyperedge_weight, num_hyperedges, activation=act)
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        c = self.convs
        return f"{self.__class__.__name__}({c[0].in_channels}, {c[-1].out_channels}, num_layers={len(c)})"
