"""The open-triangle closure prediction task: data preparation, features, logistic regression,
metrics and a runner for every score.

Protocol (ScHoLP-Tutorial ``open_triangle_prediction.jl``): past = simplices with
``t <= round(percentile(t, 80))``, future = the rest; candidates = open triangles of the past;
label = some future simplex contains the triangle (``label_mode="true"``) or the same with the
authors' ordering quirk (``label_mode="reference"``, see :meth:`ClosureTriangles.labels`).
Metric: average precision divided by the positive rate, and ROC AUC (scikit-learn).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from hypergraph.closure import scores as S
from hypergraph.closure.triangles import ClosureTriangles, closure_type_counts, enumerate_open_triangles
from hypergraph.data.temporal import TemporalSimplicialComplex
from hypergraph.progress import progress

__all__ = [
    "LABEL_MODES",
    "SCORES",
    "ClosureTask",
    "evaluate_scores",
    "logreg_features",
    "logreg_scores",
    "relative_ap",
]

LABEL_MODES = ("true", "reference")


class _Clock:
    """Wall and process-CPU seconds of consecutive stages."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._t = (time.perf_counter(), time.process_time())

    def lap(self, name: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self.wall[name] = self.wall.get(name, 0.0) + now[0] - self._t[0]
        self.cpu[name] = self.cpu.get(name, 0.0) + now[1] - self._t[1]
        self._t = now


def _mode(label_mode: str) -> str:
    if label_mode == "paper":
        return "reference"
    if label_mode not in LABEL_MODES:
        raise ValueError(f"label_mode must be one of {LABEL_MODES}, got {label_mode!r}")
    return label_mode


def relative_ap(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """``(average precision / positive rate, ROC AUC)``; NaN when a class is missing."""
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    if labels.size == 0 or labels.all() or not labels.any():
        return float("nan"), float("nan")
    ap = average_precision_score(labels, scores)
    return float(ap / labels.mean()), float(roc_auc_score(labels, scores))


@dataclass
class ClosureTask:
    """Open triangles of the past of a complex with their labels (both modes)."""

    complex: TemporalSimplicialComplex
    past: TemporalSimplicialComplex
    future: TemporalSimplicialComplex
    triangles: ClosureTriangles
    closed: np.ndarray  # true closure labels
    q: float = 80.0
    timings: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict, repr=False)

    @property
    def cpu_timings(self) -> dict:
        """CPU seconds of the stages of :meth:`build` (less noisy than wall time when shared)."""
        return self.cache.get("cpu", {})

    @classmethod
    def build(cls, tsc: TemporalSimplicialComplex, q: float = 80.0, q_end: float = 100.0) -> ClosureTask:
        clock = _Clock()
        past, future = tsc.split(q, q_end)
        clock.lap("split")
        ct = enumerate_open_triangles(past)
        clock.lap("enumerate")
        closed = ct.labels(future, "true")
        clock.lap("label")
        return cls(tsc, past, future, ct, closed, q, clock.wall, {"cpu": clock.cpu})

    def labels(self, label_mode: str = "true") -> np.ndarray:
        if _mode(label_mode) == "true":
            return self.closed
        return self.closed & (self.triangles.tri[:, 0] < self.triangles.tri[:, 1])

    def closure_types(self) -> dict[str, tuple[int, int]]:
        return closure_type_counts(self.triangles, self.future)


# ------------------------------------------------------------------ logistic regression
def logreg_features(ct: ClosureTriangles, counts: np.ndarray | None = None, order: str = "id") -> np.ndarray:
    """The 26 features of ScHoLP-Tutorial, in its order, for triangles ``(a, b, c)``:
    ``W_ab, W_bc, W_ac, d_a, d_b, d_c, s_a, s_b, s_c, |N_ab|, |N_ac|, |N_bc|, |N_abc|``, the log
    of the first nine and ``log(1 + x)`` of the four neighbour counts.

    ``order="id"`` (default) takes the nodes of each triangle in id order, as the reference code
    does; it reproduces the authors' logistic-regression numbers.  In ``reference`` label mode
    this lets the classifier learn the ordering quirk itself (whether the id-minimal node is also
    the degree-minimal one is visible in ``d_a, d_b, d_c``), which is why the paper's LogReg column
    is so much higher than in ``true`` mode.  ``order="degree"`` uses the enumeration order
    ``(i, j, k)`` (``i`` the (degree, id)-minimal node, ``j < k``).  ``counts`` are
    :func:`~hypergraph.closure.scores.neighbor_counts` in enumeration order (only ``|N_ijk|``,
    which does not depend on the order, is reused for ``order="id"``).
    """
    if order not in ("id", "degree"):
        raise ValueError(f"order must be 'id' or 'degree', got {order!r}")
    g = ct.graph
    c = S.neighbor_counts(ct) if counts is None else counts
    if order == "degree":
        t = ct.tri.astype(np.int64)
        w = ct.weights().astype(np.float64)
    else:
        t = np.sort(ct.tri.astype(np.int64), axis=1)
        a, b, cc = t[:, 0], t[:, 1], t[:, 2]
        e = np.stack([g.edge_id(a, b), g.edge_id(b, cc), g.edge_id(a, cc)], axis=1)
        w = g.edge_w[e].astype(np.float64)
        et = ct.edge_triangles
        c = np.stack([et[e[:, 0]], et[e[:, 2]], et[e[:, 1]], c[:, 3]], axis=1).astype(np.float64)
    base = np.concatenate(
        [w, g.degree[t].astype(np.float64), g.simplex_degree[t].astype(np.float64), c], axis=1
    )
    return np.concatenate([base, np.log(base[:, :9]), np.log1p(base[:, 9:13])], axis=1)


def logreg_scores(task: ClosureTask, label_mode: str = "true", seed: int = 0) -> np.ndarray:
    """Train on the open triangles of the first 60% labelled by closure in (60%, 80%], score the
    80% task (scikit-learn ``LogisticRegression(solver="liblinear")``, C=1, with intercept, the
    default of the scikit-learn release the authors called)."""
    tsc = task.complex
    key = ("train", task.q)
    if key not in task.cache:  # the 60% task is shared by both label modes
        train = ClosureTask.build(tsc, task.q - 20.0, task.q)
        task.cache[key] = (train, logreg_features(train.triangles))
    train, x_train = task.cache[key]
    y = train.labels(label_mode)
    if y.all() or not y.any():
        raise ValueError("logistic regression: the 60% training set has a single class")
    model = LogisticRegression(solver="liblinear", C=1.0, fit_intercept=True, random_state=seed)
    model.fit(x_train, y)
    if "features" not in task.cache:
        task.cache["features"] = logreg_features(task.triangles, cached_neighbor_counts(task))
    return model.predict_proba(task.cache["features"])[:, 1]


# --------------------------------------------------------------------------- runner
def cached_neighbor_counts(task: ClosureTask) -> np.ndarray:
    if "counts" not in task.cache:
        task.cache["counts"] = S.neighbor_counts(task.triangles)
    return task.cache["counts"]


SCORES: dict[str, Callable[[ClosureTask], np.ndarray]] = {
    "harm_mean": lambda t: S.generalized_mean(t.triangles, -1.0),
    "geom_mean": lambda t: S.generalized_mean(t.triangles, 0.0),
    "arith_mean": lambda t: S.generalized_mean(t.triangles, 1.0),
    "min": lambda t: S.generalized_mean(t.triangles, -np.inf),
    "max": lambda t: S.generalized_mean(t.triangles, np.inf),
    "common": lambda t: cached_neighbor_counts(t)[:, 3],
    "jaccard": lambda t: S.jaccard(t.triangles, cached_neighbor_counts(t)),
    "adamic_adar": lambda t: S.adamic_adar(t.triangles),
    "proj_graph_PA": lambda t: S.pref_attach(t.triangles),
    "simplex_PA": lambda t: S.simplex_pref_attach(t.triangles),
    "UPKatz": lambda t: S.katz(t.triangles, weighted=False),
    "WPKatz": lambda t: S.katz(t.triangles, weighted=True),
    "UPPR": lambda t: S.personalized_pagerank(t.triangles, weighted=False),
    "WPPR": lambda t: S.personalized_pagerank(t.triangles, weighted=True),
    "SimpPPR": lambda t: S.simplicial_ppr(t.triangles),
}
WALK_SCORES = ("UPKatz", "WPKatz", "UPPR", "WPPR")


def evaluate_scores(
    task: ClosureTask,
    names: list[str] | None = None,
    label_modes: tuple[str, ...] = ("reference", "true"),
    logreg: bool = True,
) -> dict[str, dict]:
    """Compute each score once and evaluate it under each label mode.

    Returns ``{score: {"time": wall s, "cpu": CPU s, mode: (ap_ratio, auc), ...}}``; logistic regression
    (``"logreg"``) is trained separately for each label mode.  On a terminal a progress bar
    counts the scores done.
    """
    names = list(SCORES) if names is None else names
    for name in names:
        if name not in SCORES:
            raise KeyError(f"unknown score {name!r}; valid: {', '.join(SCORES)}")
    out: dict[str, dict] = {}
    labels = {m: task.labels(m) for m in label_modes}
    with progress(total=len(names) + bool(logreg), desc="closure scores", unit="score") as bar:
        for name in names:
            bar.set_postfix_str(name)
            t0, c0 = time.perf_counter(), time.process_time()
            sc = SCORES[name](task)
            res: dict = {"time": time.perf_counter() - t0, "cpu": time.process_time() - c0}
            for m in label_modes:
                res[m] = relative_ap(labels[m], sc)
            out[name] = res
            bar.update()
        if logreg:
            bar.set_postfix_str("logreg")
            res = {"time": 0.0, "cpu": 0.0}
            for m in label_modes:
                t0, c0 = time.perf_counter(), time.process_time()
                res[m] = relative_ap(labels[m], logreg_scores(task, m))
                res["time"] += time.perf_counter() - t0
                res["cpu"] += time.process_time() - c0
            out["logreg"] = res
            bar.update()
    return out
