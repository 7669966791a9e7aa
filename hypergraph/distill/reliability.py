r"""Hyperedge reliability of LightHGNN+ and the per-epoch Bernoulli hyperedge sampling.

The reliability of a hyperedge measures how stable the teacher's uncertainty on its members is
under feature noise: with node entropies :math:`H_v = -\sum_c p_{vc}\log p_{vc}` of the teacher's
softmax, hyperedge entropies :math:`H_e = \mathrm{mean}_{v\in e} H_v`, and :math:`\tilde H_e` the
same after multiplicative feature noise :math:`\tilde X = X \odot (1+\epsilon)\,\eta`,
:math:`\epsilon \sim \mathcal N(0, 1)`,

.. math::
    \delta_e = |\tilde H_e - H_e|, \qquad \rho_e = 1 - \delta_e / \max_{e'} \delta_{e'} .

Empty hyperedges get :math:`H_e = 0` on both sides, hence :math:`\rho_e = 1` (they are never
used by the loss).  When no entropy changes at all (``max δ = 0``) every ``ρ_e`` is 1; the
authors' code divides by zero there.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from hypergraph.distill.losses import hyperedge_mean


def node_entropy(probs: Tensor) -> Tensor:
    """Shannon entropy (nats) of each row of ``probs`` ``[N, C]``; ``0 log 0 = 0``."""
    return -torch.special.xlogy(probs, probs).sum(-1)


def hyperedge_entropy(probs: Tensor, hyperedge_index: Tensor, num_hyperedges: int) -> Tensor:
    """Mean member entropy of each hyperedge, ``[M]`` (0 for empty hyperedges)."""
    return hyperedge_mean(node_entropy(probs).unsqueeze(-1), hyperedge_index, num_hyperedges).squeeze(-1)


def reliability_from_probs(
    probs: Tensor, noisy_probs: Tensor, hyperedge_index: Tensor, num_hyperedges: int
) -> Tensor:
    """``ρ_e = 1 - δ_e / max δ`` from the teacher's clean and noisy softmax outputs, ``[M]`` in ``[0, 1]``."""
    if probs.shape != noisy_probs.shape:
        raise ValueError(f"clean {tuple(probs.shape)} and noisy {tuple(noisy_probs.shape)} probs differ")
    h = hyperedge_entropy(probs, hyperedge_index, num_hyperedges)
    h_noisy = hyperedge_entropy(noisy_probs, hyperedge_index, num_hyperedges)
    delta = (h_noisy - h).abs()
    top = delta.max() if delta.numel() else delta.new_zeros(())
    if not bool(top > 0):
        return torch.ones_like(delta)
    return (1.0 - delta / top).clamp(0.0, 1.0)


def perturb_features(x: Tensor, noise_level: float = 1.0, generator: torch.Generator | None = None) -> Tensor:
    r"""Multiplicative Gaussian noise :math:`X \odot (1+\epsilon)\,\eta` (``η = noise_level``), as the
    authors' code applies it."""
    eps = torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
    return x * (1.0 + eps) * noise_level


@torch.no_grad()
def reliability_score(
    teacher: Callable[[Tensor], Tensor],
    x: Tensor,
    hyperedge_index: Tensor,
    num_hyperedges: int,
    noise_level: float = 1.0,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Hyperedge reliability ``ρ`` ``[M]`` of a trained teacher.

    Args:
        teacher: maps node features to logits with the hypergraph fixed (e.g.
            ``lambda x: model(x, hyperedge_index, None, M)``); it is called under ``no_grad`` and
            should be in eval mode.
        x: node features ``[N, F]``.
        hyperedge_index, num_hyperedges: the hypergraph the teacher runs on.
        noise_level: ``η`` of the multiplicative noise.
        generator: seeds ``ε``.
    """
    probs = torch.softmax(teacher(x), dim=-1)
    noisy = torch.softmax(teacher(perturb_features(x, noise_level, generator)), dim=-1)
    return reliability_from_probs(probs, noisy, hyperedge_index, num_hyperedges)


def sample_hyperedges(reliability: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """A boolean mask ``m_e ~ Bernoulli(ρ_e)``, drawn afresh at each call (each epoch)."""
    if reliability.numel() and (bool((reliability < 0).any()) or bool((reliability > 1).any())):
        raise ValueError("reliability scores must lie in [0, 1]")
    return torch.bernoulli(reliability, generator=generator).bool()
