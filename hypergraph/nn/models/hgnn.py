"""HGNN and HGNN+ node-classification models."""

from __future__ import annotations

from torch import Tensor

from hypergraph.nn.conv.hgnn_conv import HGNNConv
from hypergraph.nn.conv.hgnnp_conv import HGNNPConv
from hypergraph.nn.models.stack import ConvStack, layer_dims


class HGNN(ConvStack):
    """A stack of :class:`~hypergraph.nn.conv.HGNNConv` layers.

    Each hidden layer is conv → ReLU → (BatchNorm) → Dropout, as in the reference HGNN / DHG
    models; the last layer is a plain conv returning logits.  ``input_dropout`` optionally
    drops input features first (off by default, as in DHG).

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size.
        out_channels: output size (number of classes).
        num_layers: number of conv layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        batch_norm: BatchNorm after each hidden activation.
        cached: cache the normalised operator in every layer (transductive full batch).
    """

    conv_cls: type[HGNNConv] = HGNNConv

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        batch_norm: bool = False,
        cached: bool = False,
    ) -> None:
        dims = layer_dims(in_channels, hidden_channels, out_channels, num_layers)
        convs = [self.conv_cls(a, b, cached=cached) for a, b in zip(dims[:-1], dims[1:])]
        for conv in convs[1:]:  # one operator cache for all layers: built once per structure
            conv.propagation = convs[0].propagation
        super().__init__(convs, hidden_channels, dropout, input_dropout, batch_norm)

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        return_hidden: bool = False,
        node_degree: Tensor | None = None,
        hyperedge_degree: Tensor | None = None,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the last hidden embedding when ``return_hidden``).

        ``node_degree`` / ``hyperedge_degree`` are passed to every conv (the full-graph degrees
        carried by a :mod:`hypergraph.loader` mini-batch)."""
        deg = {"node_degree": node_degree, "hyperedge_degree": hyperedge_degree}
        return super().forward(x, hyperedge_index, hyperedge_weight, num_hyperedges, return_hidden, **deg)


class HGNNP(HGNN):
    """A stack of :class:`~hypergraph.nn.conv.HGNNPConv` layers (HGNN+), as :class:`HGNN`."""

    conv_cls = HGNNPConv
