"""The shared skeleton of node-level tasks (``node_classification``, ``distillation``): the
dataset / features / preprocessing / split sections, their checks, the data they prepare, and
the node-classification LightningModule that trains every node model (and LightHGNN's teacher).
"""

from __future__ import annotations

import time
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from omegaconf import DictConfig, ListConfig, OmegaConf
from torch import Tensor
from torch.utils.data import DataLoader
from torchmetrics.classification import MulticlassAccuracy

from hypergraph.data.features import FEATURE_KINDS, structural_features
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.splits import fixed_split, per_class_split, random_split
from hypergraph.data.transforms import add_singleton_hyperedges, remove_duplicate_hyperedges
from hypergraph.tasks.base import (
    RUN_SEED,
    AdamModule,
    FullBatchDataModule,
    check_choice,
    load_dataset,
    validate_dataset,
)

SPLIT_KINDS = ("random", "per_class", "fixed")
LOADER_KINDS = ("full", "neighbor", "cluster")
SELF_LOOP_MODES = ("none", "isolated", "missing", "all")

LOADER_DEFAULTS: dict[str, Any] = {
    "kind": "full",  # full | neighbor (HypergraphNeighborLoader) | cluster (HypergraphClusterLoader)
    "batch_size": 256,  # neighbor: seed (training) nodes per batch
    "num_neighbors": [10, 10],  # neighbor: per hop, k (or [k_e, k_v]); -1 = all
    "num_parts": 32,  # cluster: partitions of the nodes
    "parts_per_batch": 4,  # cluster: partitions per batch
    "partition": "auto",  # cluster: metis (pymetis), bfs (no extra package), random, auto
}

NODE_DEFAULTS: dict[str, Any] = {
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
}


class NodeClassification(AdamModule):
    """Cross-entropy on the training nodes; accuracy on the train/val/test masks.

    ``model(x, hyperedge_index, hyperedge_weight, num_hyperedges)`` must return logits.  After
    testing, :attr:`test_predictions` holds the predicted class of every node.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        num_classes: int,
        lr: float = 0.01,
        weight_decay: float = 5e-4,
    ) -> None:
        super().__init__(lr, weight_decay)
        self.model = model
        self.train_acc = MulticlassAccuracy(num_classes, average="micro")
        self.val_acc = MulticlassAccuracy(num_classes, average="micro")
        self.test_acc = MulticlassAccuracy(num_classes, average="micro")
        self.test_predictions: Tensor | None = None
        self._seen, self._t0 = 0, time.perf_counter()

    def forward(self, data: Hypergraph) -> Tensor:
        return self.model(data.x, data.hyperedge_index, data.get("hyperedge_weight"), data.num_hyperedges)

    def _step(self, data: Hypergraph, mask: Tensor, metric: MulticlassAccuracy, stage: str) -> Tensor:
        out = self(data)
        loss = F.cross_entropy(out[mask], data.y[mask])
        metric(out[mask].argmax(-1), data.y[mask])
        bs = int(mask.sum())
        self.log(f"{stage}_loss", loss, prog_bar=stage != "test", batch_size=bs, sync_dist=True)
        self.log(f"{stage}_acc", metric, prog_bar=True, batch_size=bs)
        if stage == "test":
            self.test_predictions = out.argmax(-1).detach().cpu()
        return loss

    def training_step(self, data: Hypergraph, batch_idx: int) -> Tensor:
        if data.get("n_id") is not None and data.get("part_id") is None:  # neighbour batch: seeds first
            mask = torch.zeros(data.num_nodes, dtype=torch.bool, device=data.y.device)
            mask[: int(data.batch_size)] = True
            self._seen += int(data.batch_size)
            return self._step(data, mask, self.train_acc, "train")
        self._seen += int(data.train_mask.sum())
        return self._step(data, data.train_mask, self.train_acc, "train")

    def on_train_epoch_start(self) -> None:
        self._seen, self._t0 = 0, time.perf_counter()

    def on_train_epoch_end(self) -> None:
        rate = self._seen / max(time.perf_counter() - self._t0, 1e-9)
        self.log("train_seeds_per_s", rate, batch_size=1, sync_dist=True, reduce_fx="sum")

    def validation_step(self, data: Hypergraph, batch_idx: int) -> None:
        self._step(data, data.val_mask, self.val_acc, "val")

    def test_step(self, data: Hypergraph, batch_idx: int) -> None:
        self._step(data, data.test_mask, self.test_acc, "test")


def num_classes_of(data: Hypergraph) -> int:
    """The number of classes; every label must lie in ``[0, num_classes)``."""
    if data.get("y") is None:
        raise ValueError("the dataset has no node labels (y); node-level tasks need them")
    y = data.y
    c = int(data.get("num_classes") or int(y.max()) + 1)
    bad = ((y < 0) | (y >= c)).nonzero().view(-1)
    if bad.numel():
        v = int(bad[0])
        raise ValueError(f"node {v} has label {int(y[v])}, outside [0, {c}) (num_classes = {c})")
    return c


def validate_node_sections(cfg: DictConfig) -> None:
    """Check the ``dataset``, ``features``, ``preprocess``, ``split`` (and ``loader``) sections."""
    validate_dataset(cfg.dataset)
    if "loader" in cfg:
        check_choice(cfg.loader.kind, LOADER_KINDS, "loader.kind")
    check_choice(cfg.split.kind, SPLIT_KINDS, "split.kind")
    check_choice(cfg.features.kind, FEATURE_KINDS, "features.kind")
    check_choice(cfg.preprocess.self_loops, SELF_LOOP_MODES, "preprocess.self_loops")


def require_raw_features(data: Hypergraph, name: str) -> None:
    """Fail clearly when ``features.kind: raw`` is asked of a dataset without node features."""
    if data.get("x") is None:
        raise ValueError(
            f"dataset '{name}' has no node features in this copy; set features.kind to one of "
            f"{', '.join(k for k in FEATURE_KINDS if k != 'raw')} "
            "to train on structural features (results then say so)"
        )


def load_hypergraph(dataset_cfg: DictConfig, seed: int) -> Hypergraph:
    """The node-level hypergraph named by the ``dataset`` section (a loader may return a PyG
    dataset holding it); ``feature_seed: seed`` becomes the run's ``seed``."""
    if dataset_cfg.get("feature_seed") == RUN_SEED:
        dataset_cfg = OmegaConf.merge(dataset_cfg, {"feature_seed": int(seed)})
    data = load_dataset(dataset_cfg)
    if not isinstance(data, Hypergraph) and hasattr(data, "__getitem__") and hasattr(data, "__len__"):
        data = data[0]
    if not isinstance(data, Hypergraph):
        raise ValueError(
            f"dataset '{dataset_cfg.name}' is not a node-level hypergraph (its loader returns "
            f"{type(data).__name__}); this task needs one"
        )
    return data


def prepare_node_data(cfg: DictConfig, seed: int) -> Hypergraph:
    """Dataset → features → self-loops/duplicates → split masks, as the config says
    (``dataset.feature_seed: seed`` draws a loader's synthetic features anew for each run)."""
    data = load_hypergraph(cfg.dataset, seed)
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


def minibatch_trainer_cfg(trainer_cfg: DictConfig, loader_cfg: DictConfig | None) -> DictConfig:
    """``trainer_cfg`` for a :class:`NodeDataModule`: the mini-batch loaders split the training
    nodes over DDP ranks themselves, so Lightning must not swap in a distributed sampler."""
    if loader_cfg is None or loader_cfg.kind == "full":
        return trainer_cfg
    return OmegaConf.merge(trainer_cfg, {"use_distributed_sampler": False})


class NodeDataModule(pl.LightningDataModule):
    """Training batches as ``loader.kind`` says — the whole hypergraph (``full``), neighbour
    samples around the training nodes (``neighbor``), or unions of node partitions
    (``cluster``) — and the whole hypergraph for validation and test.

    Under DDP each rank draws its own seed nodes (every ``world_size``-th training node from its
    rank) or its own batches of partitions (every ``world_size``-th batch of the epoch's order,
    the same on every rank; the batch list padded by repeating its first batches so that every
    rank runs as many steps); metrics are reduced across ranks by torchmetrics.  Train with
    :func:`minibatch_trainer_cfg` so that Lightning leaves these loaders' samplers alone.
    """

    def __init__(self, data: Hypergraph, loader_cfg: DictConfig | None, seed: int) -> None:
        super().__init__()
        self.data, self.cfg, self.seed = data, loader_cfg, int(seed)
        self.kind = "full" if loader_cfg is None else loader_cfg.kind

    def _full(self) -> DataLoader:
        return FullBatchDataModule(self.data).train_dataloader()

    def _rank(self) -> tuple[int, int]:
        t = self.trainer
        return (int(t.global_rank), int(t.world_size)) if t is not None else (0, 1)

    def train_dataloader(self) -> DataLoader:
        from hypergraph.loader import HypergraphClusterLoader, HypergraphNeighborLoader

        rank, world = self._rank()
        c = self.cfg
        if self.kind == "neighbor":
            seeds = self.data.train_mask.nonzero().view(-1)[rank::world]
            nn = [list(k) if isinstance(k, (list, tuple, ListConfig)) else int(k) for k in c.num_neighbors]
            return HypergraphNeighborLoader(
                self.data,
                nn,
                batch_size=int(c.batch_size),
                shuffle=True,
                input_nodes=seeds,
                seed=self.seed + rank,
            )
        if self.kind == "cluster":
            return HypergraphClusterLoader(
                self.data, int(c.num_parts), int(c.parts_per_batch), shuffle=True, seed=self.seed,
                method=str(c.partition), rank=rank, world_size=world,
            )  # fmt: skip
        return self._full()

    def val_dataloader(self) -> DataLoader:
        return self._full()

    def test_dataloader(self) -> DataLoader:
        return self._full()

    def transfer_batch_to_device(self, batch: Any, device: torch.device, dataloader_idx: int) -> Any:
        return batch.to(device)
