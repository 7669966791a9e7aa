"""HNHN node-classification model."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from hypergraph.nn.conv.hnhn_conv import HNHNConv
from hypergraph.nn.models.stack import ConvStack, layer_dims, share_incidence


class HNHN(ConvStack):
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
        batch_norm: bool = False,
        alpha: float = -0.5,
        beta: float = -1.5,
        nonlinear_inbetween: bool = True,
        cached: bool = False,
    ) -> None:
        dims = layer_dims(in_channels, hidden_channels, out_channels, num_layers)
        convs = [
            HNHNConv(a, b, hidden_channels=hidden_channels, alpha=alpha, beta=beta, cached=cached)
            for a, b in zip(dims[:-1], dims[1:])
        ]
        share_incidence(convs)
        super().__init__(convs, hidden_channels, dropout, input_dropout, batch_norm)
        self.nonlinear_inbetween = nonlinear_inbetween

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
        return super().forward(
            x, hyperedge_index, hyperedge_weight, num_hyperedges, return_hidden, activation=act
        )
