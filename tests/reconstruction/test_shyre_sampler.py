"""The clique sampler's statistic, greedy plan and test-time application (hand-computed)."""

from __future__ import annotations

import pytest

from hypergraph.data.node_sets import NodeSets
from hypergraph.reconstruction.projection import clique_expansion, maximal_cliques
from hypergraph.reconstruction.sampler import apply_plan, fit_sampler, sampler_table

# hyperedges {0,1,2}, {0,1}, {2,3}, {4}: maximal cliques {0,1,2}, {2,3}, {4}
H = NodeSets.from_iterable([[0, 1, 2], [0, 1], [2, 3], [4]])


def _cliques():
    return maximal_cliques(clique_expansion(H, 5))


def test_statistic_by_hand():
    N, E, Q, ids = sampler_table(_cliques(), H, 5)
    assert N == 3
    # E(n, k) as sets of hyperedge ids
    got = {(n, k): set(ids[k][E[k][n]].tolist()) for k in range(1, 4) for n in range(k, 4)}
    assert got == {(1, 1): {3}, (2, 1): set(), (3, 1): set(), (2, 2): {2}, (3, 2): {1}, (3, 3): {0}}
    # Q(n, k) = |M_n| * C(n, k)
    assert Q == {(1, 1): 1, (2, 1): 2, (2, 2): 1, (3, 1): 3, (3, 2): 3, (3, 3): 1}


def test_plan_by_hand_small_budget():
    # Δ1 = 1 (n=1), Δ2 = 1 (n=2), Δ3 = 1 (n=3); ties -> larger k:
    # (3,3) β 5->4; (2,2) β->3, Δ2 = 1/3 (n=3); (1,1) β->2, Δ1 = 0; (3,2): r = 2/3, β->-1.
    plan = fit_sampler(_cliques(), H, 5, beta=5)
    assert [(n, k) for n, k, _ in plan.steps] == [(3, 3), (2, 2), (1, 1), (3, 2)]
    assert [r for _, _, r in plan.steps] == pytest.approx([1, 1, 1, 2 / 3])
    assert plan.n_collected == 3  # int(2/3 * 1) = 0 hyperedges sampled at the last step


def test_plan_stops_when_nothing_left_to_gain():
    plan = fit_sampler(_cliques(), H, 5, beta=100)
    assert [(n, k, r) for n, k, r in plan.steps] == [(3, 3, 1.0), (2, 2, 1.0), (1, 1, 1.0), (3, 2, 1.0)]
    assert plan.n_collected == 4 and plan.train_recall == 1.0


def test_apply_plan_takes_first_fraction_in_given_order():
    cliques = _cliques()
    plan = fit_sampler(cliques, H, 5, beta=100)
    children, parent, step = apply_plan(plan, cliques)
    by_step = {}
    for c, p, s in zip(children.to_tuples(), parent.tolist(), step.tolist()):
        by_step.setdefault(s, []).append((c, cliques.to_tuples()[p]))
    assert by_step[3] == [((0, 1), (0, 1, 2)), ((0, 2), (0, 1, 2)), ((1, 2), (0, 1, 2))]
    assert [c for c, _ in by_step[0]] == [(0, 1, 2)]
    # with r = 2/3 on a single size-3 clique, int(1 * 2/3) = 0 cliques are expanded
    small = fit_sampler(cliques, H, 5, beta=5)
    _, _, step = apply_plan(small, cliques)
    assert 3 not in step.tolist()
