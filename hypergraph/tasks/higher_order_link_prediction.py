"""Learned simplicial-closure prediction (Benson et al. 2018's task, learned predictor).

Leak-free protocol: the model is trained on the open triangles of the first 60% of the
timeline labelled by closure in (60%, 80%] (a random ``val_fraction`` of them held out for model
selection), and tested on the 80% → future task of :mod:`hypergraph.closure`.  Node embeddings
come from an HGNN / HGNN+ encoder run on the *past* hypergraph of each task (the 60% past for
training, the 80% past for testing); a triangle is scored by an MLP on the mean‖max of its
members' embeddings, optionally concatenated with the 26 classic features of the paper's
logistic regression (as within-task quantiles, robust to the growth of the past), added as a
correction to the log geometric mean of the edge weights (``residual_prior``).  Nothing later
than 80% is read before testing, and nothing later than 60% enters the training structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
import torch.nn.functional as F
from omegaconf import DictConfig, OmegaConf
from torch import Tensor
from torch.utils.data import DataLoader

from hypergraph.closure.complex import TemporalSimplicialComplex
from hypergraph.closure.evaluate import ClosureTask, logreg_features, relative_ap
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.datasets.benson import BENSON_DATASETS, load_benson
from hypergraph.registry import check_kwargs
from hypergraph.tasks.base import TRAINER_DEFAULTS, TaskSpec, build_trainer, register_task, validate_trainer
from hypergraph.tasks.node_classification import build_model, validate_model


@dataclass
class ClosureBundle:
    """One task's inputs: the past hypergraph, node features, triangles, features, labels."""

    hg: Hypergraph
    tri: Tensor  # [T, 3]
    feats: Tensor  # [T, 26] within-task quantiles, or [T, 0]
    label_true: Tensor  # [T] bool
    label_ref: Tensor  # [T] bool
    prior: Tensor  # [T] log geometric mean of the three edge weights (the paper's best mean score)
    mask: Tensor | None = None  # triangles used in this stage

    def to(self, device: torch.device) -> ClosureBundle:
        return ClosureBundle(
            self.hg.to(device),
            self.tri.to(device),
            self.feats.to(device),
            self.label_true.to(device),
            self.label_ref.to(device),
            self.prior.to(device),
            None if self.mask is None else self.mask.to(device),
        )


def node_features(past: TemporalSimplicialComplex, hg: Hypergraph) -> Tensor:
    """Inductive node features of a past complex: within-task quantiles of the projected
    degree, simplex degree and weighted projected degree."""
    A = past.projected_graph().tocsr()
    deg = np.diff(A.indptr).astype(np.float64)
    wdeg = np.asarray(A.sum(1)).ravel()
    sdeg = past.simplex_degree().astype(np.float64)
    return _quantiles(np.stack([deg, sdeg, wdeg], axis=1))


def _quantiles(f: np.ndarray) -> Tensor:
    """Column-wise average ranks scaled to [0, 1] within one task.

    The past grows between the training window (60%) and the test window (80%): weights and
    degrees drift upwards.  Ranks within each task remove that drift (the metric, AP, only
    depends on the ranking of triangles)."""
    from scipy.stats import rankdata

    if f.shape[0] < 2:
        return torch.zeros(f.shape, dtype=torch.float32)
    return torch.from_numpy((rankdata(f, axis=0) - 1) / (f.shape[0] - 1)).float()


def make_bundle(task: ClosureTask, use_classic: bool) -> ClosureBundle:
    hg = task.past.to_hypergraph(deduplicate=True)
    hg.x = node_features(task.past, hg)
    tri = torch.from_numpy(task.triangles.tri.astype(np.int64))
    if use_classic:
        raw = logreg_features(task.triangles, order="degree")  # enumeration order: no id-order cue
        f = _quantiles(np.nan_to_num(raw, nan=0.0, posinf=0.0, neginf=0.0))
    else:
        f = torch.zeros(tri.size(0), 0)
    lt = torch.from_numpy(task.labels("true"))
    lr = torch.from_numpy(task.labels("reference"))
    prior = torch.from_numpy(np.log(task.triangles.weights().astype(np.float64)).mean(1)).float()
    return ClosureBundle(hg, tri, f, lt, lr, prior)


class TriangleScorer(torch.nn.Module):
    """Encoder on the past hypergraph (+ optional node-id embeddings) and a set-invariant MLP
    decoder on ``[mean ‖ max of member embeddings ‖ classic features]``.

    With ``residual_prior`` the logit is ``a * prior + b + MLP(...)`` where ``prior`` is the log
    geometric mean of the triangle's edge weights and the MLP's last layer starts at zero: the
    model starts from the paper's best mean score and learns corrections to it."""

    def __init__(
        self,
        encoder: torch.nn.Module,
        hidden: int,
        num_nodes: int,
        embedding_dim: int,
        num_classic: int,
        dropout: float = 0.2,
        residual_prior: bool = True,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.residual_prior = residual_prior
        self.prior_scale = torch.nn.Parameter(torch.tensor(1.0 if residual_prior else 0.0))
        self.prior_scale.requires_grad_(residual_prior)
        self.prior_bias = torch.nn.Parameter(torch.tensor(0.0))
        self.emb = torch.nn.Embedding(num_nodes, embedding_dim) if embedding_dim > 0 else None
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(2 * hidden + num_classic, hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(dropout),
            torch.nn.Linear(hidden, 1),
        )
        if residual_prior:
            torch.nn.init.zeros_(self.mlp[-1].weight)
            torch.nn.init.zeros_(self.mlp[-1].bias)

    def forward(self, b: ClosureBundle, tri: Tensor, feats: Tensor, prior: Tensor) -> Tensor:
        x = b.hg.x
        if self.emb is not None:
            x = torch.cat([x, self.emb.weight], dim=1)
        z = self.encoder(x, b.hg.hyperedge_index, b.hg.hyperedge_weight, b.hg.num_hyperedges)
        m = z[tri]  # [T, 3, H]
        h = torch.cat([m.mean(1), m.max(1).values, feats], dim=1)
        return self.mlp(h).view(-1) + self.prior_scale * prior + self.prior_bias


class HigherOrderLinkPrediction(pl.LightningModule):
    """BCE (positives re-weighted by the class ratio) on the 60% task's training triangles;
    validation relative AP (true labels) for selection; test on the 80% task."""

    def __init__(self, model: TriangleScorer, lr: float, weight_decay: float, pos_weight: float) -> None:
        super().__init__()
        self.model = model
        self.lr, self.weight_decay = lr, weight_decay
        self.register_buffer("pos_weight", torch.tensor(float(pos_weight)))
        self.test_results: dict[str, float] = {}

    def _logits(self, b: ClosureBundle) -> tuple[Tensor, Tensor, Tensor]:
        m = b.mask if b.mask is not None else torch.ones_like(b.label_true)
        return self.model(b, b.tri[m], b.feats[m], b.prior[m]), b.label_true[m], b.label_ref[m]

    def training_step(self, b: ClosureBundle, batch_idx: int) -> Tensor:
        logits, y, _ = self._logits(b)
        loss = F.binary_cross_entropy_with_logits(logits, y.float(), pos_weight=self.pos_weight)
        self.log("train_loss", loss, prog_bar=True, batch_size=1)
        return loss

    def validation_step(self, b: ClosureBundle, batch_idx: int) -> None:
        logits, y, _ = self._logits(b)
        rel, auc = relative_ap(y.cpu().numpy(), logits.detach().cpu().numpy())
        self.log("val_rel_ap", rel, prog_bar=True, batch_size=1)
        self.log("val_auc", auc, batch_size=1)

    def test_step(self, b: ClosureBundle, batch_idx: int) -> None:
        logits, y, yr = self._logits(b)
        s = logits.detach().cpu().numpy()
        rel, auc = relative_ap(y.cpu().numpy(), s)
        rel_ref, auc_ref = relative_ap(yr.cpu().numpy(), s)
        self.test_results = {
            "test_rel_ap": rel,
            "test_auc": auc,
            "test_rel_ap_reference": rel_ref,
            "test_auc_reference": auc_ref,
        }
        for k, v in self.test_results.items():
            self.log(k, v, batch_size=1)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=self.lr, weight_decay=self.weight_decay)


def _first(batch: list) -> Any:
    return batch[0]


class ClosureDataModule(pl.LightningDataModule):
    def __init__(self, train: ClosureBundle, val: ClosureBundle, test: ClosureBundle) -> None:
        super().__init__()
        self.bundles = {"train": train, "val": val, "test": test}

    def _loader(self, stage: str) -> DataLoader:
        return DataLoader([self.bundles[stage]], batch_size=1, collate_fn=_first)

    def train_dataloader(self) -> DataLoader:
        return self._loader("train")

    def val_dataloader(self) -> DataLoader:
        return self._loader("val")

    def test_dataloader(self) -> DataLoader:
        return self._loader("test")

    def transfer_batch_to_device(self, batch: ClosureBundle, device: torch.device, dataloader_idx: int):
        return batch.to(device)


def prepare(cfg: DictConfig, seed: int) -> tuple[ClosureBundle, ClosureBundle, ClosureBundle, dict]:
    """Build the leak-free train/val (60% task) and test (80% task) bundles."""
    tsc = load_benson(cfg.dataset.name, root=cfg.dataset.root, download=cfg.dataset.download)
    train_task = ClosureTask.build(tsc, cfg.train_q, cfg.test_q)  # past <= t60, labels (t60, t80]
    test_task = ClosureTask.build(tsc, cfg.test_q, 100.0)  # the evaluation task of closure/
    train = make_bundle(train_task, cfg.use_classic_features)
    test = make_bundle(test_task, cfg.use_classic_features)
    g = torch.Generator().manual_seed(seed)
    T = train.tri.size(0)
    perm = torch.randperm(T, generator=g)
    n_val = int(round(cfg.val_fraction * T))
    val_mask = torch.zeros(T, dtype=torch.bool)
    val_mask[perm[:n_val]] = True
    tr = ClosureBundle(
        train.hg, train.tri, train.feats, train.label_true, train.label_ref, train.prior, ~val_mask
    )
    va = ClosureBundle(
        train.hg, train.tri, train.feats, train.label_true, train.label_ref, train.prior, val_mask
    )
    info = {
        "t_train_past_max": int(train_task.past.times.max()),
        "t_train_future_max": int(train_task.future.times.max()),
        "t_test_past_max": int(test_task.past.times.max()),
    }
    return tr, va, test, info


DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "contact-high-school", "root": "../shared/datasets", "download": False},
    "train_q": 60.0,
    "test_q": 80.0,
    "val_fraction": 0.2,
    "use_classic_features": True,
    "residual_prior": True,
    "node_embedding": 0,
    "decoder_dropout": 0.2,
    "model": {"name": "hgnn", "hidden": 64, "num_layers": 2, "dropout": 0.2},
    "optim": {"lr": 0.005, "weight_decay": 1e-5},
    "trainer": dict(TRAINER_DEFAULTS, max_epochs=100),
}


def validate(cfg: DictConfig) -> None:
    if cfg.dataset.name not in BENSON_DATASETS:
        raise KeyError(
            f"unknown Benson dataset {cfg.dataset.name!r}; valid: {', '.join(sorted(BENSON_DATASETS))}"
        )
    check_kwargs(load_benson, {k: v for k, v in cfg.dataset.items() if k != "name"}, "dataset")
    validate_model(cfg.model)
    validate_trainer(cfg.trainer)
    if not 0 < cfg.train_q < cfg.test_q < 100:
        raise ValueError(f"need 0 < train_q < test_q < 100, got {cfg.train_q}, {cfg.test_q}")


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    pl.seed_everything(seed, workers=True, verbose=False)
    tr, va, te, _ = prepare(cfg, seed)
    hidden = int(cfg.model.hidden)
    in_ch = tr.hg.x.size(1) + int(cfg.node_embedding)
    encoder = build_model(cfg.model, in_ch, hidden)
    model = TriangleScorer(
        encoder,
        hidden,
        tr.hg.num_nodes,
        int(cfg.node_embedding),
        tr.feats.size(1),
        cfg.decoder_dropout,
        cfg.residual_prior,
    )
    y = tr.label_true[tr.mask]
    pos_weight = float((~y).sum()) / max(float(y.sum()), 1.0)
    module = HigherOrderLinkPrediction(model, cfg.optim.lr, cfg.optim.weight_decay, pos_weight)
    trainer, ckpt = build_trainer(cfg.trainer, seed_dir, monitor="val_rel_ap", mode="max")
    dm = ClosureDataModule(tr, va, te)
    trainer.fit(module, datamodule=dm, ckpt_path=ckpt_path)
    trainer.test(module, datamodule=dm, ckpt_path=ckpt.best_model_path or None, verbose=False)
    return dict(module.test_results)


import hypergraph.nn.models  # noqa: E402,F401  (registers models)

register_task(
    TaskSpec(
        name="higher_order_link_prediction",
        defaults=OmegaConf.to_container(OmegaConf.create(DEFAULTS)),
        run=run,
        open_sections=("dataset", "model", "trainer"),
        validate=validate,
    )
)
