"""Features of the learned simplicial-closure predictor (see
:mod:`hypergraph.tasks.higher_order_link_prediction` for the protocol and the model).

Per open triangle of a window: permutation-invariant structural features, the classic scores of
:mod:`hypergraph.closure.scores`, recency-weighted edge weights; a scaler fitted on training rows
only; each window packed as a :class:`ClosureBundle`; and the choice of the wide part's start.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from hypergraph.closure.evaluate import (
    SCORES,
    ClosureTask,
    cached_neighbor_counts,
    logreg_features,
    relative_ap,
)
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.temporal import TemporalSimplicialComplex
from hypergraph.progress import progress

CLASSIC_SCORES = (
    "harm_mean", "geom_mean", "arith_mean", "min", "max", "common", "jaccard", "adamic_adar",
    "proj_graph_PA", "simplex_PA", "UPKatz", "WPKatz", "UPPR", "WPPR",
)  # fmt: skip
FEATURE_BITS = 34  # significant bits kept of each raw triangle feature (round_mantissa)
WIDE_DIGITS = 6  # significant decimal digits kept of the wide part's logistic regression


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
    return round_mantissa(np.nan_to_num(raw, nan=0.0, posinf=0.0, neginf=0.0))


def round_mantissa(x: np.ndarray, bits: int = FEATURE_BITS) -> np.ndarray:
    """``x`` rounded to ``bits`` significant binary digits (34 ≈ 10 decimal digits).

    The features are ranked (:func:`_quantiles`) and fed to a selection step, so a last-bit
    difference (a SIMD ``exp`` or ``log``, the summation order of a BLAS call, ARPACK's Katz)
    could break or make a tie and move the selected model.  Rounding far above float64's
    resolution makes such noise vanish unless a value lies within it of a rounding boundary."""
    m, e = np.frexp(np.asarray(x, dtype=np.float64))
    return np.ldexp(np.round(m * 2.0**bits) / 2.0**bits, e)


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


def _wide_inputs(b: ClosureBundle) -> Tensor:
    return torch.cat([b.feats, b.prior[:, None]], 1)[b.rows]


def mean_rel_ap(pairs: list[tuple[Tensor, Tensor]], empty: float) -> tuple[float, float]:
    """Mean over windows of ``(relative AP, AUC)`` for ``(labels, scores)`` pairs (``empty`` when
    no window has both classes)."""
    res = np.array([relative_ap(y.cpu().numpy(), s.detach().cpu().numpy()) for y, s in pairs])
    return tuple(float(np.nanmean(c)) if np.isfinite(c).any() else empty for c in res.T)


def _round_sig(x: np.ndarray, digits: int) -> np.ndarray:
    """``x`` rounded to ``digits`` significant decimal digits."""
    x = np.asarray(x, dtype=np.float64)
    mag = np.floor(np.log10(np.abs(np.where(x == 0, 1.0, x))))
    return np.round(x / 10.0**mag, digits - 1) * 10.0**mag


def select_wide(
    train: list[ClosureBundle], val: list[ClosureBundle], mode: str, Cs: list[float], seed: int
) -> tuple[Tensor, float, str, dict[str, float]]:
    """Choose the wide part's starting point on the validation triangles.

    Candidates: the geometric mean (``mode`` ``"prior"`` or ``"auto"``) and L2-regularised
    logistic regressions on ``[f ‖ prior]`` of the training triangles of all windows, one per
    ``C`` (``"logreg"`` or ``"auto"``; scikit-learn, L-BFGS in float64 to ``tol=1e-10`` on one
    BLAS thread, coefficients rounded to ``WIDE_DIGITS`` significant digits, so that the choice
    does not depend on the thread count).  Returns ``(weight [1, F + 1],
    bias, chosen name, {candidate: validation relative AP})``."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    num = train[0].feats.size(1) + 1
    cands: dict[str, tuple[Tensor, float]] = {}
    if mode in ("prior", "auto"):
        w = torch.zeros(1, num)
        w[0, -1] = 1.0
        cands["prior"] = (w, 0.0)
    if mode in ("logreg", "auto"):
        x = torch.cat([_wide_inputs(b) for b in train]).double().numpy()
        y = torch.cat([b.label_true[b.rows] for b in train]).numpy()
        if y.all() or not y.any():
            raise ValueError("the training windows have a single class; change train_windows")
        for C in Cs:
            # float64, a tight tolerance and one BLAS thread: the (strictly convex) optimum is
            # then reached to far below WIDE_DIGITS, whatever OMP_NUM_THREADS is; with the
            # default tol=1e-4 on float32 input, L-BFGS stopped at a point that moved the
            # weights by up to 0.05 between one and two OpenBLAS threads
            with threadpool_limits(1):
                lr = LogisticRegression(C=float(C), tol=1e-10, max_iter=20000, random_state=seed).fit(x, y)
            coef = _round_sig(np.concatenate([lr.coef_.ravel(), lr.intercept_]), WIDE_DIGITS)
            cands[f"logreg_C{C:g}"] = (torch.from_numpy(coef[None, :-1]).float(), float(coef[-1]))

    def val_ap(w: Tensor, c: float) -> float:
        pairs = [(b.label_true[b.rows], (_wide_inputs(b) @ w.T).view(-1) + c) for b in val]
        return mean_rel_ap(pairs, -np.inf)[0]

    scores = {k: val_ap(w, c) for k, (w, c) in cands.items()}
    best = max(scores, key=lambda k: scores[k])  # first wins ties: the prior
    return (*cands[best], best, scores)


def build_windows(
    tsc: TemporalSimplicialComplex,
    train_windows: list[tuple[float, float]],
    test_q: float = 80.0,
    test_end: float = 100.0,
    validation: str = "last_window",
    val_fraction: float = 0.2,
    scores: tuple[str, ...] | None = CLASSIC_SCORES,
    taus: tuple[float, ...] = (),
    seed: int = 0,
) -> tuple[list[ClosureBundle], list[ClosureBundle], ClosureBundle, dict]:
    """Build the leak-free training / validation bundles (one per training window) and the test
    bundle (the ``test_q`` → ``test_end`` task).  ``scores=None`` uses no triangle features."""
    g = torch.Generator().manual_seed(seed)
    use_features = scores is not None
    scores = tuple(scores or ())
    tasks, raws, masks = [], [], []
    last = len(train_windows) - 1
    for w, (a, b) in enumerate(progress(train_windows, desc="closure windows", unit="window")):
        task = ClosureTask.build(tsc, float(a), float(b))  # past <= a%, labels in (a%, b%]
        T = task.triangles.num_open
        val = torch.zeros(T, dtype=torch.bool)
        if validation == "last_window":  # temporal: the latest window only validates
            val[:] = w == last
        else:
            val[torch.randperm(T, generator=g)[: int(round(val_fraction * T))]] = True
        tasks.append(task)
        raws.append(triangle_features(task, scores, taus) if use_features else np.zeros((T, 0)))
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
    test_task = ClosureTask.build(tsc, float(test_q), float(test_end))
    test_raw = triangle_features(test_task, scores, taus) if use_features else None
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
