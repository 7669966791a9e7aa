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
score) and ``f`` are its features (:func:`triangle_features`: sorted triples of edge weights,
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
from hypergraph.closure.evaluate import (
    SCORES,
    ClosureTask,
    cached_neighbor_counts,
    logreg_features,
    relative_ap,
)
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.datasets.benson import BENSON_DATASETS, load_benson
from hypergraph.registry import check_kwargs
from hypergraph.tasks.base import TRAINER_DEFAULTS, TaskSpec, build_trainer, register_task, validate_trainer
from hypergraph.tasks.node_classification import build_model, validate_model

log = logging.getLogger(__name__)

CLASSIC_SCORES = (
    "harm_mean", "geom_mean", "arith_mean", "min", "max", "common", "jaccard", "adamic_adar",
    "proj_graph_PA", "simplex_PA", "UPKatz", "WPKatz", "UPPR", "WPPR",
)  # fmt: skip


@dataclass
class ClosureBundle:
    """One window's inputs: the past hypergraph, node features, triangles, features, labels."""

    hg: Hypergraph
    tri: Tensor  # [T, 3]
    feats: Tensor  # [T, F] scaled log features (fitted on training rows), or [T, 0]
    qfeats: Tensor  # [T, F] the same features as within-window quantiles (drift-free)
    label_true: Tensor  # [T] bool
    label_ref: Tensor  # [T] bool
    prior: Tensor  # [T] log geometric mean of the three edge weights (the paper's best mean score)
    mask: Tensor | None = None  # triangles used in this stage

    def to(self, device: torch.device) -> ClosureBundle:
        return ClosureBundle(
            self.hg.to(device),
            self.tri.to(device),
            self.feats.to(device),
            self.qfeats.to(device),
            self.label_true.to(device),
            self.label_ref.to(device),
            self.prior.to(device),
            None if self.mask is None else self.mask.to(device),
        )

    @property
    def rows(self) -> Tensor:
        """The triangles used in this stage (``mask``, or all of them)."""
        return self.mask if self.mask is not None else torch.ones_like(self.label_true)

    def with_mask(self, mask: Tensor | None) -> ClosureBundle:
        return ClosureBundle(
            self.hg, self.tri, self.feats, self.qfeats, self.label_true, self.label_ref, self.prior, mask
        )


def node_features(past: TemporalSimplicialComplex) -> Tensor:
    """Inductive node features of a past complex: within-window quantiles of the projected
    degree, simplex degree and weighted projected degree."""
    A = past.projected_graph().tocsr()
    deg = np.diff(A.indptr).astype(np.float64)
    wdeg = np.asarray(A.sum(1)).ravel()
    sdeg = past.simplex_degree().astype(np.float64)
    return _quantiles(np.stack([deg, sdeg, wdeg], axis=1))


def _ranks01(f: np.ndarray) -> np.ndarray:
    """Average ranks along axis 0 scaled to [0, 1] (zeros for fewer than two rows)."""
    from scipy.stats import rankdata

    if f.shape[0] < 2:
        return np.zeros(f.shape)
    return (rankdata(f, axis=0) - 1) / (f.shape[0] - 1)


def _quantiles(f: np.ndarray) -> Tensor:
    """Column-wise quantiles within one window (degrees drift upwards as the past grows; ranks
    do not)."""
    return torch.from_numpy(_ranks01(f)).float()


def time_quantiles(past: TemporalSimplicialComplex) -> np.ndarray:
    """Each past simplex's time as its quantile in the past, in [0, 1] (1 = most recent)."""
    return _ranks01(past.times)


def decayed_weights(task: ClosureTask, taus: tuple[float, ...]) -> np.ndarray:
    """Recency-weighted edge weights of each open triangle ``[T, 4 * len(taus)]``.

    For each ``tau``: ``W^tau = A diag(exp(-(1 - q_s) / tau)) Aᵀ`` with ``q_s`` the time quantile
    of simplex ``s`` in the past (so the decay is unit-free and does not drift between windows);
    per triangle the sorted triple ``(W^tau_ij, W^tau_jk, W^tau_ik)`` and its geometric mean.
    The classic scores ignore timestamps; these let the model weigh recent contacts higher."""
    import scipy.sparse as sp

    past = task.past
    tri = task.triangles.tri.astype(np.int64)
    inc = past.incidence().astype(np.float64).tocsr()
    q = time_quantiles(past)
    out = []
    for tau in taus:
        a = (inc @ sp.diags(np.exp(-(1.0 - q) / tau)) @ inc.T).tocsr()
        w = np.stack(
            [np.asarray(a[tri[:, u], tri[:, v]]).ravel() for u, v in ((0, 1), (1, 2), (0, 2))], axis=1
        )
        w = np.sort(w, axis=1)
        out += [w, np.exp(np.log(np.maximum(w, 1e-300)).mean(axis=1, keepdims=True))]
    return np.concatenate(out, axis=1) if out else np.zeros((tri.shape[0], 0))


def triangle_features(
    task: ClosureTask, scores: tuple[str, ...] = CLASSIC_SCORES, taus: tuple[float, ...] = ()
) -> np.ndarray:
    """Raw, permutation-invariant features of each open triangle ``[T, 13 + len(scores) + 4 len(taus)]``:
    sorted triples of edge weights, projected degrees, simplex degrees and pair common-neighbour
    counts, the common-neighbour count of all three, the classic ``scores``, then the
    :func:`decayed_weights` for each ``tau``."""
    lf = logreg_features(task.triangles, cached_neighbor_counts(task), order="degree")
    parts = [np.sort(lf[:, i : i + 3], axis=1) for i in (0, 3, 6, 9)] + [lf[:, 12:13]]
    parts += [SCORES[name](task)[:, None] for name in scores]
    parts.append(decayed_weights(task, taus))
    raw = np.concatenate(parts, axis=1).astype(np.float64)
    return np.nan_to_num(raw, nan=0.0, posinf=0.0, neginf=0.0)


@dataclass
class FeatureScaler:
    """``log1p(max(x, 0) / s)`` then standardisation, with the per-column scale ``s`` (median
    of the positive values), mean and std fitted on training rows only."""

    scale: np.ndarray
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, raw: np.ndarray) -> FeatureScaler:
        pos = np.where(raw > 0, raw, np.nan)
        with warnings.catch_warnings():  # all-NaN column (no positive value): scale 1 below
            warnings.simplefilter("ignore", RuntimeWarning)
            scale = np.nanmedian(pos, axis=0) if raw.shape[0] else np.ones(raw.shape[1])
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        z = np.log1p(np.maximum(raw, 0.0) / scale)
        std = z.std(axis=0)
        return cls(scale, z.mean(axis=0), np.where(std > 0, std, 1.0))

    def __call__(self, raw: np.ndarray) -> Tensor:
        z = (np.log1p(np.maximum(raw, 0.0) / self.scale) - self.mean) / self.std
        return torch.from_numpy(z).float()


def make_bundle(task: ClosureTask, feats: Tensor, qfeats: Tensor) -> ClosureBundle:
    hg = task.past.to_hypergraph(deduplicate=True)
    hg.x = node_features(task.past)
    tri = torch.from_numpy(task.triangles.tri.astype(np.int64))
    lt = torch.from_numpy(task.labels("true"))
    lr = torch.from_numpy(task.labels("reference"))
    prior = torch.from_numpy(np.log(task.triangles.weights().astype(np.float64)).mean(1)).float()
    return ClosureBundle(hg, tri, feats, qfeats, lt, lr, prior)


class TriangleScorer(torch.nn.Module):
    """Encoder on the past hypergraph and a set-invariant decoder (see the module docstring).

    ``logit = wide([f ‖ prior]) + MLP([mean ‖ max of member embeddings ‖ f])``.  The wide part
    starts at the geometric mean (weight 1 on ``prior``, 0 elsewhere) or at a fitted logistic
    regression (:meth:`set_wide`); the MLP's last layer starts at zero, so training starts from
    the wide score and learns corrections to it."""

    def __init__(
        self,
        encoder: torch.nn.Module,
        hidden: int,
        num_nodes: int,
        embedding_dim: int,
        num_feats: int,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.emb = torch.nn.Embedding(num_nodes, embedding_dim) if embedding_dim > 0 else None
        self.wide = torch.nn.Linear(num_feats + 1, 1)
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(2 * hidden + num_feats, hidden),
            torch.nn.LayerNorm(hidden),  # bounded activations: the zero-initialised last layer
            torch.nn.ReLU(),  # then moves the logit by O(lr) per step, not O(lr * |h|)
            torch.nn.Dropout(dropout),
            torch.nn.Linear(hidden, 1),
        )
        torch.nn.init.zeros_(self.mlp[-1].weight)
        torch.nn.init.zeros_(self.mlp[-1].bias)
        w = torch.zeros(1, num_feats + 1)
        w[0, -1] = 1.0
        self.set_wide(w, 0.0)

    @torch.no_grad()
    def set_wide(self, weight: Tensor, bias: float, trainable: bool = True) -> None:
        """Set the wide part's weights ``[1, F + 1]`` (the last one multiplies the prior)."""
        self.wide.weight.copy_(weight.view(1, -1))
        self.wide.bias.fill_(float(bias))
        self.wide.requires_grad_(trainable)

    def forward(self, b: ClosureBundle, tri: Tensor, feats: Tensor, qfeats: Tensor, prior: Tensor) -> Tensor:
        x = b.hg.x
        if self.emb is not None:
            x = torch.cat([x, self.emb.weight], dim=1)
        z = self.encoder(x, b.hg.hyperedge_index, b.hg.hyperedge_weight, b.hg.num_hyperedges)
        m = z[tri]  # [T, 3, H]
        deep = self.mlp(torch.cat([m.mean(1), m.max(1).values, qfeats], dim=1)).view(-1)
        return self.wide_score(feats, prior) + deep

    def wide_score(self, feats: Tensor, prior: Tensor) -> Tensor:
        """The wide part alone: a linear score of ``[f ‖ prior]``."""
        return self.wide(torch.cat([feats, prior[:, None]], dim=1)).view(-1)


def _wide_inputs(b: ClosureBundle) -> Tensor:
    return torch.cat([b.feats, b.prior[:, None]], 1)[b.rows]


def _mean_rel_ap(pairs: list[tuple[Tensor, Tensor]], empty: float) -> tuple[float, float]:
    """Mean over windows of ``(relative AP, AUC)`` for ``(labels, scores)`` pairs (``empty`` when
    no window has both classes)."""
    res = np.array([relative_ap(y.cpu().numpy(), s.detach().cpu().numpy()) for y, s in pairs])
    return tuple(float(np.nanmean(c)) if np.isfinite(c).any() else empty for c in res.T)


def select_wide(
    train: list[ClosureBundle], val: list[ClosureBundle], mode: str, Cs: list[float], seed: int
) -> tuple[Tensor, float, str, dict[str, float]]:
    """Choose the wide part's starting point on the validation triangles.

    Candidates: the geometric mean (``mode`` ``"prior"`` or ``"auto"``) and L2-regularised
    logistic regressions on ``[f ‖ prior]`` of the training triangles of all windows, one per
    ``C`` (``"logreg"`` or ``"auto"``; scikit-learn, L-BFGS).  Returns ``(weight [1, F + 1],
    bias, chosen name, {candidate: validation relative AP})``."""
    from sklearn.linear_model import LogisticRegression

    num = train[0].feats.size(1) + 1
    cands: dict[str, tuple[Tensor, float]] = {}
    if mode in ("prior", "auto"):
        w = torch.zeros(1, num)
        w[0, -1] = 1.0
        cands["prior"] = (w, 0.0)
    if mode in ("logreg", "auto"):
        x = torch.cat([_wide_inputs(b) for b in train]).numpy()
        y = torch.cat([b.label_true[b.rows] for b in train]).numpy()
        if y.all() or not y.any():
            raise ValueError("the training windows have a single class; change train_windows")
        for C in Cs:
            lr = LogisticRegression(C=float(C), max_iter=5000, random_state=seed).fit(x, y)
            cands[f"logreg_C{C:g}"] = (torch.from_numpy(lr.coef_).float(), float(lr.intercept_[0]))

    def val_ap(w: Tensor, c: float) -> float:
        pairs = [(b.label_true[b.rows], (_wide_inputs(b) @ w.T).view(-1) + c) for b in val]
        return _mean_rel_ap(pairs, -np.inf)[0]

    scores = {k: val_ap(w, c) for k, (w, c) in cands.items()}
    best = max(scores, key=lambda k: scores[k])  # first wins ties: the prior
    return (*cands[best], best, scores)


class HigherOrderLinkPrediction(pl.LightningModule):
    """BCE over the training triangles of all windows; validation: the mean over windows of the
    held-out triangles' relative AP (true labels), for selection; test on the 80% task."""

    def __init__(self, model: TriangleScorer, lr: float, weight_decay: float, pos_weight: float) -> None:
        super().__init__()
        self.model = model
        self.lr, self.weight_decay = lr, weight_decay
        self.register_buffer("pos_weight", torch.tensor(float(pos_weight)))
        self.test_results: dict[str, float] = {}

    def _logits(self, b: ClosureBundle) -> tuple[Tensor, Tensor, Tensor]:
        m = b.rows
        logits = self.model(b, b.tri[m], b.feats[m], b.qfeats[m], b.prior[m])
        return logits, b.label_true[m], b.label_ref[m]

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
        rel, auc = _mean_rel_ap(pairs, 0.0)
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

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=self.lr, weight_decay=self.weight_decay)


def _first(batch: list) -> Any:
    return batch[0]


class ClosureDataModule(pl.LightningDataModule):
    """Full batch: each stage yields one batch, the list of its windows' bundles."""

    def __init__(self, train: list[ClosureBundle], val: list[ClosureBundle], test: ClosureBundle) -> None:
        super().__init__()
        self.bundles = {"train": train, "val": val, "test": [test]}

    def _loader(self, stage: str) -> DataLoader:
        return DataLoader([self.bundles[stage]], batch_size=1, collate_fn=_first)

    def train_dataloader(self) -> DataLoader:
        return self._loader("train")

    def val_dataloader(self) -> DataLoader:
        return self._loader("val")

    def test_dataloader(self) -> DataLoader:
        return self._loader("test")

    def transfer_batch_to_device(self, batch: list[ClosureBundle], device: torch.device, dataloader_idx: int):
        return [b.to(device) for b in batch]


def prepare(
    cfg: DictConfig, seed: int
) -> tuple[list[ClosureBundle], list[ClosureBundle], ClosureBundle, dict]:
    """Build the leak-free training / validation bundles (one per training window) and the test
    bundle (the ``test_q`` → future task)."""
    tsc = load_benson(cfg.dataset.name, root=cfg.dataset.root, download=cfg.dataset.download)
    g = torch.Generator().manual_seed(seed)
    scores = tuple(cfg.classic_scores) if cfg.use_classic_features else ()
    taus = tuple(float(t) for t in cfg.recency_taus)
    tasks, raws, masks = [], [], []
    last = len(cfg.train_windows) - 1
    for w, (a, b) in enumerate(cfg.train_windows):
        task = ClosureTask.build(tsc, float(a), float(b))  # past <= a%, labels in (a%, b%]
        T = task.triangles.num_open
        val = torch.zeros(T, dtype=torch.bool)
        if cfg.validation == "last_window":  # temporal: the latest window only validates
            val[:] = w == last
        else:
            val[torch.randperm(T, generator=g)[: int(round(cfg.val_fraction * T))]] = True
        tasks.append(task)
        raws.append(triangle_features(task, scores, taus) if cfg.use_classic_features else np.zeros((T, 0)))
        masks.append(val)
    fit_rows = np.concatenate([r[~m.numpy()] for r, m in zip(raws, masks)])
    scaler = FeatureScaler.fit(fit_rows)  # training rows only
    train, val = [], []
    for task, raw, m in zip(tasks, raws, masks):
        bundle = make_bundle(task, scaler(raw), _quantiles(raw))
        if not bool(m.all()):
            train.append(bundle.with_mask(~m))
        if bool(m.any()):
            val.append(bundle.with_mask(m))
    # the evaluation task of hypergraph.closure (test_end < 100: an earlier development cut)
    test_task = ClosureTask.build(tsc, float(cfg.test_q), float(cfg.test_end))
    test_raw = triangle_features(test_task, scores, taus) if cfg.use_classic_features else None
    if test_raw is None:
        test_raw = np.zeros((test_task.triangles.num_open, 0))
    test = make_bundle(test_task, scaler(test_raw), _quantiles(test_raw))
    info = {
        "t_train_past_max": max(int(t.past.times.max()) for t in tasks),
        "t_train_future_max": max(int(t.future.times.max()) for t in tasks),
        "t_test_past_max": int(test_task.past.times.max()),
        "train_triangles": sum(int((~m).sum()) for m in masks),
        "train_positives": sum(int(t.closed[~m.numpy()].sum()) for t, m in zip(tasks, masks)),
    }
    return train, val, test, info


DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "contact-high-school", "root": "../shared/datasets", "download": False},
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
    "model": {"name": "hgnn", "hidden": 64, "num_layers": 2, "dropout": 0.5},
    "optim": {"lr": 0.005, "weight_decay": 1e-3},
    "trainer": dict(TRAINER_DEFAULTS, max_epochs=200),
}


def validate(cfg: DictConfig) -> None:
    if cfg.dataset.name not in BENSON_DATASETS:
        raise KeyError(
            f"unknown Benson dataset {cfg.dataset.name!r}; valid: {', '.join(sorted(BENSON_DATASETS))}"
        )
    check_kwargs(load_benson, {k: v for k, v in cfg.dataset.items() if k != "name"}, "dataset")
    validate_model(cfg.model)
    validate_trainer(cfg.trainer)
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
    pl.seed_everything(seed, workers=True, verbose=False)
    tr, va, te, _ = prepare(cfg, seed)
    hidden = int(cfg.model.hidden)
    in_ch = tr[0].hg.x.size(1) + int(cfg.node_embedding)
    encoder = build_model(cfg.model, in_ch, hidden, cached=True)  # one operator per window's past
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
