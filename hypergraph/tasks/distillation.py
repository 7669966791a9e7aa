"""The ``distillation`` task: LightHGNN / LightHGNN+ (Feng et al., ICLR 2024).

One seed runs, on the same split:

1. the **teacher** (HGNN / HGNN+, ``teacher.model``), trained with cross-entropy and the
   best-validation state kept (or loaded from ``teacher.ckpt``); its soft labels are computed
   once, in eval mode;
2. the methods of ``distill.methods``, each a fresh student MLP (``student.model``,
   Linear → ReLU → BatchNorm → Dropout → Linear) with the best-validation state kept:

   * ``mlp``: the student architecture trained with cross-entropy only (the "MLPs" baseline);
   * ``lighthgnn``: ``λ·CE + (1-λ)·L_KD`` with the KD term over all nodes;
   * ``lighthgnn_plus``: ``λ·CE + (1-λ)·(L_KD + L_HC)`` with hyperedges sampled each epoch by
     their reliability.

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
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
from omegaconf import DictConfig, OmegaConf
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.transforms import add_singleton_hyperedges, remove_duplicate_hyperedges, subhypergraph
from hypergraph.distill.export import save_student
from hypergraph.distill.losses import LOSS_FORMS
from hypergraph.distill.module import Distillation
from hypergraph.distill.reliability import reliability_score
from hypergraph.distill.topology import topology_score
from hypergraph.nn.models.mlp import MLP
from hypergraph.registry import MODELS, check_kwargs
from hypergraph.tasks.base import TRAINER_DEFAULTS, TaskSpec, build_trainer, register_task, validate_trainer
from hypergraph.tasks.node_classification import (
    DEFAULTS as NODE_DEFAULTS,
)
from hypergraph.tasks.node_classification import (
    FullBatchDataModule,
    NodeClassification,
    build_model,
    prepare_node_data,
)
from hypergraph.tasks.node_classification import (
    validate as validate_node_task,
)

METHODS = ("mlp", "lighthgnn", "lighthgnn_plus")
SETTINGS = ("transductive", "production")
NORMALIZE = ("none", "row")

DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "synthetic_hsbm"},
    "features": {"kind": "raw", "dim": 64, "seed": 0, "normalize": "none"},
    "preprocess": {"self_loops": "isolated", "remove_duplicates": True},
    "split": dict(NODE_DEFAULTS["split"], kind="per_class"),
    "setting": "transductive",
    "production": {"test_ind_ratio": 0.9},
    "teacher": {
        "model": {"name": "hgnn", "hidden": 32, "num_layers": 2, "dropout": 0.5},
        "lr": 0.01,
        "weight_decay": 5e-4,
        "ckpt": None,
    },
    "student": {
        "model": {"name": "mlp", "hidden": 128, "num_layers": 2, "dropout": 0.5, "batch_norm": True},
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
    "trainer": dict(TRAINER_DEFAULTS, max_epochs=200, enable_progress_bar=False),
}

_TEACHER_KEYS = ("model", "lr", "weight_decay", "ckpt")
_STUDENT_KEYS = ("model", "lr", "weight_decay")


# ------------------------------------------------------------------------------ validation
def _check_section(section: DictConfig, allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(section.keys()) - set(allowed))
    if unknown:
        raise KeyError(
            f"unknown key(s) {', '.join(map(repr, unknown))} in '{where}'; valid: {', '.join(allowed)}"
        )


def _check_model(model_cfg: DictConfig, where: str) -> type:
    if "name" not in model_cfg:
        raise KeyError(f"{where}.name is required; valid models: {', '.join(MODELS.names())}")
    cls = MODELS.get(model_cfg.name)
    kw = {("hidden_channels" if k == "hidden" else k): v for k, v in model_cfg.items() if k != "name"}
    check_kwargs(cls.__init__, kw, f"{where} '{model_cfg.name}'", ignore=("in_channels", "out_channels"))
    return cls


def validate(cfg: DictConfig) -> None:
    """Reject unknown keys and values with a message naming them."""
    _check_section(cfg.teacher, _TEACHER_KEYS, "teacher")
    _check_section(cfg.student, _STUDENT_KEYS, "student")
    # the shared sections (dataset, features, preprocess, split, trainer) as node_classification
    node_view = OmegaConf.create(
        {k: cfg[k] for k in ("dataset", "features", "preprocess", "split", "trainer")}
        | {"model": cfg.teacher.model}
    )
    validate_node_task(node_view)
    validate_trainer(cfg.trainer)
    teacher_cls = _check_model(cfg.teacher.model, "teacher.model")
    if "hyperedge_index" not in inspect.signature(teacher_cls.forward).parameters:
        raise ValueError(f"teacher.model '{cfg.teacher.model.name}' is not a hypergraph model")
    student_cls = _check_model(cfg.student.model, "student.model")
    if not issubclass(student_cls, MLP):
        raise ValueError(
            f"student.model must be an MLP (it sees node features only), got '{cfg.student.model.name}'"
        )
    if cfg.setting not in SETTINGS:
        raise ValueError(f"unknown setting {cfg.setting!r}; valid: {', '.join(SETTINGS)}")
    if cfg.features.normalize not in NORMALIZE:
        raise ValueError(
            f"unknown features.normalize {cfg.features.normalize!r}; valid: {', '.join(NORMALIZE)}"
        )
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
    if d.loss_form not in LOSS_FORMS:
        raise ValueError(f"unknown distill.loss_form {d.loss_form!r}; valid: {', '.join(LOSS_FORMS)}")
    if cfg.teacher.ckpt is not None and not Path(cfg.teacher.ckpt).is_file():
        raise FileNotFoundError(f"teacher.ckpt {cfg.teacher.ckpt!r} does not exist")


# ------------------------------------------------------------------------------------ data
def row_normalize(x: Tensor) -> Tensor:
    """Rows scaled to unit L1 norm (all-zero rows stay zero), as DHG does for these features."""
    s = x.abs().sum(1, keepdim=True)
    return x / torch.where(s > 0, s, torch.ones_like(s))


def production_split(
    data: Hypergraph, test_ind_ratio: float, seed: int, remove_duplicates: bool = True
) -> tuple[Hypergraph, Tensor]:
    """Hold out ``test_ind_ratio`` of the test nodes (seeded).

    Returns the observed sub-hypergraph (train ∪ val ∪ remaining test nodes, re-indexed, with
    their masks; hyperedges restricted to observed nodes, emptied ones dropped, duplicates merged
    when asked, then a singleton for each isolated node, i.e. the authors' ``fix_iso_v``) and
    the boolean ``[N]`` mask of the held-out (inductive) nodes in the full graph.
    """
    test = data.test_mask.nonzero().view(-1)
    g = torch.Generator().manual_seed(int(seed))
    perm = test[torch.randperm(test.numel(), generator=g)]
    ind_mask = torch.zeros(data.num_nodes, dtype=torch.bool)
    ind_mask[perm[: int(test.numel() * test_ind_ratio)]] = True
    sub = subhypergraph(data, ~ind_mask)
    del sub.hyperedge_id  # refers to the full graph and would go stale below
    if remove_duplicates:
        sub = remove_duplicate_hyperedges(sub, reduce="mean")
    sub = add_singleton_hyperedges(sub, mode="isolated")
    return sub, ind_mask


# ---------------------------------------------------------------------------------- stages
def _fit(module: pl.LightningModule, data: Hypergraph, trainer_cfg: DictConfig, stage_dir: Path) -> float:
    """Fit ``module`` on ``data``; load its best-validation weights; return that validation accuracy."""
    trainer, ckpt = build_trainer(trainer_cfg, stage_dir, monitor="val_acc", mode="max")
    trainer.fit(module, datamodule=FullBatchDataModule(data))
    if ckpt.best_model_path:
        state = torch.load(ckpt.best_model_path, map_location="cpu", weights_only=False)["state_dict"]
        module.load_state_dict(state)
    return float(ckpt.best_model_score) if ckpt.best_model_score is not None else float("nan")


def _load_teacher(model: torch.nn.Module, path: str) -> None:
    state = torch.load(path, map_location="cpu", weights_only=False)
    state = state.get("state_dict", state)
    if any(k.startswith("model.") for k in state):  # a NodeClassification checkpoint
        state = {k[len("model."):]: v for k, v in state.items() if k.startswith("model.")}
    model.load_state_dict(state)


@torch.no_grad()
def _teacher_out(model: torch.nn.Module, data: Hypergraph, x: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Teacher logits and hidden embedding in eval mode (on ``x`` instead of ``data.x`` if given)."""
    model.eval()
    x = data.x if x is None else x
    hw = data.get("hyperedge_weight")
    return model(x, data.hyperedge_index, hw, data.num_hyperedges, return_hidden=True)


@torch.no_grad()
def _student_out(model: torch.nn.Module, x: Tensor) -> tuple[Tensor, Tensor]:
    model.eval()
    return model(x, return_hidden=True)


def _acc(logits: Tensor, y: Tensor, mask: Tensor) -> float:
    return float((logits[mask].argmax(-1) == y[mask]).float().mean())


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    if ckpt_path is not None:
        raise ValueError(
            "the distillation task trains several models per seed and does not resume from "
            "ckpt_path; give a trained teacher with teacher.ckpt=PATH instead"
        )
    pl.seed_everything(seed, workers=True, verbose=False)
    data = prepare_node_data(cfg, seed)
    if cfg.features.normalize == "row":
        data.x = row_normalize(data.x)
    num_classes = int(data.get("num_classes") or int(data.y.max()) + 1)
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
            r["trans"] = _acc(logits_obs, train_data.y, train_data.test_mask)
            r["ind"] = _acc(logits_full, data.y, ind_mask)
            r["prod"] = _acc(logits_full, data.y, data.test_mask)
        else:
            r["test"] = _acc(logits_obs, train_data.y, train_data.test_mask)
        r["topo"] = topology_score(hidden, train_data.hyperedge_index, train_data.num_hyperedges)
        accs[name] = r

    # 1. teacher
    pl.seed_everything(seed, workers=True, verbose=False)
    cached = "cached" in inspect.signature(MODELS.get(cfg.teacher.model.name).__init__).parameters
    teacher = build_model(cfg.teacher.model, in_dim, num_classes, **({"cached": True} if cached else {}))
    if cfg.teacher.ckpt is not None:
        _load_teacher(teacher, cfg.teacher.ckpt)
    else:
        module = NodeClassification(teacher, num_classes, cfg.teacher.lr, cfg.teacher.weight_decay)
        _fit(module, train_data, cfg.trainer, seed_dir / "hgnn")
    t_logits, t_hidden = _teacher_out(teacher, train_data)  # soft labels: once, eval mode
    t_val = _acc(t_logits, train_data.y, train_data.val_mask)
    t_full = _teacher_out(teacher, data)[0] if production else None
    report("hgnn", t_val, t_logits, t_full, t_hidden)

    # 2. students
    def teacher_fn(x: Tensor) -> Tensor:
        return _teacher_out(teacher, train_data, x)[0]

    for method in d.methods:
        pl.seed_everything(seed, workers=True, verbose=False)
        student = build_model(cfg.student.model, in_dim, num_classes)
        if method == "mlp":
            module = NodeClassification(student, num_classes, cfg.student.lr, cfg.student.weight_decay)
        else:
            rho = None
            if method == "lighthgnn_plus":
                gen = torch.Generator().manual_seed(seed)
                rho = reliability_score(
                    teacher_fn, train_data.x, train_data.hyperedge_index, train_data.num_hyperedges,
                    float(d.noise_level), gen,
                )
                out["mean_reliability"] = float(rho.mean())
            module = Distillation(
                student, t_logits, num_classes, lam=float(d.lam), tau=float(d.tau), loss_form=d.loss_form,
                reliability=rho, lr=cfg.student.lr, weight_decay=cfg.student.weight_decay, sample_seed=seed,
            )
        val = _fit(module, train_data, cfg.trainer, seed_dir / method)
        s_logits, s_hidden = _student_out(student, train_data.x)
        s_full = _student_out(student, data.x)[0] if production else None
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


register_task(
    TaskSpec(
        name="distillation",
        defaults=OmegaConf.to_container(OmegaConf.create(DEFAULTS)),
        run=run,
        open_sections=("dataset", "teacher", "student", "trainer"),
        validate=validate,
    )
)
