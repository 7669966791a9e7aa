"""HyperGCN / FastHyperGCN node-classification model."""

from __future__ import annotations

from torch import Tensor

from hypergraph.nn.conv.hypergcn_conv import HyperGCNConv
from hypergraph.nn.models.stack import ConvStack, layer_dims


class HyperGCN(ConvStack):
    """A stack of :class:`~hypergraph.nn.conv.hypergcn_conv.HyperGCNConv` layers.

    Each hidden layer is conv → ReLU → (BatchNorm) → Dropout; the last layer is a plain conv
    returning logits (the reference applies ReLU to the output too, before ``log_softmax``).
    Without ``fast`` every layer rebuilds its graph from its own :math:`X\\Theta` at every call;
    with ``fast`` (FastHyperGCN, AllSet's setting together with ``mediators``) one graph is built
    from the input features, cached per hypergraph and input tensor, and shared by all layers.
    Layer ``i`` seeds its projection generator with ``seed + i``.

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size.
        out_channels: output size (number of classes).
        num_layers: number of conv layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features (after the FastHyperGCN graph is built).
        batch_norm: BatchNorm after each hidden activation.
        mediators: HyperGCN with mediators.
        fast: FastHyperGCN.
        seed: seed of the random projections.
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
        mediators: bool = True,
        fast: bool = True,
        seed: int = 0,
    ) -> None:
        dims = layer_dims(in_channels, hidden_channels, out_channels, num_layers)
        convs = [
            HyperGCNConv(a, b, mediators=mediators, fast=fast, seed=seed + i)
            for i, (a, b) in enumerate(zip(dims[:-1], dims[1:]))
        ]
        super().__init__(convs, hidden_channels, dropout, input_dropout, batch_norm)
        self.fast = fast

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        return_hidden: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the last hidden embedding when ``return_hidden``)."""
        graph = None
        if self.fast:  # one graph from the input features (before input dropout), shared by every layer
            graph = self.convs[0].graph(x, hyperedge_index, hyperedge_weight, num_hyperedges)
        return super().forward(
            x, hyperedge_index, hyperedge_weight, num_hyperedges, return_hidden, graph=graph
        )

    def __repr__(self) -> str:
        c = self.convs
        return (
            f"{self.__class__.__name__}({c[0].in_channels}, {c[-1].out_channels}, "
            f"num_layers={len(c)}, mediators={c[0].mediators}, fast={self.fast})"
        )
