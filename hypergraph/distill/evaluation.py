"""Evaluating LightHGNN's teacher and students: eval-mode logits with the hidden embedding (for
the topology score) and the accuracy on a node mask."""

from __future__ import annotations

import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph


@torch.no_grad()
def teacher_outputs(
    model: torch.nn.Module, data: Hypergraph, x: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """A hypergraph model's logits and hidden embedding on the whole of ``data``, in eval mode
    (on ``x`` instead of ``data.x`` if given); the model must take ``return_hidden=True``."""
    model.eval()
    x = data.x if x is None else x
    hw = data.get("hyperedge_weight")
    return model(x, data.hyperedge_index, hw, data.num_hyperedges, return_hidden=True)


@torch.no_grad()
def student_outputs(model: torch.nn.Module, x: Tensor) -> tuple[Tensor, Tensor]:
    """An MLP student's logits and hidden embedding on the features ``x``, in eval mode."""
    model.eval()
    return model(x, return_hidden=True)


def masked_accuracy(logits: Tensor, y: Tensor, mask: Tensor) -> float:
    """The fraction of the nodes in ``mask`` whose arg-max logit is their label."""
    return float((logits[mask].argmax(-1) == y[mask]).float().mean())
