"""Node classification on one hypergraph (every node model of ``MODELS``), full-batch or on the
mini-batches of ``loader.kind``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig

from hypergraph.tasks.base import (
    TRAINER_DEFAULTS,
    TaskSpec,
    build_model,
    defaults,
    fit_then_test,
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

DEFAULTS: dict[str, Any] = {
    **NODE_DEFAULTS,
    "loader": LOADER_DEFAULTS,
    "model": {"name": "hgnn", "hidden_channels": 64, "num_layers": 2, "dropout": 0.5},
    "optim": {"lr": 0.01, "weight_decay": 5e-4},
    "trainer": dict(TRAINER_DEFAULTS, max_epochs=100),
}


def validate(cfg: DictConfig) -> None:
    validate_node_sections(cfg)  # dataset, features, preprocess, split, loader
    model_class(cfg.model)
    validate_trainer(cfg.trainer)


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    seed_everything(seed)
    data = prepare_node_data(cfg, seed)
    num_classes = num_classes_of(data)
    seed_everything(seed)
    full = cfg.loader.kind == "full"  # mini-batches change the structure every step: no operator cache
    model = build_model(cfg.model, cached=full, in_channels=data.x.size(1), out_channels=num_classes)
    module = NodeClassification(model, num_classes, cfg.optim.lr, cfg.optim.weight_decay)
    dm = NodeDataModule(data, cfg.loader, seed)
    res = fit_then_test(
        module, dm, minibatch_trainer_cfg(cfg.trainer, cfg.loader), seed_dir, ckpt_path, validate=True
    )
    if module.test_predictions is not None and module.global_rank == 0:
        seed_dir.mkdir(parents=True, exist_ok=True)
        mask = data.test_mask.cpu().numpy()
        np.savez(
            seed_dir / "predictions.npz",
            y_true=data.y.cpu().numpy()[mask],
            y_pred=module.test_predictions.numpy()[mask],
        )
    return {"val_acc": res["val_acc"], "test_acc": res["test_acc"], "best_epoch": res["best_epoch"]}


TASK = TaskSpec("node_classification", defaults(DEFAULTS), run, ("dataset", "model", "trainer"), validate)
