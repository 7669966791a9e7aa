"""Learned simplicial-closure prediction (Benson et al. 2018's task, learned predictor).

Leak-free protocol.  Each ``(a, b)`` of ``train_windows`` (default (30, 50), (40, 60), (50, 70),
(60, 80)) is a window: the open triangles of the first ``a``% labelled by closure in
``(a%, b%]``.  With ``validation="last_window"`` (default) the latest window is held out whole for
model selection and the others train (temporal validation); ``validation="random"`` holds out a
random ``val_fraction`` of every window instead.  Every window ends at or before the test cut
``test_q`` (80%); the test is the ``test_q`` → ``test_end`` (100%) task of
:mod:`hypergraph.closure`.  Nothing later than ``test_q`` is read before testing.

Model.  Node embeddings come from an HGNN / HGNN+ encoder run on each window's *past*
hypergraph (node inputs: within-window quantiles of projected degree, simplex degree and weighted
degree).  A triangle's logit is

    wide([f ‖ log GM(W)]) + MLP([mean ‖ max of member embeddings ‖ quantiles of f])

where ``log GM(W)`` is the log geometric mean of its three edge weights (the paper's best mean
score) and ``f`` are its features (:func:`hypergraph.closure.learned.triangle_features`: sorted
triples of edge weights,
degrees, simplex degrees and pair common-neighbour counts, the triple common-neighbour count, the
classic scores of :data:`CLASSIC_SCORES` and the recency-weighted edge weights of
:func:`decayed_weights`), log-scaled and standardised on the training rows
(:class:`FeatureScaler`); the MLP sees their within-window quantiles, which do not drift as the
past grows.  The wide part starts at the geometric mean or at a logistic regression, whichever
validates better (:func:`select_wide`), and is frozen by default; the MLP's last layer starts at
zero and the first epoch makes no update, so checkpoint selection can keep the wide part alone.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from omegaconf import DictConfig
from torch import Tensor

from hypergraph.closure.evaluate import SCORES, relative_ap
from hypergraph.closure.learned import (
    CLASSIC_SCORES,
    ClosureBundle,
    build_windows,
    mean_rel_ap,
    select_wide,
)
from hypergraph.data.temporal import TemporalSimplicialComplex
from hypergraph.nn.models.triangle_scorer import TriangleScorer
from hypergraph.tasks.base import (
    TRAINER_DEFAULTS,
    AdamModule,
    FullBatchDataModule,
    TaskSpec,
    build_model,
    defaults,
    fit_then_test,
    load_dataset,
    one_thread,
    seed_everything,
    validate_sections,
)

log = logging.getLogger(__name__)


class HigherOrderLinkPrediction(AdamModule):
    """BCE over the training triangles of all windows; validation: the mean over windows of the
    held-out triangles' relative AP (true labels), for selection; test on the 80% task."""

    def __init__(self, model: TriangleScorer, lr: float, weight_decay: float, pos_weight: float) -> None:
        super().__init__(lr, weight_decay)
        self.model = model
        self.register_buffer("pos_weight", torch.tensor(float(pos_weight)))
        self.test_results: dict[str, float] = {}

    def _logits(self, b: ClosureBundle) -> tuple[Tensor, Tensor, Tensor]:
        m = b.rows
        hg = b.hg
        args = (hg.x, hg.hyperedge_index, hg.hyperedge_weight, hg.num_hyperedges)
        logits = self.model(*args, b.tri[m], b.feats[m], b.qfeats[m], b.prior[m])
        return logits, b.label_true[m], b.label_ref[m]

    def backward(self, loss: Tensor, *args: Any, **kwargs: Any) -> None:
        # one thread: the weight gradients sum over every triangle (or node), and MKL splits such
        # sums between threads on some CPUs, so they would depend on num_threads (issue 14)
        with one_thread():
            super().backward(loss, *args, **kwargs)

    def training_step(self, batch: list[ClosureBundle], batch_idx: int) -> Tensor | None:
        if self.current_epoch == 0:
            # no update in the first epoch: its validation scores the starting point (the wide
            # part alone), so model selection can keep it when the deep part does not help
            return None
        total, n = 0.0, 0
        for b in batch:
            logits, y, _ = self._logits(b)
            total = total + F.binary_cross_entropy_with_logits(
                logits, y.float(), pos_weight=self.pos_weight, reduction="sum"
            )
            n += y.numel()
        loss = total / max(n, 1)
        self.log("train_loss", loss, prog_bar=True, batch_size=1)
        return loss

    def validation_step(self, batch: list[ClosureBundle], batch_idx: int) -> None:
        pairs = []
        for b in batch:
            logits, y, _ = self._logits(b)
            pairs.append((y, logits))
        rel, auc = mean_rel_ap(pairs, 0.0)
        self.log("val_rel_ap", rel, prog_bar=True, batch_size=1)
        self.log("val_auc", auc, batch_size=1)

    def test_step(self, batch: list[ClosureBundle], batch_idx: int) -> None:
        (b,) = batch
        logits, y, yr = self._logits(b)
        s = logits.detach().cpu().numpy()
        rel, auc = relative_ap(y.cpu().numpy(), s)
        rel_ref, auc_ref = relative_ap(yr.cpu().numpy(), s)
        wide = self.model.wide_score(b.feats[b.rows], b.prior[b.rows]).detach().cpu().numpy()
        self.test_results = {
            "test_rel_ap": rel,
            "test_auc": auc,
            "test_rel_ap_reference": rel_ref,
            "test_auc_reference": auc_ref,
            "test_rel_ap_wide": relative_ap(y.cpu().numpy(), wide)[0],  # ablation: no hypergraph encoder
        }
        for k, v in self.test_results.items():
            self.log(k, v, batch_size=1)


def prepare(
    cfg: DictConfig, seed: int
) -> tuple[list[ClosureBundle], list[ClosureBundle], ClosureBundle, dict]:
    """The leak-free training / validation bundles and the test bundle, as the config says."""
    tsc = load_dataset(cfg.dataset)
    if not isinstance(tsc, TemporalSimplicialComplex):
        raise ValueError(
            f"dataset '{cfg.dataset.name}' is not a temporal simplicial complex (Benson format); "
            f"its loader returns {type(tsc).__name__}"
        )
    return build_windows(
        tsc,
        [tuple(w) for w in cfg.train_windows],
        cfg.test_q,
        cfg.test_end,
        cfg.validation,
        cfg.val_fraction,
        tuple(cfg.classic_scores) if cfg.use_classic_features else None,
        tuple(float(t) for t in cfg.recency_taus),
        seed,
    )


DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "contact-high-school", "root": None, "download": False},
    "train_windows": [[30.0, 50.0], [40.0, 60.0], [50.0, 70.0], [60.0, 80.0]],
    "test_q": 80.0,
    "test_end": 100.0,
    "validation": "last_window",
    "val_fraction": 0.2,
    "use_classic_features": True,
    "classic_scores": list(CLASSIC_SCORES),
    "recency_taus": [0.02, 0.1, 0.3],
    "wide": "auto",
    "wide_C": [0.01, 0.1, 1.0],
    "train_wide": False,
    "node_embedding": 0,
    "decoder_dropout": 0.5,
    "pos_weight": 1.0,
    "model": {"name": "hgnn", "hidden_channels": 64, "num_layers": 2, "dropout": 0.5},
    "optim": {"lr": 0.005, "weight_decay": 1e-3},
    "trainer": dict(TRAINER_DEFAULTS, max_epochs=200),
}


def validate(cfg: DictConfig) -> None:
    validate_sections(cfg)
    if not 0 < cfg.test_q < cfg.test_end <= 100:
        raise ValueError(f"need 0 < test_q < test_end <= 100, got {cfg.test_q}, {cfg.test_end}")
    if len(cfg.train_windows) == 0:
        raise ValueError("train_windows is empty")
    for w in cfg.train_windows:
        if len(w) != 2 or not 0 < w[0] < w[1] <= cfg.test_q:
            raise ValueError(
                f"each training window (a, b) needs 0 < a < b <= test_q = {cfg.test_q} "
                f"(labels must not come from the test future), got {list(w)}"
            )
    unknown = set(cfg.classic_scores) - set(SCORES)
    if unknown:
        raise KeyError(f"unknown classic score(s) {sorted(unknown)}; valid: {', '.join(SCORES)}")
    if cfg.validation not in ("last_window", "random"):
        raise ValueError(f"validation must be 'last_window' or 'random', got {cfg.validation!r}")
    if cfg.validation == "last_window" and len(cfg.train_windows) < 2:
        raise ValueError("validation='last_window' needs at least two train_windows")
    if cfg.wide not in ("auto", "logreg", "prior"):
        raise ValueError(f"wide must be 'auto', 'logreg' or 'prior', got {cfg.wide!r}")
    if cfg.wide != "prior" and (len(cfg.wide_C) == 0 or any(float(c) <= 0 for c in cfg.wide_C)):
        raise ValueError(f"wide_C must be a non-empty list of positive numbers, got {list(cfg.wide_C)}")
    if any(float(t) <= 0 for t in cfg.recency_taus):
        raise ValueError(f"recency_taus must be positive, got {list(cfg.recency_taus)}")
    if not (cfg.pos_weight == "balanced" or float(cfg.pos_weight) > 0):
        raise ValueError(f"pos_weight must be a positive number or 'balanced', got {cfg.pos_weight!r}")


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    # the first epoch deliberately skips its update (see HigherOrderLinkPrediction.training_step)
    warnings.filterwarnings("ignore", message="`training_step` returned `None`")
    seed_everything(seed)
    tr, va, te, _ = prepare(cfg, seed)
    hidden = int(cfg.model.hidden_channels)
    in_ch = tr[0].hg.x.size(1) + int(cfg.node_embedding)
    encoder = build_model(
        cfg.model, cached=True, in_channels=in_ch, out_channels=hidden
    )  # one operator per window's past
    model = TriangleScorer(
        encoder,
        hidden,
        tr[0].hg.num_nodes,
        int(cfg.node_embedding),
        tr[0].feats.size(1),
        cfg.decoder_dropout,
    )
    w, c, chosen, cand = select_wide(tr, va, cfg.wide, list(cfg.wide_C), seed)
    model.set_wide(w, c, trainable=bool(cfg.train_wide))
    log.info("wide part: %s (validation relative AP %s)", chosen, cand)
    seed_dir.mkdir(parents=True, exist_ok=True)
    (seed_dir / "wide.json").write_text(json.dumps({"chosen": chosen, "val_rel_ap": cand}, indent=1))
    if cfg.pos_weight == "balanced":
        y = torch.cat([b.label_true[b.rows] for b in tr])
        pos_weight = float((~y).sum()) / max(float(y.sum()), 1.0)
    else:
        pos_weight = float(cfg.pos_weight)
    module = HigherOrderLinkPrediction(model, cfg.optim.lr, cfg.optim.weight_decay, pos_weight)
    dm = FullBatchDataModule(tr, va, [te])
    fit_then_test(module, dm, cfg.trainer, seed_dir, ckpt_path, monitor="val_rel_ap")
    return dict(module.test_results)


TASK = TaskSpec(
    "higher_order_link_prediction", defaults(DEFAULTS), run, ("dataset", "model", "trainer"), validate
)
