"""The shared skeleton of node-level tasks (``node_classification``, ``distillation``): the
dataset / features / preprocessing / split sections, their checks, the data they prepare, and
the node-classification LightningModule that trains every node model (and LightHGNN's teacher).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from omegaconf import DictConfig
from torch import Tensor
from torchmetrics.classification import MulticlassAccuracy

from hypergraph.data.features import FEATURE_KINDS, structural_features
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.splits import fixed_split, per_class_split, random_split
from hypergraph.data.transforms import add_singleton_hyperedges, remove_duplicate_hyperedges
from hypergraph.tasks.base import AdamModule, check_choice, load_dataset, validate_dataset

SPLIT_KINDS = ("random", "per_class", "fixed")
SELF_LOOP_MODES = ("none", "isolated", "missing", "all")

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
        return self._step(data, data.train_mask, self.train_acc, "train")

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
    """Check the ``dataset``, ``features``, ``preprocess`` and ``split`` sections."""
    validate_dataset(cfg.dataset)
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


def load_hypergraph(dataset_cfg: DictConfig) -> Hypergraph:
    """The node-level hypergraph named by the ``dataset`` section (a loader may return a PyG
    dataset holding it)."""
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
    """Dataset → features → self-loops/duplicates → split masks, as the config says."""
    data = load_hypergraph(cfg.dataset)
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
