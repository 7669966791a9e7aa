"""HyperGCN / FastHyperGCN node-classification model."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from hypergraph.nn.conv.hypergcn_conv import HyperGCNConv


class HyperGCN(torch.nn.Module):
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
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        dims = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = torch.nn.ModuleList(
            HyperGCNConv(a, b, mediators=mediators, fast=fast, seed=seed + i)
            for i, (a, b) in enumerate(zip(dims[:-1], dims[1:]))
        )
        self.norms = torch.nn.ModuleList(
            torch.nn.BatchNorm1d(hidden_channels) if batch_norm else torch.nn.Identity()
            for _ in range(num_layers - 1)
        )
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.fast = fast
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
        graph = None
        if self.fast:  # one graph from the input features, shared by every layer
            graph = self.convs[0].graph(x, hyperedge_index, hyperedge_weight, num_hyperedges)
        x = F.dropout(x, self.input_dropout, self.training)
        hidden = x
        for conv, norm in zip(self.convs[:-1], self.norms):
            x = conv(x, hyperedge_index, hyperedge_weight, num_hyperedges, graph=graph)
            x = norm(F.relu(x))
            hidden = x
            x = F.dropout(x, self.dropout, self.training)
        out = self.convs[-1](x, hyperedge_index, hyperedge_weight, num_hyperedges, graph=graph)
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        c = self.convs
        return (
            f"{self.__class__.__name__}({c[0].in_channels}, {c[-1].out_channels}, "
            f"num_layers={len(c)}, mediators={c[0].mediators}, fast={self.fast})"
        )
