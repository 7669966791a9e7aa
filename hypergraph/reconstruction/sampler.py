"""The budgeted clique sampler of SHyRe (the authors' ``CliqueSampler``).

Train side (:func:`fit_sampler`): with ``M_n`` the maximal cliques of size ``n`` of the
projected training graph,

* ``E(n, k)`` = training hyperedges of size ``k`` contained in some clique of ``M_n``;
* ``Q(n, k) = |M_n| · C(n, k)``, the cost of enumerating all ``k``-subsets of ``M_n``
  (``1e8`` for pairs that do not occur, as in the reference);
* greedy plan under budget ``β``: with ``Γ_k`` the hyperedges collected so far and ``Ω_k``
  the unused ``n``, ``Δ_k = max_{n ∈ Ω_k} (|Γ_k ∪ E(n, k)| − |Γ_k|) / Q(n, k)``.  Repeatedly
  take ``k* = argmax Δ_k`` (ties: the larger ``k``) with its ``n`` (ties: the smaller ``n``), use
  the fraction ``r = min(β, Q) / Q`` of it, add ``E(n, k*)`` (a seeded random ``r``-fraction of
  it when ``r < 1``) to ``Γ_{k*}``, remove ``n`` from ``Ω_{k*}`` and subtract ``Q`` from ``β``;
  stop when ``β ≤ 0`` or every ``Δ`` is 0.

Query side (:func:`apply_plan`): for each step ``(n, k, r)`` take the first
``⌊r · |M'_n|⌋`` size-``n`` maximal cliques of the query graph *in the given clique order* and
emit all their ``k``-subsets.  The clique order therefore matters only for the steps with
``r < 1`` (at most the last one); :func:`reference_clique_order` reproduces the order of the
authors' code (Python set iteration order of the sorted clique tuples).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import comb

import numpy as np

from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import k_subsets
from hypergraph.progress import progress

MISSING_COST = 1e8  # the reference's cost of a (n, k) pair that has no cliques / hyperedges


@dataclass
class SamplerPlan:
    """An ordered plan of ``(n, k, r)`` steps and what it collected on the training side."""

    steps: list[tuple[int, int, float]]
    beta: float
    n_collected: int
    num_hyperedges: int
    table: dict[tuple[int, int], tuple[int, float]] = field(default_factory=dict)

    @property
    def train_recall(self) -> float:
        """Fraction of the training hyperedges collected by the plan."""
        return self.n_collected / max(self.num_hyperedges, 1)


def containment(hyperedges: NodeSets, cliques: NodeSets, num_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs ``(hyperedge, clique)`` with the hyperedge contained in the clique."""
    H = hyperedges.incidence(num_nodes)
    M = cliques.incidence(num_nodes)
    prod = (H @ M.T).tocoo()
    full = prod.data == hyperedges.sizes[prod.row]
    return prod.row[full].astype(np.int64), prod.col[full].astype(np.int64)


def sampler_table(
    cliques: NodeSets, hyperedges: NodeSets, num_nodes: int
) -> tuple[int, dict[int, np.ndarray], dict[tuple[int, int], float], dict[int, np.ndarray]]:
    """The statistic ``(N, E, Q, ids)``.

    ``ids[k]`` are the hyperedges of size ``k``; ``E[k]`` is a boolean ``[N + 1, m_k]`` matrix
    with ``E[k][n, j]`` true iff hyperedge ``ids[k][j]`` lies in a maximal clique of size ``n``;
    ``Q[(n, k)]`` is the enumeration cost.  ``N`` is the largest clique size that contains a
    hyperedge size (the reference's ``max(rho)``).
    """
    csizes = cliques.sizes
    hsizes = hyperedges.sizes
    clique_sizes = np.unique(csizes)
    edge_sizes = np.unique(hsizes)
    valid_n = [int(n) for n in clique_sizes if (edge_sizes <= n).any()]
    if not valid_n:
        raise ValueError("no maximal clique is as large as the smallest hyperedge")
    N = max(valid_n)
    counts = np.bincount(csizes, minlength=N + 1)
    Q: dict[tuple[int, int], float] = {}
    for n in valid_n:
        for k in edge_sizes.tolist():
            if k <= n:
                Q[(n, int(k))] = int(counts[n]) * comb(n, int(k))
    he, cl = containment(hyperedges, cliques, num_nodes)
    E: dict[int, np.ndarray] = {}
    ids: dict[int, np.ndarray] = {}
    pos = np.zeros(len(hyperedges), dtype=np.int64)
    for k in range(1, N + 1):
        ids[k] = np.flatnonzero(hsizes == k)
        pos[ids[k]] = np.arange(ids[k].size)
        E[k] = np.zeros((N + 1, ids[k].size), dtype=bool)
    n_of = csizes[cl]
    k_of = hsizes[he]
    ok = n_of <= N
    for k in np.unique(k_of[ok]).tolist():
        sel = ok & (k_of == k)
        E[k][n_of[sel], pos[he[sel]]] = True
    return N, E, Q, ids


def fit_sampler(
    cliques: NodeSets, hyperedges: NodeSets, num_nodes: int, beta: float, seed: int = 0
) -> SamplerPlan:
    """Learn the greedy budgeted plan on a training hypergraph (see the module docstring); on a
    terminal a progress bar shows the budget spent."""
    N, E, Q, ids = sampler_table(cliques, hyperedges, num_nodes)
    rng = np.random.default_rng(seed)

    def cost(n: int, k: int) -> float:
        return Q.get((n, k), MISSING_COST)

    gamma = {k: np.zeros(ids[k].size, dtype=bool) for k in range(1, N + 1)}
    avail = {k: np.zeros(N + 1, dtype=bool) for k in range(1, N + 1)}
    for k in range(1, N + 1):
        avail[k][k:] = True

    def update(k: int) -> tuple[float, int]:
        ns = np.flatnonzero(avail[k])
        if ns.size == 0:
            return 0.0, 0
        gain = (E[k][ns] & ~gamma[k][None, :]).sum(axis=1)
        eff = [int(g) / cost(int(n), k) for g, n in zip(gain, ns)]  # Python floats, as reference
        best = int(np.argmax(eff))  # first maximum: the smallest n among ties
        return eff[best], int(ns[best])

    delta, best_n = {}, {}
    for k in range(1, N + 1):
        delta[k], best_n[k] = update(k)
    steps: list[tuple[int, int, float]] = []
    budget = float(beta)
    with progress(total=float(beta), desc="SHyRe sampler plan", unit="cost", unit_scale=True) as bar:
        while budget > 0:
            k = max((d, kk) for kk, d in delta.items())[1]  # ties: the larger k
            n = best_n[k]
            q = cost(n, k)
            r = min(budget, q) / q
            steps.append((n, k, r))
            members = np.flatnonzero(E[k][n]) if n <= N else np.zeros(0, dtype=np.int64)
            if r < 1:
                members = rng.choice(members, size=int(r * members.size), replace=False)
            gamma[k][members] = True
            avail[k][n] = False
            bar.update(min(budget, q))  # the budget spent
            budget -= q
            delta[k], best_n[k] = update(k)
            if max(delta.values()) == 0:
                break
    table = {key: (int(E[key[1]][key[0]].sum()), float(q)) for key, q in Q.items()}
    n_collected = int(sum(g.sum() for g in gamma.values()))
    return SamplerPlan(steps, float(beta), n_collected, len(hyperedges), table)


def apply_plan(plan: SamplerPlan, cliques: NodeSets) -> tuple[NodeSets, np.ndarray, np.ndarray]:
    """Sample sub-cliques of ``cliques`` (in their given order) following ``plan``.

    Returns ``(children, parent, step)``: the emitted ``k``-subsets (sorted sets, in emission
    order; ``k == n`` emits the clique itself), the clique each came from and the plan step.
    On a terminal a progress bar counts the plan steps done.
    """
    sizes = cliques.sizes
    by_size: dict[int, np.ndarray] = {}
    out_rows: list[NodeSets] = []
    parents, steps = [], []
    for t, (n, k, r) in enumerate(progress(plan.steps, desc="SHyRe sampling", unit="step")):
        if n not in by_size:
            by_size[n] = np.flatnonzero(sizes == n)
        take = int(by_size[n].size * r)
        if take == 0 or k > n or k < 1:
            continue
        ids, rows = cliques.rows_of_size(n)
        ids, rows = ids[:take], rows[:take]
        sub = k_subsets(rows, k)
        per = sub.shape[0] // take
        out_rows.append(NodeSets.from_rows(sub))
        parents.append(np.repeat(ids, per))
        steps.append(np.full(sub.shape[0], t, dtype=np.int64))
    children = NodeSets.cat(out_rows)
    parent = np.concatenate(parents) if parents else np.zeros(0, dtype=np.int64)
    step = np.concatenate(steps) if steps else np.zeros(0, dtype=np.int64)
    return children, parent, step


def reference_clique_order(cliques: NodeSets) -> np.ndarray:
    """The permutation giving the reference code's clique order.

    The authors store the maximal cliques as ``set(sorted(tuples))`` and iterate that set, so
    their order is CPython's set iteration order (deterministic: tuples of ints hash without
    randomisation).  This reproduces it with the same builtins (C-level set and sort
    operations on the tuples; used for exact comparability with the reference results).
    """
    tuples = cliques.to_tuples()
    index = {t: i for i, t in enumerate(tuples)}
    return np.fromiter((index[t] for t in set(sorted(tuples))), dtype=np.int64, count=len(tuples))
