"""SHyRe end to end: ``SHyRe(beta).fit(train_hypergraph).reconstruct(projected_graph)``.

Candidates of a graph are all its maximal cliques followed by the sub-cliques sampled by the
learned plan (deduplicated).  Features (``"count"`` or ``"motif"``) are z-scored within each
graph, as in the reference; two classifiers are trained, one on maximal-clique candidates and
one on sub-clique candidates, and a candidate is kept when its probability exceeds 0.5.

Ordering (``order=``): ``"reference"`` reproduces the authors' order of maximal cliques
(which decides the cliques taken by a plan step with ``r < 1``) and of sub-clique candidates
(which is the order of the classifier's training rows, so it changes the mini-batches of the
MLP); ``"sorted"`` uses a lexicographic order instead (results differ slightly).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import isin_sets, unique_sets
from hypergraph.progress import progress
from hypergraph.reconstruction.classifier import make_classifier
from hypergraph.reconstruction.features import GraphStats, count_features, motif_features
from hypergraph.reconstruction.projection import (
    as_adjacency,
    clique_expansion,
    hypergraph_sets,
    maximal_cliques,
)
from hypergraph.reconstruction.sampler import SamplerPlan, apply_plan, fit_sampler, reference_clique_order

EPS = 1e-8
FEATURES = ("count", "motif")
ORDERS = ("reference", "sorted")


def _next_stage(bar: Any, stage: str | None) -> None:
    """Count the stage just finished on a stage bar and show the name of the next one."""
    bar.update()
    if stage is not None:
        bar.set_postfix_str(stage)


def sorted_order(sets: NodeSets) -> np.ndarray:
    """Permutation ordering sets by size, then lexicographically."""
    out = []
    for k in np.unique(sets.sizes).tolist():
        ids, rows = sets.rows_of_size(k)
        out.append(ids[np.lexsort(rows.T[::-1])] if k else ids)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


@dataclass
class CandidatePool:
    """Candidates of one graph: maximal cliques first (``num_max``), then sampled sub-cliques."""

    stats: GraphStats
    candidates: NodeSets
    num_max: int
    parent_count: np.ndarray
    timings: dict[str, float] = field(default_factory=dict)


def _reference_nested(
    cliques: NodeSets, children: NodeSets, parent: np.ndarray, nested: NodeSets
) -> np.ndarray:
    """Order of ``nested`` as the reference's ``set(child2parents) - set(max_cliques)``."""
    if len(nested) == 0:
        return np.zeros(0, dtype=np.int64)
    # child2parents insertion order: parents by first emission, then each parent's children
    first = np.full(len(cliques), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, parent, np.arange(parent.size, dtype=np.int64))
    rec = np.lexsort((np.arange(parent.size), first[parent]))
    keys, _ = unique_sets(children.select(rec))
    max_set = set(sorted(cliques.to_tuples()))
    diff = set(keys.to_tuples()) - max_set
    index = {t: i for i, t in enumerate(nested.to_tuples())}
    return np.fromiter((index[t] for t in diff), dtype=np.int64, count=len(index))


def build_pool(
    adj, plan: SamplerPlan, order: str = "reference", cliques: NodeSets | None = None
) -> CandidatePool:
    """Maximal cliques of ``adj`` (computed unless given) and the sub-cliques the plan samples."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    if cliques is None:
        cliques = maximal_cliques(adj)
    perm = reference_clique_order(cliques) if order == "reference" else sorted_order(cliques)
    cliques = cliques.select(perm)
    timings["cliques"] = time.perf_counter() - t
    t = time.perf_counter()
    children, parent, _ = apply_plan(plan, cliques)
    csize = cliques.sizes
    self_child = children.sizes == csize[parent]
    parent_count_max = np.bincount(parent[self_child], minlength=len(cliques)).astype(np.float64)
    sub = children.select(np.flatnonzero(~self_child))
    nested, inv = unique_sets(sub)
    counts = np.bincount(inv, minlength=len(nested)).astype(np.float64)
    if order == "reference":
        perm = _reference_nested(cliques, children, parent, nested)
    else:
        perm = sorted_order(nested)
    nested, counts = nested.select(perm), counts[perm]
    candidates = NodeSets.cat([cliques, nested])
    timings["sampling"] = time.perf_counter() - t
    t = time.perf_counter()
    stats = GraphStats(adj, cliques)
    timings["graph_stats"] = time.perf_counter() - t
    return CandidatePool(stats, candidates, len(cliques), np.concatenate([parent_count_max, counts]), timings)


def pool_features(pool: CandidatePool, kind: str) -> np.ndarray:
    """Raw (unscaled) features of the pool's candidates."""
    if kind == "count":
        return count_features(pool.stats, pool.candidates, pool.num_max, pool.parent_count)
    if kind == "motif":
        return motif_features(pool.stats, pool.candidates)
    raise ValueError(f"unknown features {kind!r}; valid: {', '.join(FEATURES)}")


def zscore(X: np.ndarray) -> np.ndarray:
    """Column z-scores ``(X - mean) / (std + 1e-8)`` (the reference's per-graph scaling)."""
    return (X - X.mean(axis=0, keepdims=True)) / (X.std(axis=0, keepdims=True) + EPS)


@dataclass
class Reconstruction:
    """The reconstructed hyperedges of a query graph and what produced them."""

    hyperedges: NodeSets
    num_nodes: int
    pool: CandidatePool
    scores: np.ndarray
    timings: dict[str, float]

    def to_hypergraph(self) -> Hypergraph:
        return self.hyperedges.to_hypergraph(self.num_nodes)


class SHyRe:
    """Supervised hypergraph reconstruction (Wang & Kleinberg, ICLR 2024).

    Args:
        beta: the sampling budget of the clique sampler (per dataset, see the spec).
        features: ``"count"`` (9 features) or ``"motif"`` (54 motif statistics, of which the
            first 9 and the 10 best by ANOVA F on the training candidates are used).
        classifier: ``"sklearn"`` (the reference's ``MLPClassifier``) or a classifier factory
            (see :func:`~hypergraph.reconstruction.classifier.make_classifier`).
        seed: seeds the classifier and the sampler's random sub-selection (reporting only).
        order: ``"reference"`` or ``"sorted"`` (see the module docstring).
        k_best: motif features kept by ``SelectKBest`` (beyond the first 9 columns).
        classifier_kwargs: passed to the classifier (e.g. ``trainer_factory`` for Lightning).
    """

    def __init__(
        self,
        beta: float,
        features: str = "count",
        classifier: str | Callable[..., Any] = "sklearn",
        seed: int = 123,
        order: str = "reference",
        k_best: int = 10,
        classifier_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if features not in FEATURES:
            raise ValueError(f"unknown features {features!r}; valid: {', '.join(FEATURES)}")
        if order not in ORDERS:
            raise ValueError(f"unknown order {order!r}; valid: {', '.join(ORDERS)}")
        if beta <= 0:
            raise ValueError(f"beta must be positive, got {beta}")
        self.beta, self.features, self.classifier = float(beta), features, classifier
        self.seed, self.order, self.k_best = int(seed), order, int(k_best)
        self.classifier_kwargs = dict(classifier_kwargs or {})
        make_classifier(classifier, seed)  # validate the name early
        self.plan: SamplerPlan | None = None
        self.models: tuple[Any, Any] | None = None
        self.selector = None
        self.timings: dict[str, float] = {}
        self.train_pool: CandidatePool | None = None

    # ------------------------------------------------------------------ training
    def fit(self, train: Hypergraph | NodeSets, num_nodes: int | None = None) -> SHyRe:
        """Learn the sampler plan and the classifiers from a training hypergraph (on a terminal,
        a progress bar names the stage running)."""
        timings: dict[str, float] = {}
        with progress(total=6, desc="SHyRe fit", unit="stage", postfix="projection") as bar:
            t = time.perf_counter()
            if isinstance(train, Hypergraph):
                sets, n = hypergraph_sets(train), train.num_nodes
            else:
                sets, n = unique_sets(train)[0], (train.num_nodes() if num_nodes is None else num_nodes)
            adj = clique_expansion(sets, n)
            timings["projection"] = time.perf_counter() - t
            _next_stage(bar, "maximal cliques")
            t = time.perf_counter()
            cliques = maximal_cliques(adj)
            timings["sampler_cliques"] = time.perf_counter() - t
            _next_stage(bar, "sampler plan")
            t = time.perf_counter()
            self.plan = fit_sampler(cliques, sets, n, self.beta, seed=self.seed)
            timings["sampler_fit"] = time.perf_counter() - t
            _next_stage(bar, "candidates")
            pool = build_pool(adj, self.plan, self.order, cliques=cliques)
            for k, v in pool.timings.items():
                timings[f"train_{k}"] = v
            _next_stage(bar, f"{self.features} features")
            t = time.perf_counter()
            X = zscore(pool_features(pool, self.features))
            timings["train_features"] = time.perf_counter() - t
            _next_stage(bar, "classifiers")
            y = isin_sets(pool.candidates, sets).astype(np.int64)
            self.fit_classifiers(X, y, pool.num_max, timings)
            _next_stage(bar, None)
        self.train_pool = pool
        self.timings = timings
        return self

    def fit_classifiers(self, X: np.ndarray, y: np.ndarray, num_max: int, timings: dict[str, float]) -> None:
        """Select motif columns (if any) and train the two classifiers."""
        if self.features == "motif" and self.k_best > 0:
            import warnings

            from sklearn.feature_selection import SelectKBest

            self.selector = SelectKBest(k=min(self.k_best, X.shape[1] - 9))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.simplefilter("ignore", UserWarning)
                self.selector.fit(X[:, 9:], y)
            X = self._select(X)
        t = time.perf_counter()
        m1 = make_classifier(self.classifier, self.seed, **self.classifier_kwargs)
        m2 = make_classifier(self.classifier, self.seed, **self.classifier_kwargs)
        self.models = (m1.fit(X[:num_max], y[:num_max]), m2.fit(X[num_max:], y[num_max:]))
        timings["train_classifier"] = time.perf_counter() - t

    def _select(self, X: np.ndarray) -> np.ndarray:
        if self.selector is None:
            return X
        return np.hstack([X[:, :9], self.selector.transform(X[:, 9:])])

    # ---------------------------------------------------------------- inference
    def reconstruct_detailed(self, graph, num_nodes: int | None = None) -> Reconstruction:
        """Reconstruct from a projected graph (scipy sparse adjacency, ``[2, E]`` edge_index
        with ``num_nodes``, or a networkx graph on ``0..N-1``); on a terminal a progress bar
        names the stage running."""
        if self.plan is None or self.models is None:
            raise RuntimeError("call fit() before reconstruct()")
        adj = as_adjacency(graph, num_nodes)
        timings: dict[str, float] = {}
        with progress(total=3, desc="SHyRe reconstruct", unit="stage", postfix="candidates") as bar:
            pool = build_pool(adj, self.plan, self.order)
            timings.update(pool.timings)
            _next_stage(bar, f"{self.features} features")
            t = time.perf_counter()
            X = self._select(zscore(pool_features(pool, self.features)))
            timings["features"] = time.perf_counter() - t
            _next_stage(bar, "predict")
            t = time.perf_counter()
            nm = pool.num_max
            scores = np.concatenate(
                [self.models[0].predict_proba1(X[:nm]), self.models[1].predict_proba1(X[nm:])]
            )
            keep = np.flatnonzero(scores > 0.5)
            timings["predict"] = time.perf_counter() - t
            _next_stage(bar, None)
        return Reconstruction(pool.candidates.select(keep), adj.shape[0], pool, scores, timings)

    def reconstruct(self, graph, num_nodes: int | None = None) -> Hypergraph:
        """The reconstructed hypergraph of a projected graph (see :meth:`reconstruct_detailed`)."""
        return self.reconstruct_detailed(graph, num_nodes).to_hypergraph()


def fit(train: Hypergraph, beta: float, **kwargs: Any) -> SHyRe:
    """``SHyRe(beta, **kwargs).fit(train)``."""
    return SHyRe(beta, **kwargs).fit(train)


def reconstruct(model: SHyRe, graph, num_nodes: int | None = None) -> Hypergraph:
    """``model.reconstruct(graph, num_nodes)``."""
    return model.reconstruct(graph, num_nodes)
