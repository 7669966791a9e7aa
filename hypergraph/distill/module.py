"""The ``Distillation`` LightningModule: trains a structure-free student from teacher soft labels."""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import Tensor
from torchmetrics.classification import MulticlassAccuracy

from hypergraph.distill.losses import high_order_loss, kd_loss
from hypergraph.distill.reliability import sample_hyperedges


class Distillation(pl.LightningModule):
    r"""LightHGNN (``reliability=None``) or LightHGNN+ student training.

    Loss per epoch (full batch)::

        L = lam * CE(student[train], y[train]) + (1 - lam) * (L_KD + L_HC)

    with ``L_KD`` over **all** nodes (:func:`~hypergraph.distill.losses.kd_loss`) and, for
    LightHGNN+, ``L_HC`` (:func:`~hypergraph.distill.losses.high_order_loss`) over hyperedges
    sampled afresh each step with ``m_e ~ Bernoulli(reliability_e)``.

    The student sees ``batch.x`` only, in training and inference; the batch's
    ``hyperedge_index`` / ``num_hyperedges`` are read solely by the LightHGNN+ training loss.

    Args:
        student: ``student(x) -> logits`` (e.g. :class:`hypergraph.nn.models.MLP`).
        teacher_logits: ``[N, C]`` soft labels of the teacher, computed once in eval mode.
        num_classes: number of classes.
        lam: weight ``λ`` of the cross-entropy on labelled nodes (0 = pure distillation).
        tau: temperature ``τ``.
        loss_form: ``"kl"`` (true KL) or ``"reference"`` (the authors' ``log_target=True`` form).
        reliability: ``[M]`` hyperedge reliabilities in ``[0, 1]``; enables LightHGNN+.
        lr, weight_decay: Adam settings.
        sample_seed: seed of the per-epoch hyperedge sampling.
    """

    def __init__(
        self,
        student: torch.nn.Module,
        teacher_logits: Tensor,
        num_classes: int,
        lam: float = 0.0,
        tau: float = 1.0,
        loss_form: str = "kl",
        reliability: Tensor | None = None,
        lr: float = 0.01,
        weight_decay: float = 5e-4,
        sample_seed: int = 0,
    ) -> None:
        super().__init__()
        if not 0.0 <= lam <= 1.0:
            raise ValueError(f"lam must lie in [0, 1], got {lam}")
        self.student = student
        self.register_buffer("teacher_logits", teacher_logits.detach().clone(), persistent=False)
        self.register_buffer(
            "reliability", None if reliability is None else reliability.detach().clone(), persistent=False
        )
        self.lam, self.tau, self.loss_form = float(lam), float(tau), loss_form
        self.lr, self.weight_decay = lr, weight_decay
        self._gen = torch.Generator().manual_seed(int(sample_seed))
        self.train_acc = MulticlassAccuracy(num_classes, average="micro")
        self.val_acc = MulticlassAccuracy(num_classes, average="micro")
        self.test_acc = MulticlassAccuracy(num_classes, average="micro")
        kd_loss(teacher_logits[:1], teacher_logits[:1], tau, loss_form)  # validates tau and form

    def forward(self, batch: Any) -> Tensor:
        """Student logits from the node features alone."""
        return self.student(batch.x)

    def loss_terms(self, batch: Any, logits: Tensor) -> dict[str, Tensor]:
        """The separate loss terms (``ce``, ``kd`` and, for LightHGNN+, ``hc``) and their total."""
        if logits.size(0) != self.teacher_logits.size(0):
            raise ValueError(
                f"batch has {logits.size(0)} nodes but the teacher soft labels cover "
                f"{self.teacher_logits.size(0)}"
            )
        mask = batch.train_mask
        terms = {"ce": F.cross_entropy(logits[mask], batch.y[mask])}
        distil = terms["kd"] = kd_loss(logits, self.teacher_logits, self.tau, self.loss_form)
        if self.reliability is not None:
            rho = self.reliability
            if rho.numel() != batch.num_hyperedges:
                raise ValueError(
                    f"reliability has {rho.numel()} entries but the hypergraph has "
                    f"{batch.num_hyperedges} hyperedges"
                )
            edge_mask = sample_hyperedges(rho.cpu(), self._gen).to(rho.device)
            terms["hc"] = high_order_loss(
                logits, self.teacher_logits, batch.hyperedge_index, batch.num_hyperedges,
                edge_mask, self.tau, self.loss_form,
            )
            distil = distil + terms["hc"]
        terms["loss"] = self.lam * terms["ce"] + (1.0 - self.lam) * distil
        return terms

    def training_step(self, batch: Any, batch_idx: int) -> Tensor:
        logits = self(batch)
        terms = self.loss_terms(batch, logits)
        mask = batch.train_mask
        bs = int(mask.sum())
        self.train_acc(logits[mask].argmax(-1), batch.y[mask])
        for k, v in terms.items():
            self.log(f"train_{k}", v, batch_size=bs, prog_bar=k == "loss")
        self.log("train_acc", self.train_acc, batch_size=bs)
        return terms["loss"]

    def _eval(self, batch: Any, mask: Tensor, metric: MulticlassAccuracy, stage: str) -> None:
        logits = self(batch)
        metric(logits[mask].argmax(-1), batch.y[mask])
        self.log(f"{stage}_acc", metric, prog_bar=True, batch_size=int(mask.sum()))

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self._eval(batch, batch.val_mask, self.val_acc, "val")

    def test_step(self, batch: Any, batch_idx: int) -> None:
        self._eval(batch, batch.test_mask, self.test_acc, "test")

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.student.parameters(), lr=self.lr, weight_decay=self.weight_decay)
