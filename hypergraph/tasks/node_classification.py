"""Full-batch node classification on one hypergraph (HGNN, HGNN+, MLP, ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from omegaconf import DictConfig, OmegaConf
from torch import Tensor
from torch.utils.data import DataLoader, Dataset
from torchmetrics.classification import MulticlassAccuracy

import hypergraph.datasets  # noqa: F401  (registers datasets)
import hypergraph.nn.models  # noqa: F401  (registers models)
from hypergraph.data.features import FEATURE_KINDS, structural_features
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.transforms import add_singleton_hyperedges, remove_duplicate_hyperedges
from hypergraph.datasets.splits import fixed_split, per_class_split, random_split
from hypergraph.registry import DATASETS, MODELS, check_kwargs
from hypergraph.tasks.base import TRAINER_DEFAULTS, TaskSpec, build_trainer, register_task, validate_trainer

SPLIT_KINDS = ("random", "per_class", "fixed")
SELF_LOOP_MODES = ("none", "isolated", "missing", "all")


class NodeClassification(pl.LightningModule):
    """Cross-entropy on the training nodes; accuracy on the train/val/test masks.

    ``model(x, hyperedge_index, hyperedge_weight, num_hyperedges)`` must return logits.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        num_classes: int,
        lr: float = 0.01,
        weight_decay: float = 5e-4,
    ) -> None:
        super().__init__()
        self.model = model
        self.lr = lr
        self.weight_decay = weight_decay
        self.train_acc = MulticlassAccuracy(num_classes, average="micro")
        self.val_acc = MulticlassAccuracy(num_classes, average="micro")
        self.test_acc = MulticlassAccuracy(num_classes, average="micro")

    def forward(self, data: Hypergraph) -> Tensor:
        return self.model(data.x, data.hyperedge_index, data.get("hyperedge_weight"), data.num_hyperedges)

    def _step(self, data: Hypergraph, mask: Tensor, metric: MulticlassAccuracy, stage: str) -> Tensor:
        out = self(data)
        loss = F.cross_entropy(out[mask], data.y[mask])
        metric(out[mask].argmax(-1), data.y[mask])
        bs = int(mask.sum())
        self.log(f"{stage}_loss", loss, prog_bar=stage != "test", batch_size=bs, sync_dist=True)
        self.log(f"{stage}_acc", metric, prog_bar=True, batch_size=bs)
        return loss

    def training_step(self, data: Hypergraph, batch_idx: int) -> Tensor:
        return self._step(data, data.train_mask, self.train_acc, "train")

    def validation_step(self, data: Hypergraph, batch_idx: int) -> None:
        self._step(data, data.val_mask, self.val_acc, "val")

    def test_step(self, data: Hypergraph, batch_idx: int) -> None:
        self._step(data, data.test_mask, self.test_acc, "test")

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=self.lr, weight_decay=self.weight_decay)


class _Single(Dataset):
    def __init__(self, data: Hypergraph) -> None:
        self.data = data

    def __len__(self) -> int:
        return 1

    def __getitem__(self, i: int) -> Hypergraph:
        return self.data


def _first(batch: list) -> Any:
    return batch[0]


class FullBatchDataModule(pl.LightningDataModule):
    """Serves the one hypergraph (with its masks) as a single batch for every stage."""

    def __init__(self, data: Hypergraph) -> None:
        super().__init__()
        self.data = data

    def _loader(self) -> DataLoader:
        return DataLoader(_Single(self.data), batch_size=1, collate_fn=_first)

    def train_dataloader(self) -> DataLoader:
        return self._loader()

    def val_dataloader(self) -> DataLoader:
        return self._loader()

    def test_dataloader(self) -> DataLoader:
        return self._loader()

    def transfer_batch_to_device(self, batch: Hypergraph, device: torch.device, dataloader_idx: int):
        return batch.to(device)


# ----------------------------------------------------------------------------- data setup
def load_dataset(dataset_cfg: DictConfig | dict) -> Hypergraph:
    """Instantiate the dataset named by ``dataset_cfg.name`` and return its hypergraph."""
    kwargs = dict(dataset_cfg)
    name = kwargs.pop("name")
    factory = DATASETS.get(name)
    check_kwargs(factory, kwargs, f"dataset '{name}'")
    return factory(**kwargs)[0]


def require_raw_features(data: Hypergraph, name: str) -> None:
    """Fail clearly when ``features.kind: raw`` is asked of a dataset without node features."""
    if data.get("x") is None:
        raise ValueError(
            f"dataset '{name}' has no node features in this copy; set features.kind to one of "
            f"{', '.join(k for k in FEATURE_KINDS if k != 'raw')} "
            "to train on structural features (results then say so)"
        )


def prepare_node_data(cfg: DictConfig, seed: int) -> Hypergraph:
    """Dataset → features → self-loops/duplicates → split masks, as the config says."""
    data = load_dataset(cfg.dataset)
    fkind = cfg.features.kind
    if fkind == "raw":
        require_raw_features(data, cfg.dataset.name)
    else:
        data.x = structural_features(data, fkind, dim=cfg.features.dim, seed=cfg.features.seed)
    if cfg.preprocess.remove_duplicates:
        data = remove_duplicate_hyperedges(data, reduce="mean")
    if cfg.preprocess.self_loops != "none":
        data = add_singleton_hyperedges(data, mode=cfg.preprocess.self_loops)
    s = cfg.split
    if s.kind == "random":
        masks = random_split(data.num_nodes, s.train, s.val, seed=seed)
    elif s.kind == "per_class":
        masks = per_class_split(data.y, s.num_train_per_class, s.num_val_per_class, seed=seed)
    else:
        if data.get("split_train") is None:
            raise ValueError(f"dataset '{cfg.dataset.name}' has no fixed splits")
        index = seed % data.split_train.size(0) if s.fixed_index is None else s.fixed_index
        masks = fixed_split(data.split_train, data.split_test, data.num_nodes, index, s.fixed_val_size, seed)
    for k, v in masks.items():
        data[k] = v
    for key in ("split_train", "split_test"):
        if key in data:
            del data[key]
    return data


def build_model(
    model_cfg: DictConfig | dict, in_channels: int, out_channels: int, **extra: Any
) -> torch.nn.Module:
    """Instantiate ``model_cfg.name`` with ``hidden`` (→ ``hidden_channels``) and its kwargs."""
    kwargs = dict(model_cfg)
    name = kwargs.pop("name")
    if "hidden" in kwargs:
        kwargs["hidden_channels"] = kwargs.pop("hidden")
    cls = MODELS.get(name)
    kwargs.update(extra)
    check_kwargs(cls.__init__, kwargs, f"model '{name}'", ignore=("in_channels", "out_channels"))
    return cls(in_channels=in_channels, out_channels=out_channels, **kwargs)


def validate_model(model_cfg: DictConfig) -> None:
    """Check ``model.name`` and its keyword arguments (``hidden`` stands for ``hidden_channels``)."""
    if "name" not in model_cfg:
        raise KeyError(f"model.name is required; valid models: {', '.join(MODELS.names())}")
    cls = MODELS.get(model_cfg.name)
    kw = {("hidden_channels" if k == "hidden" else k): v for k, v in model_cfg.items() if k != "name"}
    check_kwargs(cls.__init__, kw, f"model '{model_cfg.name}'", ignore=("in_channels", "out_channels"))


def validate_dataset(dataset_cfg: DictConfig) -> None:
    """Check ``dataset.name`` and the loader's keyword arguments."""
    if "name" not in dataset_cfg:
        raise KeyError(f"dataset.name is required; valid datasets: {', '.join(DATASETS.names())}")
    factory = DATASETS.get(dataset_cfg.name)
    kwargs = {k: v for k, v in dataset_cfg.items() if k != "name"}
    check_kwargs(factory, kwargs, f"dataset '{dataset_cfg.name}'")


def _accepts(cls: type, arg: str) -> bool:
    import inspect

    return arg in inspect.signature(cls.__init__).parameters


# ----------------------------------------------------------------------------------- task
DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "synthetic_hsbm"},
    "features": {"kind": "raw", "dim": 64, "seed": 0},
    "preprocess": {"self_loops": "isolated", "remove_duplicates": False},
    "split": {
        "kind": "random",
        "train": 0.5,
        "val": 0.25,
        "num_train_per_class": 20,
        "num_val_per_class": 100,
        "fixed_index": None,
        "fixed_val_size": 500,
    },
    "model": {"name": "hgnn", "hidden": 64, "num_layers": 2, "dropout": 0.5},
    "optim": {"lr": 0.01, "weight_decay": 5e-4},
    "trainer": dict(TRAINER_DEFAULTS, max_epochs=100),
}


def validate(cfg: DictConfig) -> None:
    validate_dataset(cfg.dataset)
    validate_model(cfg.model)
    validate_trainer(cfg.trainer)
    if cfg.split.kind not in SPLIT_KINDS:
        raise ValueError(f"unknown split.kind {cfg.split.kind!r}; valid: {', '.join(SPLIT_KINDS)}")
    if cfg.features.kind not in FEATURE_KINDS:
        raise ValueError(f"unknown features.kind {cfg.features.kind!r}; valid: {', '.join(FEATURE_KINDS)}")
    if cfg.preprocess.self_loops not in SELF_LOOP_MODES:
        raise ValueError(
            f"unknown preprocess.self_loops {cfg.preprocess.self_loops!r}; "
            f"valid: {', '.join(SELF_LOOP_MODES)}"
        )


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    pl.seed_everything(seed, workers=True, verbose=False)
    data = prepare_node_data(cfg, seed)
    num_classes = int(data.get("num_classes") or int(data.y.max()) + 1)
    cls = MODELS.get(cfg.model.name)
    extra = {"cached": True} if _accepts(cls, "cached") else {}
    pl.seed_everything(seed, workers=True, verbose=False)
    model = build_model(cfg.model, data.x.size(1), num_classes, **extra)
    module = NodeClassification(model, num_classes, cfg.optim.lr, cfg.optim.weight_decay)
    trainer, ckpt = build_trainer(cfg.trainer, seed_dir, monitor="val_acc", mode="max")
    dm = FullBatchDataModule(data)
    trainer.fit(module, datamodule=dm, ckpt_path=ckpt_path)
    best = ckpt.best_model_path or None
    test = trainer.test(module, datamodule=dm, ckpt_path=best, verbose=False)[0]
    val = trainer.validate(module, datamodule=dm, ckpt_path=best, verbose=False)[0]
    return {
        "val_acc": float(val["val_acc"]),
        "test_acc": float(test["test_acc"]),
        "best_epoch": float(_best_epoch(best)),
    }


def _best_epoch(path: str | None) -> int:
    if not path:
        return -1
    return int(torch.load(path, map_location="cpu", weights_only=False).get("epoch", -1))


register_task(
    TaskSpec(
        name="node_classification",
        defaults=OmegaConf.to_container(OmegaConf.create(DEFAULTS)),
        run=run,
        open_sections=("dataset", "model", "trainer"),
        validate=validate,
    )
)
