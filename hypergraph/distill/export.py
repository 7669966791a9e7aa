"""Save a distilled student as TorchScript that needs only ``x``.

The exported module (:class:`hypergraph.nn.models.mlp.ExportedMLP`) is the inference form of
:class:`hypergraph.nn.models.MLP`: every hidden
block is ``Linear → ReLU → BatchNorm1d`` (or no norm) with the running statistics frozen, and
dropout is dropped (it is the identity at inference).  It imports nothing from this package at
run time, so a TorchScript file can be loaded with ``torch.jit.load`` alone.
"""

from __future__ import annotations

import os

import torch

from hypergraph.nn.models.mlp import ExportedMLP, export_student


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
