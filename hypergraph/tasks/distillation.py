"""The ``distillation`` task: LightHGNN / LightHGNN+ (Feng et al., ICLR 2024).

One seed runs, on the same split, the **teacher** (``teacher.model``, any hypergraph model;
best-validation state kept, or loaded from ``teacher.ckpt``; soft labels computed once, in eval
mode) and each method of ``distill.methods`` on a fresh student MLP (``student.model``), best
validation state kept: ``mlp`` (cross-entropy only), ``lighthgnn`` (``λ·CE + (1-λ)·L_KD``, KD over
all nodes) and ``lighthgnn_plus`` (``+ L_HC`` on hyperedges sampled each epoch by reliability).

``setting: transductive`` reports test accuracy (``acc_<method>``) and the topology score of
the hidden embeddings (``topo_<method>``) for ``hgnn`` and every method.  ``setting:
production`` holds out ``production.test_ind_ratio`` of the test nodes: teacher and students
train on the sub-hypergraph of the observed nodes (hyperedges restricted to them, emptied ones
dropped, singletons for isolated nodes) and the task reports ``trans_<m>`` (observed test
nodes), ``ind_<m>`` (held-out nodes) and ``prod_<m>`` (all test nodes); the teacher sees the full
hypergraph for the last two, the students only ever see ``x``.  ``test_acc`` / ``val_acc``
repeat the numbers of ``distill.primary`` (its ``prod`` accuracy in the production setting).

``teacher.ckpt`` (a ``node_classification`` checkpoint, or a plain state dict of the teacher
model) skips the teacher training; it must come from the same dataset, preprocessing and seed
(split) and, in the production setting, must not have seen the held-out nodes.

With ``distill.export`` each trained student is also written as TorchScript to
``<seed_dir>/<method>_student.pt`` (``torch.jit.load(path)(x)`` gives its logits).

``loader`` (as in ``node_classification``: ``full`` / ``neighbor`` / ``cluster``, DDP included)
applies to the **teacher** only, which then trains on mini-batches of the (observed)
hypergraph, without an operator cache; validation, its soft labels and hidden embedding still
come from full forwards in eval mode (not ``chunked_inference``, which gives no hidden
embedding).  The students stay full-batch: MLPs on ``x``, ``[N, F]`` at a time.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from omegaconf import DictConfig
from torch import Tensor
from torchmetrics.classification import MulticlassAccuracy

from hypergraph.distill.evaluation import masked_accuracy, student_outputs, teacher_outputs
from hypergraph.distill.export import save_student
from hypergraph.distill.losses import LOSS_FORMS, high_order_loss, kd_loss
from hypergraph.distill.protocol import production_split, row_normalize
from hypergraph.distill.reliability import reliability_score, sample_hyperedges
from hypergraph.distill.topology import topology_score
from hypergraph.nn.models.mlp import MLP
from hypergraph.tasks.base import (
    TRAINER_DEFAULTS,
    AdamModule,
    FullBatchDataModule,
    TaskSpec,
    build_model,
    build_trainer,
    check_choice,
    check_section,
    defaults,
    load_checkpoint,
    model_class,
    seed_everything,
    validate_trainer,
)
from hypergraph.tasks.base_node import (
    LOADER_DEFAULTS,
    NODE_DEFAULTS,
    NodeClassification,
    NodeDataModule,
    minibatch_trainer_cfg,
    num_classes_of,
    prepare_node_data,
    validate_node_sections,
)

METHODS = ("mlp", "lighthgnn", "lighthgnn_plus")
SETTINGS = ("transductive", "production")
NORMALIZE = ("none", "row")

DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "synthetic_hsbm"},
    "features": {"kind": "raw", "dim": 64, "seed": 0, "normalize": "none"},
    "preprocess": {"self_loops": "isolated", "remove_duplicates": True},
    "split": dict(NODE_DEFAULTS["split"], kind="per_class"),
    "loader": LOADER_DEFAULTS,  # the teacher's training batches (the students train full-batch)
    "setting": "transductive",
    "production": {"test_ind_ratio": 0.9},
    "teacher": {
        "model": {"name": "hgnn", "hidden_channels": 32, "num_layers": 2, "dropout": 0.5},
        "lr": 0.01,
        "weight_decay": 5e-4,
        "ckpt": None,
    },
    "student": {
        "model": {"name": "mlp", "hidden_channels": 128, "num_layers": 2, "dropout": 0.5, "batch_norm": True},
        "lr": 0.01,
        "weight_decay": 5e-4,
    },
    "distill": {
        "methods": list(METHODS),
        "primary": "lighthgnn_plus",
        "lam": 0.0,
        "tau": 1.0,
        "loss_form": "kl",
        "noise_level": 1.0,
        "export": True,
    },
    "trainer": dict(TRAINER_DEFAULTS, max_epochs=200),
}

_TEACHER_KEYS = ("model", "lr", "weight_decay", "ckpt")
_STUDENT_KEYS = ("model", "lr", "weight_decay")


class Distillation(AdamModule):
    r"""LightHGNN (``reliability=None``) or LightHGNN+ student training.

    Loss per epoch (full batch)::

        L = lam * CE(student[train], y[train]) + (1 - lam) * (L_KD + L_HC)

    with ``L_KD`` over **all** nodes (:func:`~hypergraph.distill.losses.kd_loss`) and, for
    LightHGNN+, ``L_HC`` (:func:`~hypergraph.distill.losses.high_order_loss`) over hyperedges
    sampled afresh each step with ``m_e ~ Bernoulli(reliability_e)``.

    The student sees ``batch.x`` only, in training and inference; the batch's
    ``hyperedge_index`` / ``num_hyperedges`` are read solely by the LightHGNN+ training loss.

    Args: the ``student`` (``student(x) -> logits``), the teacher's ``[N, C]`` soft labels
    (computed once, in eval mode), ``lam`` (weight of the cross-entropy on labelled nodes, 0 =
    pure distillation), the temperature ``tau``, ``loss_form`` (``"kl"``, or the authors'
    ``log_target=True`` form ``"reference"``), the ``[M]`` hyperedge ``reliability`` (enables
    LightHGNN+), Adam's ``lr`` / ``weight_decay`` and ``sample_seed`` (hyperedge sampling).
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
        super().__init__(lr, weight_decay)
        if not 0.0 <= lam <= 1.0:
            raise ValueError(f"lam must lie in [0, 1], got {lam}")
        self.student = student
        self.register_buffer("teacher_logits", teacher_logits.detach().clone(), persistent=False)
        self.register_buffer(
            "reliability", None if reliability is None else reliability.detach().clone(), persistent=False
        )
        self.lam, self.tau, self.loss_form = float(lam), float(tau), loss_form
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
                logits,
                self.teacher_logits,
                batch.hyperedge_index,
                batch.num_hyperedges,
                edge_mask,
                self.tau,
                self.loss_form,
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


# ------------------------------------------------------------------------------ validation
def validate(cfg: DictConfig) -> None:
    """Reject unknown keys and values with a message naming them."""
    check_section(cfg.teacher, _TEACHER_KEYS, "teacher")
    check_section(cfg.student, _STUDENT_KEYS, "student")
    validate_node_sections(cfg)
    validate_trainer(cfg.trainer)
    teacher_cls = model_class(cfg.teacher.model, "teacher.model")
    if "hyperedge_index" not in inspect.signature(teacher_cls.forward).parameters:
        raise ValueError(f"teacher.model '{cfg.teacher.model.name}' is not a hypergraph model")
    student_cls = model_class(cfg.student.model, "student.model")
    if not issubclass(student_cls, MLP):
        raise ValueError(
            f"student.model must be an MLP (it sees node features only), got '{cfg.student.model.name}'"
        )
    check_choice(cfg.setting, SETTINGS, "setting")
    check_choice(cfg.features.normalize, NORMALIZE, "features.normalize")
    ratio = cfg.production.test_ind_ratio
    if not 0.0 < float(ratio) < 1.0:
        raise ValueError(f"production.test_ind_ratio must lie in (0, 1), got {ratio}")
    d = cfg.distill
    bad = [m for m in d.methods if m not in METHODS]
    if bad or not d.methods:
        raise ValueError(
            f"distill.methods must be a non-empty subset of {', '.join(METHODS)}; got {list(d.methods)}"
        )
    if d.primary not in (*d.methods, "hgnn"):
        raise ValueError(
            f"distill.primary {d.primary!r} must be 'hgnn' or one of distill.methods {list(d.methods)}"
        )
    if not 0.0 <= float(d.lam) <= 1.0:
        raise ValueError(f"distill.lam must lie in [0, 1], got {d.lam}")
    if not float(d.tau) > 0:
        raise ValueError(f"distill.tau must be > 0, got {d.tau}")
    check_choice(d.loss_form, LOSS_FORMS, "distill.loss_form")
    if cfg.teacher.ckpt is not None and not Path(cfg.teacher.ckpt).is_file():
        raise FileNotFoundError(f"teacher.ckpt {cfg.teacher.ckpt!r} does not exist")


# ---------------------------------------------------------------------------------- stages
def _fit(
    module: pl.LightningModule, dm: pl.LightningDataModule, trainer_cfg: DictConfig, stage_dir: Path
) -> float:
    """Fit ``module`` on ``dm``; load its best-validation weights; return that validation accuracy."""
    trainer, ckpt = build_trainer(trainer_cfg, stage_dir, monitor="val_acc", mode="max")
    trainer.fit(module, datamodule=dm)
    if ckpt.best_model_path:
        module.load_state_dict(load_checkpoint(ckpt.best_model_path)["state_dict"])
    return float(ckpt.best_model_score) if ckpt.best_model_score is not None else float("nan")


def _load_teacher(model: torch.nn.Module, path: str) -> None:
    state = load_checkpoint(path)
    state = state.get("state_dict", state)
    if any(k.startswith("model.") for k in state):  # a NodeClassification checkpoint
        state = {k[len("model.") :]: v for k, v in state.items() if k.startswith("model.")}
    model.load_state_dict(state)


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    if ckpt_path is not None:
        raise ValueError(
            "the distillation task trains several models per seed and does not resume from "
            "ckpt_path; give a trained teacher with teacher.ckpt=PATH instead"
        )
    seed_everything(seed)
    data = prepare_node_data(cfg, seed)
    if cfg.features.normalize == "row":
        data.x = row_normalize(data.x)
    num_classes = num_classes_of(data)
    production = cfg.setting == "production"
    if production:
        train_data, ind_mask = production_split(
            data, float(cfg.production.test_ind_ratio), seed, bool(cfg.preprocess.remove_duplicates)
        )
    else:
        train_data, ind_mask = data, None
    d = cfg.distill
    in_dim = data.x.size(1)
    out: dict[str, float] = {}
    accs: dict[str, dict[str, float]] = {}

    def report(
        name: str, val_acc: float, logits_obs: Tensor, logits_full: Tensor | None, hidden: Tensor
    ) -> None:
        r = {"val": val_acc}
        if production:
            r["trans"] = masked_accuracy(logits_obs, train_data.y, train_data.test_mask)
            r["ind"] = masked_accuracy(logits_full, data.y, ind_mask)
            r["prod"] = masked_accuracy(logits_full, data.y, data.test_mask)
        else:
            r["test"] = masked_accuracy(logits_obs, train_data.y, train_data.test_mask)
        r["topo"] = topology_score(hidden, train_data.hyperedge_index, train_data.num_hyperedges)
        accs[name] = r

    # 1. teacher
    seed_everything(seed)
    full = cfg.loader.kind == "full"  # mini-batches change the structure every step: no operator cache
    teacher = build_model(cfg.teacher.model, cached=full, in_channels=in_dim, out_channels=num_classes)
    if cfg.teacher.ckpt is not None:
        _load_teacher(teacher, cfg.teacher.ckpt)
    else:
        module = NodeClassification(teacher, num_classes, cfg.teacher.lr, cfg.teacher.weight_decay)
        dm = NodeDataModule(train_data, cfg.loader, seed)
        _fit(module, dm, minibatch_trainer_cfg(cfg.trainer, cfg.loader), seed_dir / "hgnn")
    t_logits, t_hidden = teacher_outputs(teacher, train_data)  # soft labels: once, eval mode
    t_val = masked_accuracy(t_logits, train_data.y, train_data.val_mask)
    t_full = teacher_outputs(teacher, data)[0] if production else None
    report("hgnn", t_val, t_logits, t_full, t_hidden)

    # 2. students
    def teacher_fn(x: Tensor) -> Tensor:
        return teacher_outputs(teacher, train_data, x)[0]

    for method in d.methods:
        seed_everything(seed)
        student = build_model(cfg.student.model, in_channels=in_dim, out_channels=num_classes)
        if method == "mlp":
            module = NodeClassification(student, num_classes, cfg.student.lr, cfg.student.weight_decay)
        else:
            rho = None
            if method == "lighthgnn_plus":
                gen = torch.Generator().manual_seed(seed)
                rho = reliability_score(
                    teacher_fn,
                    train_data.x,
                    train_data.hyperedge_index,
                    train_data.num_hyperedges,
                    float(d.noise_level),
                    gen,
                )
                out["mean_reliability"] = float(rho.mean())
            module = Distillation(
                student,
                t_logits,
                num_classes,
                lam=float(d.lam),
                tau=float(d.tau),
                loss_form=d.loss_form,
                reliability=rho,
                lr=cfg.student.lr,
                weight_decay=cfg.student.weight_decay,
                sample_seed=seed,
            )
        val = _fit(module, FullBatchDataModule(train_data), cfg.trainer, seed_dir / method)
        s_logits, s_hidden = student_outputs(student, train_data.x)
        s_full = student_outputs(student, data.x)[0] if production else None
        report(method, val, s_logits, s_full, s_hidden)
        if d.export:
            seed_dir.mkdir(parents=True, exist_ok=True)
            save_student(student, seed_dir / f"{method}_student.pt")

    primary = accs[d.primary]
    result = {"test_acc": primary["prod" if production else "test"], "val_acc": primary["val"]}
    names = ["hgnn", *d.methods]
    if production:
        for kind in ("trans", "ind", "prod"):
            result.update({f"{kind}_{m}": accs[m][kind] for m in names})
    else:
        result.update({f"acc_{m}": accs[m]["test"] for m in names})
    result.update({f"topo_{m}": accs[m]["topo"] for m in names})
    result.update(out)
    return result


TASK = TaskSpec(
    "distillation", defaults(DEFAULTS), run, ("dataset", "teacher", "student", "trainer"), validate
)
