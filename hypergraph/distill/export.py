"""Export a distilled student to a plain ``torch.nn.Module`` (and TorchScript) that needs only ``x``.

The exported module is the inference form of :class:`hypergraph.nn.models.MLP`: every hidden
block is ``Linear → ReLU → BatchNorm1d`` (or no norm) with the running statistics frozen, and
dropout is dropped (it is the identity at inference).  It imports nothing from this package at
run time, so a TorchScript file can be loaded with ``torch.jit.load`` alone.
"""

from __future__ import annotations

import copy
import os

import torch
from torch import Tensor

from hypergraph.nn.models.mlp import MLP


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


def script_student(student: torch.nn.Module) -> torch.jit.ScriptModule:
    """TorchScript of :func:`export_student` (``student`` may already be an :class:`ExportedMLP`)."""
    exported = student if isinstance(student, ExportedMLP) else export_student(student)
    return torch.jit.script(exported)


def save_student(student: torch.nn.Module, path: str | os.PathLike) -> None:
    """Write the TorchScript student to ``path`` (load it with ``torch.jit.load(path)``)."""
    scripted = script_student(student)
    tmp = f"{os.fspath(path)}.tmp"
    torch.jit.save(scripted, tmp)
    os.replace(tmp, path)
