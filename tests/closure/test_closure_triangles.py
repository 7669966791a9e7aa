"""Open triangles, closure labels and 3-node closure statistics against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import require_data
from hypothesis import given, settings
from hypothesis import strategies as st

from hypergraph.closure import ClosureTask, ProjectedGraph, closure_type_counts, enumerate_open_triangles
from hypergraph.data.temporal import TemporalSimplicialComplex, percentile_cutoff


def brute(simplices, times, n):
    """Reference implementation with Python sets (tiny inputs only)."""
    cut = percentile_cutoff(np.asarray(times), 80)
    past = [set(s) for s, t in zip(simplices, times) if t <= cut]
    future = [set(s) for s, t in zip(simplices, times) if t > cut]
    w = {}
    for s in past:
        for a, b in itertools.combinations(sorted(s), 2):
            w[a, b] = w.get((a, b), 0) + 1
    deg = [sum(1 for (a, b) in w if v in (a, b)) for v in range(n)]
    old = {v for s in past for v in s}

    def wt(a, b):
        return w.get((min(a, b), max(a, b)), 0)

    open_tris, types = {}, {}
    for tri in itertools.combinations(range(n), 3):
        ws = [wt(*p) for p in itertools.combinations(tri, 2)]
        closed_past = any(set(tri) <= s for s in past)
        closes = any(set(tri) <= s for s in future)
        if all(ws) and not closed_past:
            i = min(tri, key=lambda v: (deg[v], v))
            j, k = sorted(set(tri) - {i})
            open_tris[(i, j, k)] = closes
        if set(tri) <= old and not (all(ws) and closed_past):
            key = "".join(str(min(x, 2)) for x in sorted(ws))
            a, b = types.get(key, (0, 0))
            types[key] = (a + 1, b + int(closes))
    return open_tris, types, w, deg


complexes = st.integers(3, 9).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.lists(st.integers(0, n - 1), min_size=1, max_size=5), min_size=1, max_size=14),
    ).flatmap(
        lambda t: st.tuples(
            st.just(t[0]), st.just(t[1]), st.lists(st.integers(0, 6), min_size=len(t[1]), max_size=len(t[1]))
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(complexes)
def test_enumeration_labels_and_types_match_brute_force(data):
    n, simplices, times = data
    tsc = TemporalSimplicialComplex.from_simplices(simplices, times, num_nodes=n)
    task = ClosureTask.build(tsc)
    ref_open, ref_types, ref_w, ref_deg = brute(simplices, times, n)
    ct = task.triangles
    got = {tuple(int(v) for v in t): bool(c) for t, c in zip(ct.tri, task.labels("true"))}
    assert got == ref_open
    assert ct.num_open == len(ref_open)  # no duplicates
    ref_mode = {tuple(int(v) for v in t): bool(c) for t, c in zip(ct.tri, task.labels("reference"))}
    assert ref_mode == {t: c and t[0] < t[1] for t, c in ref_open.items()}
    # edge ids and weights line up with (W_ij, W_jk, W_ik)
    for (i, j, k), wts in zip(ct.tri.tolist(), ct.weights().tolist()):
        assert wts == [ref_w[min(a, b), max(a, b)] for a, b in ((i, j), (j, k), (i, k))]
    np.testing.assert_array_equal(ct.graph.degree, ref_deg)
    types = task.closure_types()
    for key, (inst, closed) in types.items():
        assert (inst, closed) == ref_types.get(key, (0, 0)), key


def test_projection_is_a_at_minus_diag_and_edge_lookup():
    tsc = TemporalSimplicialComplex.from_simplices([[0, 1, 2], [1, 2], [2, 3], [0], [1, 2]], [1, 2, 3, 4, 5])
    w = tsc.projected_graph().toarray()
    want = np.zeros((4, 4), dtype=np.int64)
    for s in ([0, 1, 2], [1, 2], [2, 3], [1, 2]):
        for a, b in itertools.permutations(s, 2):
            want[a, b] += 1
    np.testing.assert_array_equal(w, want)
    g = ProjectedGraph.from_complex(tsc)
    np.testing.assert_array_equal(g.weight(np.array([2, 0, 3]), np.array([1, 3, 2])), [3, 0, 1])
    np.testing.assert_array_equal(g.simplex_degree, [2, 3, 4, 1])
    g._table = None  # the searchsorted path
    np.testing.assert_array_equal(
        g.edge_id(np.array([1, 0, 3, 2]), np.array([2, 3, 2, 2])),
        [g.edge_id(np.array([2]), np.array([1]))[0], -1, 3, -1],
    )


def test_deduplicated_hypergraph():
    tsc = TemporalSimplicialComplex.from_simplices([[2, 0], [0, 2], [1], [0, 2, 1], [1]], [5, 1, 2, 3, 4])
    hg = tsc.to_hypergraph(deduplicate=True)
    assert hg.num_hyperedges == 3
    assert hg.hyperedge_weight.tolist() == [2.0, 2.0, 1.0]  # first occurrences: {0,2}, {1}, {0,1,2}
    assert hg.hyperedge_time.tolist() == [5, 2, 3]
    assert tsc.to_hypergraph().num_hyperedges == 5


# Authors' file ScHoLP-Tutorial output/3-node-closures/email-Enron-3-node-closures.txt
ENRON_TYPES = {
    "000": (265772, 90),
    "001": (40734, 78),
    "002": (109207, 334),
    "011": (2025, 19),
    "012": (10669, 132),
    "022": (11082, 236),
    "111": (75, 0),
    "112": (449, 14),
    "122": (1162, 56),
    "222": (888, 49),
}


def test_enron_open_triangles_and_closure_types_match_the_authors():
    from hypergraph.datasets.benson import load_benson

    root = require_data("scholp/email-Enron/email-Enron-nverts.txt.gz")
    task = ClosureTask.build(load_benson("email-Enron", root=root, download=False))
    assert task.triangles.num_open == 2574
    assert int(task.labels("true").sum()) == 119
    assert int(task.labels("reference").sum()) == 36
    assert task.closure_types() == ENRON_TYPES


@pytest.mark.parametrize(
    "name, n_open, n_closed, rates",
    [  # spec §7 (closure probability x 1e-3 of 011, 012, 022, 111, 112, 122, 222)
        ("contact-high-school", 25056, 201, (0.07, 0.35, 1.39, 2.65, 1.84, 5.75, 11.56)),
        ("NDC-classes", 7439, 259, (4.80, 4.83, 11.01, 0.00, 0.00, 52.21, 33.68)),
        ("contact-primary-school", 80446, 684, (0.05, 0.26, 0.88, 0.38, 0.79, 3.42, 17.39)),
    ],
)
def test_small_offline_datasets_closure_table(name, n_open, n_closed, rates):
    from hypergraph.datasets.benson import load_benson

    root = require_data(f"scholp/{name}/{name}-nverts.txt.gz")
    task = ClosureTask.build(load_benson(name, root=root, download=False))
    assert task.triangles.num_open == n_open and int(task.closed.sum()) == n_closed
    types = task.closure_types()
    configs = ("011", "012", "022", "111", "112", "122", "222")
    got = tuple(round(1e3 * types[c][1] / types[c][0], 2) for c in configs)
    assert got == rates


def test_other_label_mode_rejected():
    tsc = TemporalSimplicialComplex.from_simplices([[0, 1], [1, 2], [0, 2], [0, 1, 2]], [1, 2, 3, 4])
    ct = enumerate_open_triangles(tsc.split(80)[0])
    with pytest.raises(ValueError, match="label mode"):
        ct.labels(tsc.split(80)[1], "bogus")
    assert closure_type_counts(ct, tsc.split(80)[1])["111"] == (1, 1)


def test_past_without_edges_regression():
    """Found by hypothesis: a past made of singletons only has no projected edge at all."""
    from hypergraph.closure.evaluate import ClosureTask
    from hypergraph.data.temporal import TemporalSimplicialComplex

    tsc = TemporalSimplicialComplex.from_simplices(
        [[0], [0], [0], [0], [1], [2], [0, 1, 2]], [0, 0, 0, 0, 0, 0, 1], num_nodes=3
    )
    task = ClosureTask.build(tsc)
    assert task.triangles.num_open == 0
    assert task.triangles.graph.weight([0], [1]).tolist() == [0]
