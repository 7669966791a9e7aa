"""Hyperedge prediction (leak-free): message passing on observed hyperedges only, positives
of the held-out splits scored against SNS / MNS / CNS negatives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from omegaconf import DictConfig
from torch import Tensor
from torchmetrics.functional.classification import binary_auroc, binary_average_precision

from hypergraph.data.features import FEATURE_KINDS, structural_features
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets
from hypergraph.linkpred.negative import SAMPLERS, make_sampler
from hypergraph.linkpred.split import HyperedgeSplit, split_hyperedges
from hypergraph.nn.models.hyperedge_predictor import HyperedgePredictor
from hypergraph.tasks.base import (
    TRAINER_DEFAULTS,
    AdamModule,
    FullBatchDataModule,
    TaskSpec,
    build_model,
    check_choice,
    defaults,
    fit_then_test,
    seed_everything,
    validate_sections,
)
from hypergraph.tasks.base_node import load_hypergraph, require_raw_features


def hits_at_50(pos: Tensor, neg: Tensor) -> float:
    """Hits@50 through OGB's link-prediction evaluator (the ``ogbl-collab`` metric: fraction of
    positives scored above the 50th best negative)."""
    from ogb.linkproppred import Evaluator

    return float(Evaluator("ogbl-collab").eval({"y_pred_pos": pos, "y_pred_neg": neg})["hits@50"])


def binary_metrics(pos: Tensor, neg: Tensor) -> dict[str, float]:
    scores = torch.cat([pos, neg]).float()
    labels = torch.cat([torch.ones_like(pos), torch.zeros_like(neg)]).long()
    return {
        "auc": float(binary_auroc(scores, labels)),
        "ap": float(binary_average_precision(scores, labels)),
        "hits@50": hits_at_50(pos.float(), neg.float()),
    }


class HyperedgePrediction(AdamModule):
    """BCE on observed (training) hyperedges against fresh negatives each epoch; validation AUC
    for model selection; test metrics per negative sampler."""

    def __init__(
        self,
        model: HyperedgePredictor,
        split: HyperedgeSplit,
        train_samplers: list[str],
        eval_negatives: dict[str, dict[str, NodeSets]],
        lr: float = 0.01,
        weight_decay: float = 5e-4,
        seed: int = 0,
    ) -> None:
        super().__init__(lr, weight_decay)
        self.model = model
        self.split = split
        exclude = split.all_positive_keys()
        self.samplers = [make_sampler(name, split.observed, exclude) for name in train_samplers]
        self.eval_negatives = eval_negatives
        self.seed = seed
        self.test_results: dict[str, float] = {}
        self.test_scores: tuple[Tensor, Tensor] | None = None  # (labels, scores) of all test candidates

    def _score(self, data: Hypergraph, sets: NodeSets) -> Tensor:
        idx = sets.index.to(self.device)
        return self.model(data.x, data.hyperedge_index, data.num_hyperedges, idx, sets.num_sets)

    def training_step(self, data: Hypergraph, batch_idx: int) -> Tensor:
        pos = self.split.train
        share = -(-pos.num_sets // len(self.samplers))  # fresh negatives, split among samplers
        negs = [
            s.sample(pos, num=share, seed=self.seed * 100_003 + 7 * self.current_epoch + i)
            for i, s in enumerate(self.samplers)
        ]
        neg = NodeSets.cat(negs)
        both = NodeSets.cat([pos, neg])
        logits = self._score(data, both)
        y = torch.cat([torch.ones(pos.num_sets), torch.zeros(neg.num_sets)]).to(logits)
        loss = F.binary_cross_entropy_with_logits(logits, y)
        self.log("train_loss", loss, prog_bar=True, batch_size=both.num_sets)
        return loss

    def _eval(self, data: Hypergraph, stage: str) -> dict[str, float]:
        positives = getattr(self.split, stage)
        out: dict[str, float] = {}
        pos = self._score(data, positives).cpu()
        all_neg = []
        for name, negs in self.eval_negatives.items():
            neg = self._score(data, negs[stage]).cpu()
            all_neg.append(neg)
            for k, v in binary_metrics(pos, neg).items():
                out[f"{stage}_{name}_{k}"] = v
        neg = torch.cat(all_neg)
        for k, v in binary_metrics(pos, neg).items():
            out[f"{stage}_{k}"] = v
        if stage == "test":
            self.test_scores = (
                torch.cat([torch.ones_like(pos), torch.zeros_like(neg)]),
                torch.cat([pos, neg]),
            )
        return out

    def validation_step(self, data: Hypergraph, batch_idx: int) -> None:
        m = self._eval(data, "val")
        self.log("val_auc", m["val_auc"], prog_bar=True, batch_size=1)
        self.log("val_ap", m["val_ap"], batch_size=1)

    def test_step(self, data: Hypergraph, batch_idx: int) -> None:
        self.test_results = self._eval(data, "test")
        for k, v in self.test_results.items():
            self.log(k, v, batch_size=1)


def prepare(cfg: DictConfig, seed: int) -> tuple[HyperedgeSplit, dict[str, dict[str, NodeSets]]]:
    """Dataset → features → leak-free split → fixed evaluation negatives per sampler."""
    data = load_hypergraph(cfg.dataset, seed)
    if cfg.features.kind == "raw":
        require_raw_features(data, cfg.dataset.name)
    split = split_hyperedges(data, cfg.split.val, cfg.split.test, seed=seed, min_size=cfg.split.min_size)
    if cfg.features.kind != "raw":  # structural features from the observed structure only
        split.observed.x = structural_features(split.observed, cfg.features.kind, cfg.features.dim, seed)
    exclude = split.all_positive_keys()
    negs: dict[str, dict[str, NodeSets]] = {}
    for i, name in enumerate(cfg.negatives.eval):
        sampler = make_sampler(name, split.observed, exclude, max_candidates=cfg.negatives.max_candidates)
        negs[name] = {
            stage: sampler.sample(getattr(split, stage), seed=seed * 1000 + 10 * i + j)
            for j, stage in enumerate(("val", "test"))
        }
    return split, negs


DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "coauthorship-cora"},
    "features": {"kind": "raw", "dim": 64},
    "split": {"val": 0.1, "test": 0.1, "min_size": 2},
    "negatives": {"train": ["sns", "mns", "cns"], "eval": ["sns", "mns", "cns"], "max_candidates": 1_000_000},
    "model": {"name": "hgnn", "hidden_channels": 128, "num_layers": 2, "dropout": 0.5},
    "decoder_dropout": 0.0,
    "optim": {"lr": 0.01, "weight_decay": 5e-4},
    "trainer": dict(TRAINER_DEFAULTS, max_epochs=100),
}


def validate(cfg: DictConfig) -> None:
    validate_sections(cfg)
    for name in [*cfg.negatives.train, *cfg.negatives.eval]:
        check_choice(name, SAMPLERS, "negative sampler")
    check_choice(cfg.features.kind, FEATURE_KINDS, "features.kind")


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    seed_everything(seed)
    split, negs = prepare(cfg, seed)
    hidden = int(cfg.model.hidden_channels)
    encoder = build_model(cfg.model, cached=True, in_channels=split.observed.x.size(1), out_channels=hidden)
    model = HyperedgePredictor(encoder, hidden, cfg.decoder_dropout)
    module = HyperedgePrediction(
        model, split, cfg.negatives.train, negs, cfg.optim.lr, cfg.optim.weight_decay, seed
    )
    fit_then_test(module, FullBatchDataModule(split.observed), cfg.trainer, seed_dir, ckpt_path, "val_auc")
    if module.test_scores is not None and module.global_rank == 0:
        seed_dir.mkdir(parents=True, exist_ok=True)
        y, score = module.test_scores
        np.savez(seed_dir / "scores.npz", y_true=y.numpy(), y_score=score.numpy())
    return dict(module.test_results)


TASK = TaskSpec("hyperedge_prediction", defaults(DEFAULTS), run, ("dataset", "model", "trainer"), validate)
