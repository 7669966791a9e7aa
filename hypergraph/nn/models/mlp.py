"""Multi-layer perceptron on node features only."""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import Tensor


class MLP(torch.nn.Module):
    """Linear → ReLU → (BatchNorm) → Dropout blocks, then a Linear output layer.

    The structure arguments of ``forward`` are accepted and ignored so that the MLP can stand
    in for a hypergraph model (it never reads them).

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size.
        out_channels: output size.
        num_layers: number of linear layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        batch_norm: BatchNorm after each hidden activation (the LightHGNN student has it).
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
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        dims = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.lins = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.norms = torch.nn.ModuleList(
            torch.nn.BatchNorm1d(hidden_channels) if batch_norm else torch.nn.Identity()
            for _ in range(num_layers - 1)
        )
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for lin in self.lins:
            lin.reset_parameters()
        for norm in self.norms:
            if hasattr(norm, "reset_parameters"):
                norm.reset_parameters()

    def forward(
        self, x: Tensor, *structure: object, return_hidden: bool = False, **ignored: object
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` from ``x`` alone (and the last hidden embedding when asked)."""
        x = F.dropout(x, self.input_dropout, self.training)
        hidden = x
        for lin, norm in zip(self.lins[:-1], self.norms):
            x = norm(F.relu(lin(x)))
            hidden = x
            x = F.dropout(x, self.dropout, self.training)
        out = self.lins[-1](x)
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.lins[0].in_features}, {self.lins[-1].out_features}, "
            f"num_layers={len(self.lins)})"
        )


class ExportedMLP(torch.nn.Module):
    """Logits from node features only: ``forward(x) -> [N, C]``.  Always in eval mode."""

    def __init__(self, layers: torch.nn.Sequential) -> None:
        super().__init__()
        self.layers = layers
        self.eval()

    def train(self, mode: bool = True) -> ExportedMLP:
        """Stay in eval mode: the exported network is for inference (frozen BatchNorm statistics)."""
        return super().train(False)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)


def export_student(student: torch.nn.Module) -> ExportedMLP:
    """A standalone inference copy of a trained :class:`~hypergraph.nn.models.MLP` student.

    The copy shares no parameters with ``student`` and gives the same logits as
    ``student.eval()(x)``.
    """
    if not isinstance(student, MLP):
        raise TypeError(f"can only export hypergraph.nn.models.MLP students, got {type(student).__name__}")
    mods: list[torch.nn.Module] = []
    for lin, norm in zip(student.lins[:-1], student.norms):
        mods += [copy.deepcopy(lin), torch.nn.ReLU()]
        if not isinstance(norm, torch.nn.Identity):
            mods.append(copy.deepcopy(norm))
    mods.append(copy.deepcopy(student.lins[-1]))
    out = ExportedMLP(torch.nn.Sequential(*mods))
    for p in out.parameters():
        p.requires_grad_(False)
    return out
