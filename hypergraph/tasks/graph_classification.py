"""Task ``graph_classification``: HyperDrop / HyperCluster / GCN on TU or OGB graphs.

Protocols (Jo et al., NeurIPS 2021, and the authors' code):

* **TU** (``dataset.kind: tu``): stratified 10-fold cross-validation.  The runner's *seeds are the
  folds*: seed ``k`` tests on fold ``k``, validates on fold ``k-1`` (mod the fold count) and trains on
  the other folds; ``seeds: [0, ..., 9]`` therefore runs the whole CV and the runner's printed
  ``test_acc mean ± std (10 seeds)`` is the mean ± (population) std over the 10 folds.  The folds
  come from ``StratifiedKFold(shuffle=True, random_state=dataset.split_seed)`` (the GIN/GMT
  ``10fold_idx`` files are not available offline).  The model is selected on the lowest
  validation loss, with early stopping (``optim.patience`` epochs).
* **OGB** (``dataset.kind: ogb``): the official scaffold split, ROC-AUC (or the dataset's metric)
  from ``ogb.graphproppred.Evaluator``, test at the best-validation-metric epoch; seeds are seeds.

Training: Adam, gradient clipping (``trainer.gradient_clip_val``), linear warm-up over
``optim.warmup_epochs`` epochs then cosine decay to ``trainer.max_epochs`` (per step).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
import torch.nn.functional as F
from lightning.pytorch.callbacks import EarlyStopping
from omegaconf import DictConfig, OmegaConf
from torch_geometric.loader import DataLoader

from hypergraph.registry import check_kwargs
from hypergraph.tasks.base import TRAINER_DEFAULTS, TaskSpec, build_trainer, register_task, validate_trainer

DATASET_KEYS = {
    "tu": {"kind", "name", "root", "use_node_attr", "use_edge_attr", "folds", "split_seed", "batch_size"},
    "ogb": {"kind", "name", "root", "meta_dict", "batch_size"},
}
MODEL_NAMES = ("hyperdrop", "gcn", "hypercluster")


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


class GraphClassification(pl.LightningModule):
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
        super().__init__()
        if task_type not in ("multiclass", "binary"):
            raise ValueError(f"task_type must be 'multiclass' or 'binary', got {task_type!r}")
        self.model = model
        self.task_type = task_type
        self.lr, self.weight_decay = lr, weight_decay
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


def build_model(
    model_cfg: dict,
    in_channels: int,
    edge_in_channels: int,
    out_channels: int,
    avg_edges: float,
    encoder: str,
) -> torch.nn.Module:
    """The network named by ``model_cfg["name"]`` (``hyperdrop``, ``gcn``, ``hypercluster``)."""
    from hypergraph.dual.models import HyperClusterNet, HyperDropNet, num_clusters_for

    kw = dict(model_cfg)
    name = kw.pop("name")
    common = dict(
        in_channels=in_channels, edge_in_channels=edge_in_channels, out_channels=out_channels, encoder=encoder
    )
    if name == "hypercluster":
        ratio = kw.pop("cluster_ratio", 0.25)
        return HyperClusterNet(**common, num_clusters=num_clusters_for(ratio, avg_edges), **kw)
    if name == "gcn":
        kw["use_ehgnn"] = False
    return HyperDropNet(**common, **kw)


def _validate_model(model_cfg: dict) -> None:
    from hypergraph.dual.models import HyperClusterNet, HyperDropNet

    kw = dict(model_cfg)
    name = kw.pop("name", None)
    if name not in MODEL_NAMES:
        raise ValueError(f"model.name must be one of {', '.join(MODEL_NAMES)}, got {name!r}")
    fixed = ("in_channels", "edge_in_channels", "out_channels", "encoder", "num_clusters")
    bad = sorted(set(kw) & set(fixed))
    if bad:
        raise KeyError(f"model key(s) {bad} are set from the dataset, remove them")
    if name == "hypercluster":
        kw.pop("cluster_ratio", None)
        check_kwargs(HyperClusterNet.__init__, kw, "model 'hypercluster'", ignore=fixed)
    else:
        if name == "gcn":
            if "use_ehgnn" in kw:
                raise KeyError("model 'gcn' has no key 'use_ehgnn' (it is HyperDropNet with use_ehgnn=False)")
        check_kwargs(HyperDropNet.__init__, kw, f"model {name!r}", ignore=fixed)


def validate(cfg: DictConfig) -> None:
    ds = OmegaConf.to_container(cfg.dataset, resolve=True)
    kind = ds.get("kind")
    if kind not in DATASET_KEYS:
        raise ValueError(f"dataset.kind must be one of {', '.join(DATASET_KEYS)}, got {kind!r}")
    unknown = sorted(set(ds) - DATASET_KEYS[kind])
    if unknown:
        raise KeyError(
            f"unknown key(s) {unknown} in dataset (kind {kind}); valid: "
            f"{', '.join(sorted(DATASET_KEYS[kind]))}"
        )
    if kind == "tu":
        folds = int(ds.get("folds", 10))
        bad = [s for s in cfg.seeds if not 0 <= int(s) < folds]
        if bad:
            raise ValueError(f"for TU cross-validation the seeds are fold indices in [0, {folds}); got {bad}")
    _validate_model(OmegaConf.to_container(cfg.model, resolve=True))
    validate_trainer(cfg.trainer)


def _prepare(cfg: DictConfig, seed: int) -> dict[str, Any]:
    """Datasets, splits and sizes for one run (TU fold ``seed`` or OGB)."""
    ds_cfg = OmegaConf.to_container(cfg.dataset, resolve=True)
    if ds_cfg["kind"] == "tu":
        from hypergraph.datasets.tu import load_tu

        ds = load_tu(
            ds_cfg["name"],
            ds_cfg.get("root"),
            use_node_attr=ds_cfg.get("use_node_attr", False),
            use_edge_attr=ds_cfg.get("use_edge_attr", True),
        )
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
        from hypergraph.datasets.ogb_graph import load_ogbg, ogb_evaluator

        meta = ds_cfg.get("meta_dict")
        ds, split = load_ogbg(ds_cfg["name"], ds_cfg.get("root"), meta_dict=meta)
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
    pl.seed_everything(int(seed) + 1000 * int(cfg.dataset.get("split_seed", 0) or 0), workers=True)
    prep = _prepare(cfg, int(seed))
    graphs, split = prep["graphs"], prep["split"]
    bs = int(cfg.dataset.get("batch_size", 128))
    loaders = {
        k: DataLoader([graphs[i] for i in split[k]], batch_size=bs, shuffle=(k == "train"))
        for k in ("train", "valid", "test")
    }
    model = build_model(
        OmegaConf.to_container(cfg.model, resolve=True),
        prep["in_channels"],
        prep["edge_in_channels"],
        prep["out_channels"],
        prep["avg_edges"],
        prep["encoder"],
    )
    steps = len(loaders["train"])
    max_epochs = int(cfg.trainer.get("max_epochs", 500))
    module = GraphClassification(
        model,
        prep["task_type"],
        lr=float(cfg.optim.lr),
        weight_decay=float(cfg.optim.weight_decay),
        warmup_steps=int(cfg.optim.warmup_epochs) * steps,
        total_steps=max_epochs * steps,
        evaluator=prep["evaluator"],
    )
    monitor, mode = prep["monitor"]
    callbacks = []
    if cfg.optim.patience:
        callbacks.append(EarlyStopping(monitor=monitor, mode=mode, patience=int(cfg.optim.patience)))
    trainer, ckpt = build_trainer(cfg.trainer, seed_dir, monitor=monitor, mode=mode, callbacks=callbacks)
    trainer.fit(module, loaders["train"], loaders["valid"], ckpt_path=ckpt_path)
    best = ckpt.best_model_path or None
    val = trainer.validate(module, loaders["valid"], ckpt_path=best, verbose=False)[0]
    test = trainer.test(module, loaders["test"], ckpt_path=best, verbose=False)[0]
    metric = prep["metric"]
    best_epoch = _best_epoch(ckpt)
    return {
        f"test_{metric}": float(test[f"test_{metric}"]),
        f"val_{metric}": float(val[f"val_{metric}"]),
        "val_loss": float(val["val_loss"]),
        "best_epoch": float(best_epoch),
        "epochs": float(trainer.current_epoch),
    }


def _best_epoch(ckpt) -> int:
    if not ckpt.best_model_path:
        return -1
    try:
        return int(torch.load(ckpt.best_model_path, map_location="cpu", weights_only=True)["epoch"])
    except Exception:  # noqa: BLE001 - only a diagnostic
        return -1


DEFAULTS: dict[str, Any] = {
    "dataset": {"kind": "tu", "name": "MUTAG", "root": None, "batch_size": 128},
    "model": {"name": "hyperdrop", "hidden": 128, "num_layers": 3, "dropout": 0.5},
    "optim": {"lr": 5e-4, "weight_decay": 1e-4, "warmup_epochs": 50, "patience": 50},
    "trainer": {
        **TRAINER_DEFAULTS,
        "max_epochs": 500,
        "gradient_clip_val": 1.0,
        "enable_progress_bar": False,
        "log_every_n_steps": 50,
    },
}

register_task(
    TaskSpec(
        name="graph_classification",
        defaults=DEFAULTS,
        run=run,
        open_sections=("dataset", "model", "trainer"),
        validate=validate,
    )
)
