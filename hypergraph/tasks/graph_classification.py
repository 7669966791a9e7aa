"""Task ``graph_classification``: HyperDrop / HyperCluster / GCN on TU or OGB graphs.

Protocols (Jo et al., NeurIPS 2021, and the authors' code):

* **TU** (any TU name or TU-format folder): stratified 10-fold cross-validation.  The runner's *seeds are the
  folds*: seed ``k`` tests on fold ``k``, validates on fold ``k-1`` (mod the fold count) and trains on
  the other folds; ``seeds: [0, ..., 9]`` therefore runs the whole CV and the runner's printed
  ``test_acc mean ± std (10 seeds)`` is the mean ± (population) std over the 10 folds.  The folds
  come from ``StratifiedKFold(shuffle=True, random_state=dataset.split_seed)`` (the GIN/GMT
  ``10fold_idx`` files are not available offline).  The model is selected on the lowest
  validation loss, with early stopping (``optim.patience`` epochs).
* **OGB** (``ogbg-*`` names): the official scaffold split, ROC-AUC (or the dataset's metric)
  from ``ogb.graphproppred.Evaluator``, test at the best-validation-metric epoch; seeds are seeds.

Models are ``hyperdrop``, ``gcn`` (HyperDropNet without the edge branch) and ``hypercluster``
(``model.cluster_ratio`` sets ``ceil(ratio * average #edges)`` clusters).  ``dataset.batch_size``,
``dataset.folds`` and ``dataset.split_seed`` belong to the task; the other ``dataset`` keys go to
the loader.  Training: Adam, gradient clipping (``trainer.gradient_clip_val``), linear warm-up over
``optim.warmup_epochs`` epochs then cosine decay to ``trainer.max_epochs`` (per step).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from lightning.pytorch.callbacks import EarlyStopping
from omegaconf import DictConfig, OmegaConf
from torch_geometric.loader import DataLoader

from hypergraph.nn.models.dual import num_clusters_for
from hypergraph.tasks.base import (
    TRAINER_DEFAULTS,
    AdamModule,
    LoaderDataModule,
    TaskSpec,
    build_model,
    check_choice,
    fit_then_test,
    load_dataset,
    model_class,
    seed_everything,
    validate_dataset,
    validate_trainer,
)

TASK_DATASET_KEYS = ("batch_size", "folds", "split_seed")  # the task's; the rest go to the loader
MODEL_NAMES = ("hyperdrop", "gcn", "hypercluster")
DATA_SIZES = ("in_channels", "edge_in_channels", "out_channels", "encoder", "num_clusters")


def tu_fold_indices(
    labels: np.ndarray, fold: int, folds: int = 10, split_seed: int = 0
) -> dict[str, np.ndarray]:
    """Train / validation / test indices of CV fold ``fold``: test = fold ``fold``, validation =
    fold ``fold - 1`` (mod ``folds``), train = the remaining folds (stratified, shuffled)."""
    from sklearn.model_selection import StratifiedKFold

    if not 0 <= fold < folds:
        raise ValueError(f"fold {fold} not in [0, {folds})")
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=split_seed)
    tests = [t for _, t in skf.split(np.zeros(len(labels)), labels)]
    test, val = tests[fold], tests[(fold - 1) % folds]
    mask = np.ones(len(labels), dtype=bool)
    mask[test] = False
    mask[val] = False
    return {"train": np.nonzero(mask)[0], "valid": np.sort(val), "test": np.sort(test)}


class GraphClassification(AdamModule):
    """Mini-batch graph classification around any ``model(batch) -> logits``.

    ``task_type="multiclass"``: cross-entropy (= log_softmax + NLL), accuracy.
    ``task_type="binary"``: BCE-with-logits on the labelled targets (NaN = unlabelled), metric from
    the OGB ``evaluator`` (e.g. ROC-AUC).  Validation/test losses are means over graphs.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        task_type: str = "multiclass",
        lr: float = 5e-4,
        weight_decay: float = 1e-4,
        warmup_steps: int = 0,
        total_steps: int = 1,
        evaluator: Any = None,
    ) -> None:
        super().__init__(lr, weight_decay)
        if task_type not in ("multiclass", "binary"):
            raise ValueError(f"task_type must be 'multiclass' or 'binary', got {task_type!r}")
        self.model = model
        self.task_type = task_type
        self.warmup_steps, self.total_steps = warmup_steps, max(total_steps, 1)
        self.evaluator = evaluator
        self._buf: dict[str, list] = {}

    def forward(self, batch) -> torch.Tensor:
        return self.model(batch)

    def _loss(self, out: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        if self.task_type == "multiclass":
            return F.cross_entropy(out, y.view(-1), reduction=reduction)
        y = y.view(out.shape).float()
        labelled = ~torch.isnan(y)
        loss = F.binary_cross_entropy_with_logits(out[labelled], y[labelled], reduction="sum")
        return loss / labelled.sum().clamp(min=1) if reduction == "mean" else loss

    def training_step(self, batch, batch_idx: int) -> torch.Tensor:
        loss = self._loss(self(batch), batch.y)
        self.log("train_loss", loss, batch_size=batch.num_graphs, on_epoch=True, on_step=False)
        return loss

    def _eval_step(self, batch, stage: str) -> None:
        out = self(batch)
        buf = self._buf.setdefault(stage, [])
        buf.append((out.detach(), batch.y.detach()))

    def validation_step(self, batch, batch_idx: int) -> None:
        self._eval_step(batch, "val")

    def test_step(self, batch, batch_idx: int) -> None:
        self._eval_step(batch, "test")

    def _eval_end(self, stage: str) -> None:
        buf = self._buf.pop(stage, [])
        if not buf:
            return
        out = torch.cat([o for o, _ in buf])
        y = torch.cat([t.view(o.size(0), -1) for o, t in buf])
        if self.task_type == "multiclass":
            n = out.size(0)
            self.log(f"{stage}_loss", self._loss(out, y, "sum") / n)
            self.log(f"{stage}_acc", (out.argmax(-1) == y.view(-1)).float().mean())
        else:
            self.log(f"{stage}_loss", self._loss(out, y))
            res = self.evaluator.eval(
                {"y_true": y.view(out.shape).cpu().numpy(), "y_pred": out.cpu().numpy()}
            )
            for k, v in res.items():
                self.log(f"{stage}_{k}", float(v))

    def on_validation_epoch_end(self) -> None:
        self._eval_end("val")

    def on_test_epoch_end(self) -> None:
        self._eval_end("test")

    def configure_optimizers(self):
        opt = torch.optim.Adam(self.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        warm, total = self.warmup_steps, self.total_steps

        def factor(step: int) -> float:
            if warm > 0 and step < warm:
                return (step + 1) / warm
            progress = min(1.0, (step - warm) / max(1, total - warm))
            return 0.5 * (1.0 + math.cos(math.pi * progress))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}


def is_ogb(name: str) -> bool:
    return str(name).startswith("ogbg-")


def validate(cfg: DictConfig) -> None:
    ds = OmegaConf.to_container(cfg.dataset, resolve=True)
    validate_dataset(OmegaConf.create({k: v for k, v in ds.items() if k not in TASK_DATASET_KEYS}))
    if is_ogb(ds.get("name", "")):
        bad = sorted(set(ds) & {"folds", "split_seed"})
        if bad:
            raise KeyError(
                f"dataset key(s) {bad} are for TU cross-validation; OGB sets use the official split"
            )
    else:
        folds = int(ds.get("folds", 10))
        bad = [s for s in cfg.seeds if not 0 <= int(s) < folds]
        if bad:
            raise ValueError(f"for TU cross-validation the seeds are fold indices in [0, {folds}); got {bad}")
    check_choice(cfg.model.get("name"), MODEL_NAMES, "model.name for graph classification")
    given = sorted(set(cfg.model) & set(DATA_SIZES))
    if given:
        raise KeyError(f"model key(s) {given} are set from the dataset, remove them")
    ignore = DATA_SIZES + (("cluster_ratio",) if cfg.model.name == "hypercluster" else ())
    model_class(cfg.model, ignore=ignore)
    validate_trainer(cfg.trainer)


def _prepare(cfg: DictConfig, seed: int) -> dict[str, Any]:
    """Datasets, splits and sizes for one run (TU fold ``seed`` or OGB)."""
    ds_cfg = OmegaConf.to_container(cfg.dataset, resolve=True)
    loaded = load_dataset({k: v for k, v in ds_cfg.items() if k not in TASK_DATASET_KEYS})
    if not is_ogb(ds_cfg["name"]):
        ds = loaded
        graphs = [ds[i] for i in range(len(ds))]  # materialise once (applies degree features)
        labels = np.array([int(g.y) for g in graphs])
        idx = tu_fold_indices(labels, seed, int(ds_cfg.get("folds", 10)), int(ds_cfg.get("split_seed", 0)))
        first = graphs[0]
        e_dim = 0 if first.get("edge_attr", None) is None else int(first.edge_attr.size(-1))
        out = dict(
            graphs=graphs,
            split=idx,
            in_channels=int(first.x.size(-1)),
            edge_in_channels=e_dim,
            out_channels=int(labels.max()) + 1,
            task_type="multiclass",
            evaluator=None,
            encoder="none",
            metric="acc",
            monitor=("val_loss", "min"),
        )
    else:
        from hypergraph.datasets.ogb_graph import ogb_evaluator

        meta = ds_cfg.get("meta_dict")
        ds = loaded
        split = ds.get_idx_split()
        graphs = [ds[i] for i in range(len(ds))]
        ev = ogb_evaluator(meta.get("name", ds_cfg["name"]) if meta else ds_cfg["name"])
        metric = ev.eval_metric
        out = dict(
            graphs=graphs,
            split={k: v.numpy() for k, v in split.items()},
            in_channels=0,
            edge_in_channels=0,
            out_channels=int(ds.num_tasks),
            task_type="binary",
            evaluator=ev,
            encoder="ogb",
            metric=metric,
            monitor=(f"val_{metric}", "max"),
        )
    out["avg_edges"] = float(np.mean([g.edge_index.size(1) for g in graphs]))
    return out


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    seed_everything(int(seed) + 1000 * int(cfg.dataset.get("split_seed", 0) or 0))
    prep = _prepare(cfg, int(seed))
    graphs, split = prep["graphs"], prep["split"]
    bs = int(cfg.dataset.get("batch_size", 128))
    loaders = [
        DataLoader([graphs[i] for i in split[k]], batch_size=bs, shuffle=(k == "train"))
        for k in ("train", "valid", "test")
    ]
    kwargs = OmegaConf.to_container(cfg.model, resolve=True)
    sizes = {k: prep[k] for k in ("in_channels", "edge_in_channels", "out_channels", "encoder")}
    if kwargs["name"] == "hypercluster":
        sizes["num_clusters"] = num_clusters_for(kwargs.pop("cluster_ratio", 0.25), prep["avg_edges"])
    model = build_model(kwargs, **sizes)
    steps = len(loaders[0])
    module = GraphClassification(
        model,
        prep["task_type"],
        lr=float(cfg.optim.lr),
        weight_decay=float(cfg.optim.weight_decay),
        warmup_steps=int(cfg.optim.warmup_epochs) * steps,
        total_steps=int(cfg.trainer.get("max_epochs", 500)) * steps,
        evaluator=prep["evaluator"],
    )
    monitor, mode = prep["monitor"]
    callbacks = []
    if cfg.optim.patience:
        callbacks.append(EarlyStopping(monitor=monitor, mode=mode, patience=int(cfg.optim.patience)))
    res = fit_then_test(
        module, LoaderDataModule(*loaders), cfg.trainer, seed_dir, ckpt_path, monitor, mode, callbacks, True
    )
    metric = prep["metric"]
    keys = (f"test_{metric}", f"val_{metric}", "val_loss", "best_epoch", "epochs")
    return {k: res[k] for k in keys}


DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "MUTAG", "root": None, "batch_size": 128},
    "model": {"name": "hyperdrop", "hidden_channels": 128, "num_layers": 3, "dropout": 0.5},
    "optim": {"lr": 5e-4, "weight_decay": 1e-4, "warmup_epochs": 50, "patience": 50},
    "trainer": {
        **TRAINER_DEFAULTS,
        "max_epochs": 500,
        "gradient_clip_val": 1.0,
        "log_every_n_steps": 50,
    },
}

TASK = TaskSpec("graph_classification", DEFAULTS, run, ("dataset", "model", "trainer"), validate)
