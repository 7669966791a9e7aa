"""The layer stack the node models share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor


class ConvStack(torch.nn.Module):
    """Input dropout, then for each hidden layer conv → ReLU → (BatchNorm) → Dropout, and a last
    conv returning logits (the reference HGNN / DHG / UniGNN models).

    Args:
        convs: the layers, first to last, each called as
            ``conv(x, hyperedge_index, hyperedge_weight, num_hyperedges, **conv_kwargs)``.
        hidden_width: width of the hidden embeddings (for BatchNorm).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        batch_norm: BatchNorm after each hidden activation.
    """

    def __init__(
        self,
        convs: Sequence[torch.nn.Module],
        hidden_width: int,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        batch_norm: bool = False,
    ) -> None:
        super().__init__()
        if len(convs) < 1:
            raise ValueError("num_layers must be >= 1, got 0")
        self.convs = torch.nn.ModuleList(convs)
        self.norms = torch.nn.ModuleList(
            torch.nn.BatchNorm1d(hidden_width) if batch_norm else torch.nn.Identity()
            for _ in range(len(convs) - 1)
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
        first_layer_kwargs: Mapping[str, Any] | None = None,
        **conv_kwargs: Any,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the last hidden embedding when ``return_hidden``).

        ``conv_kwargs`` go to every conv; ``first_layer_kwargs`` to the first conv only (HCHA's
        ``hyperedge_attr``, which later layers replace by the member mean)."""
        x = F.dropout(x, self.input_dropout, self.training)
        hidden = x
        kwargs = {**conv_kwargs, **(first_layer_kwargs or {})}
        for conv, norm in zip(self.convs[:-1], self.norms):
            x = norm(F.relu(conv(x, hyperedge_index, hyperedge_weight, num_hyperedges, **kwargs)))
            hidden = x
            x = F.dropout(x, self.dropout, self.training)
            kwargs = conv_kwargs
        out = self.convs[-1](x, hyperedge_index, hyperedge_weight, num_hyperedges, **kwargs)
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        c = self.convs
        return f"{self.__class__.__name__}({c[0].in_channels}, {c[-1].out_channels}, num_layers={len(c)})"


def share_incidence(convs: Sequence[torch.nn.Module]) -> None:
    """Give every conv the first one's incidence cache: with ``cached=True`` the incidence matrix
    of a hypergraph is built once per structure for the whole stack, not once per layer."""
    for conv in convs[1:]:
        conv.incidence = convs[0].incidence


def layer_dims(in_channels: int, hidden_channels: int, out_channels: int, num_layers: int) -> list[int]:
    """``[in, hidden, ..., hidden, out]`` for ``num_layers`` layers (≥ 1)."""
    if num_layers < 1:
        raise ValueError(f"num_layers must be >= 1, got {num_layers}")
    return [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
