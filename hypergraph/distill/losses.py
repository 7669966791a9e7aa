r"""Distillation losses of LightHGNN / LightHGNN+ (Feng et al., ICLR 2024).

Two forms are offered for each loss:

* ``"kl"`` (default, the paper's form): the true Kullback-Leibler divergence
  :math:`\mathrm{KL}(p_t \,\|\, p_s) = \sum_c p_t \,(\log p_t - \log p_s)` with temperature ``tau``
  applied to the logits, averaged over the rows (nodes or hyperedges).
* ``"reference"``: exactly what the authors' code computes,
  ``F.kl_div(log p_s, p_t, reduction="batchmean", log_target=True)`` with a *probability* passed
  as a log-target.  PyTorch then evaluates :math:`\sum_c e^{p_t}(p_t - \log p_s)` per row, which
  is not a KL divergence (a soft cross-entropy weighted by :math:`e^{p_t}`).  In that form the
  node-level loss ignores ``tau`` and the hyperedge-level loss divides *probabilities* by
  ``tau``, as in the code.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.utils import scatter

LOSS_FORMS = ("kl", "reference")


def _check_form(form: str) -> None:
    if form not in LOSS_FORMS:
        raise ValueError(f"unknown loss form {form!r}; valid: {', '.join(LOSS_FORMS)}")


def _check_tau(tau: float) -> None:
    if not tau > 0:
        raise ValueError(f"temperature tau must be > 0, got {tau}")


def kd_loss(student_logits: Tensor, teacher_logits: Tensor, tau: float = 1.0, form: str = "kl") -> Tensor:
    r"""Soft-label distillation loss averaged over the rows (the LightHGNN :math:`L_{KD}`).

    ``form="kl"``: :math:`\frac1N \sum_v \mathrm{KL}(\sigma(z^t_v/\tau) \,\|\, \sigma(z^s_v/\tau))`.
    ``form="reference"``: the authors' ``kl_div(log_softmax(z_s), softmax(z_t), log_target=True)``.
    The teacher logits are treated as constants (no gradient flows to them).
    """
    _check_form(form)
    _check_tau(tau)
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(
            f"student logits {tuple(student_logits.shape)} and teacher logits "
            f"{tuple(teacher_logits.shape)} differ in shape"
        )
    teacher_logits = teacher_logits.detach()
    if form == "reference":
        return F.kl_div(
            F.log_softmax(student_logits, dim=-1),
            F.softmax(teacher_logits, dim=-1),
            reduction="batchmean",
            log_target=True,
        )
    return F.kl_div(
        F.log_softmax(student_logits / tau, dim=-1),
        F.log_softmax(teacher_logits / tau, dim=-1),
        reduction="batchmean",
        log_target=True,
    )


def hyperedge_mean(values: Tensor, hyperedge_index: Tensor, num_hyperedges: int) -> Tensor:
    """Mean of ``values[v]`` over the members ``v`` of each hyperedge, ``[M, ...]`` (zero when empty)."""
    return scatter(values[hyperedge_index[0]], hyperedge_index[1], 0, dim_size=num_hyperedges, reduce="mean")


def high_order_loss(
    student_logits: Tensor,
    teacher_logits: Tensor,
    hyperedge_index: Tensor,
    num_hyperedges: int,
    edge_mask: Tensor | None = None,
    tau: float = 1.0,
    form: str = "kl",
) -> Tensor:
    r"""The LightHGNN+ high-order soft-label loss :math:`L_{HC}`.

    For each hyperedge ``e`` selected by ``edge_mask`` (all non-empty ones when ``None``) the
    high-order soft labels are the member means :math:`q^s_e = \mathrm{mean}_{v \in e}\, \sigma(z^s_v/\tau)`
    and :math:`q^t_e` likewise; the loss is :math:`\frac1{|E_s|}\sum_{e} \mathrm{KL}(q^t_e \,\|\, q^s_e)`.
    ``form="reference"`` reproduces the authors' ``kl_div(log(q_s/tau), q_t/tau, log_target=True)``
    with ``q`` built from ``softmax(z)`` (no temperature on the logits).
    An empty selection gives a zero loss (connected to the graph, so ``backward`` works).
    """
    _check_form(form)
    _check_tau(tau)
    M = int(num_hyperedges)
    size = torch.bincount(hyperedge_index[1], minlength=M)
    keep = size > 0
    if edge_mask is not None:
        if edge_mask.shape != (M,):
            raise ValueError(f"edge_mask has shape {tuple(edge_mask.shape)}, expected ({M},)")
        keep = keep & edge_mask.bool()
    if not bool(keep.any()):
        return student_logits.sum() * 0.0
    t = 1.0 if form == "reference" else tau
    p_s = F.softmax(student_logits / t, dim=-1)
    p_t = F.softmax(teacher_logits.detach() / t, dim=-1)
    q_s = hyperedge_mean(p_s, hyperedge_index, M)[keep]
    q_t = hyperedge_mean(p_t, hyperedge_index, M)[keep]
    if form == "reference":
        return F.kl_div(torch.log(q_s / tau), q_t / tau, reduction="batchmean", log_target=True)
    # true KL(q_t || q_s); xlogy gives 0 * log 0 = 0, the clamp guards log(0) of the student
    log_q_s = torch.log(q_s.clamp_min(torch.finfo(q_s.dtype).tiny))
    return (torch.special.xlogy(q_t, q_t) - q_t * log_q_s).sum() / q_t.size(0)
