"""HGNN and HGNN+ node-classification models."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from hypergraph.nn.conv import HGNNConv, HGNNPConv


class HGNN(torch.nn.Module):
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
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        dims = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = torch.nn.ModuleList(
            self.conv_cls(a, b, cached=cached) for a, b in zip(dims[:-1], dims[1:])
        )
        for conv in self.convs[1:]:  # one operator cache for all layers: built once per structure
            conv.propagation = self.convs[0].propagation
        self.norms = torch.nn.ModuleList(
            torch.nn.BatchNorm1d(hidden_channels) if batch_norm else torch.nn.Identity()
            for _ in range(num_layers - 1)
        )
        self.dropout = dropout
        self.input_dropout = input_dropout
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
        node_degree: Tensor | None = None,
        hyperedge_degree: Tensor | None = None,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the last hidden embedding when ``return_hidden``).

        ``node_degree`` / ``hyperedge_degree`` are passed to every conv (the full-graph degrees
        carried by a :mod:`hypergraph.loader` mini-batch)."""
        x = F.dropout(x, self.input_dropout, self.training)
        hidden = x
        deg = {"node_degree": node_degree, "hyperedge_degree": hyperedge_degree}
        for conv, norm in zip(self.convs[:-1], self.norms):
            x = conv(x, hyperedge_index, hyperedge_weight, num_hyperedges, **deg)
            x = norm(F.relu(x))
            hidden = x
            x = F.dropout(x, self.dropout, self.training)
        out = self.convs[-1](x, hyperedge_index, hyperedge_weight, num_hyperedges, **deg)
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        c = self.convs
        return f"{self.__class__.__name__}({c[0].in_channels}, {c[-1].out_channels}, num_layers={len(c)})"


class HGNNP(HGNN):
    """A stack of :class:`~hypergraph.nn.conv.HGNNPConv` layers (HGNN+), as :class:`HGNN`."""

    conv_cls = HGNNPConv
