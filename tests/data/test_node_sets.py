"""NodeSets: canonical form, constructors, conversions, keys and selection."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets, canonicalize

families = st.lists(st.lists(st.integers(0, 9), max_size=6), max_size=12)


def canonical(sets):
    return [tuple(sorted(set(s))) for s in sets]


@settings(max_examples=80, deadline=None)
@given(families)
def test_canonical_form_and_round_trips(sets):
    s = NodeSets.from_iterable(sets)
    assert s.to_tuples() == canonical(sets)  # sorted, repeats merged, order/duplicates/empties kept
    assert s.indptr.dtype == s.indices.dtype == np.int64
    # CSR round trip (the arrays are shared, not copied)
    t = NodeSets(s.indptr, s.indices)
    assert t.indices is s.indices and t.to_tuples() == s.to_tuples()
    # torch incidence list round trip, in shuffled column order
    idx = s.index
    assert idx.dtype == torch.long and idx.shape == (2, s.indices.size)
    perm = torch.randperm(idx.size(1), generator=torch.Generator().manual_seed(0))
    u = NodeSets.from_index(idx[:, perm], len(s))
    assert np.array_equal(u.indptr, s.indptr) and np.array_equal(u.indices, s.indices)
    # Hypergraph round trip: the index is a valid hyperedge_index
    hg = s.to_hypergraph(10)
    assert hg.num_hyperedges == len(s) and torch.equal(hg.hyperedge_index, idx)
    assert NodeSets.from_hypergraph(hg).to_tuples() == s.to_tuples()
    # canonicalize of unsorted CSR arrays gives the same family
    ptr = np.concatenate([[0], np.cumsum([len(x) for x in sets])]).astype(np.int64)
    flat = np.array([v for x in sets for v in x], dtype=np.int64)
    assert canonicalize(ptr, flat).to_tuples() == s.to_tuples()


def test_index_rows_are_nodes_over_sets_sorted():
    s = NodeSets.from_iterable([[3, 1, 1], [], [2, 0]])
    assert s.index.tolist() == [[1, 3, 0, 2], [0, 0, 2, 2]]
    assert s.sizes.tolist() == [2, 0, 2] and s.set_ids.tolist() == [0, 0, 2, 2]
    assert s.num_sets == len(s) == 3 and s.num_nodes() == 4
    assert repr(s) == "NodeSets(num_sets=3, nnz=4)"


def test_from_index_keeps_trailing_empty_sets_and_merges_repeats():
    s = NodeSets.from_index(torch.tensor([[5, 1, 1, 0], [2, 0, 0, 2]]), num_sets=4)
    assert s.to_tuples() == [(1,), (), (0, 5), ()]
    assert NodeSets.from_index(np.zeros((2, 0), dtype=np.int64)).num_sets == 0
    with pytest.raises(ValueError, match=r"set ids must lie in \[0, 2\)"):
        NodeSets.from_index(torch.tensor([[0], [2]]), num_sets=2)
    with pytest.raises(ValueError, match="non-negative"):
        NodeSets.from_index(torch.tensor([[-1], [0]]))
    with pytest.raises(ValueError, match=r"shape \[2, nnz\]"):
        NodeSets.from_index(torch.zeros(3, 2, dtype=torch.long))


def test_constructor_rejects_non_canonical_input():
    with pytest.raises(ValueError, match="sorted and distinct"):
        NodeSets(np.array([0, 2]), np.array([2, 1]))
    with pytest.raises(ValueError, match="sorted and distinct"):
        NodeSets(np.array([0, 2]), np.array([1, 1]))
    with pytest.raises(ValueError, match="must equal len"):
        NodeSets(np.array([0, 3]), np.array([1, 2]))
    with pytest.raises(ValueError, match="starting at 0"):
        NodeSets(np.array([1, 2]), np.array([1, 2]))
    with pytest.raises(ValueError, match="non-decreasing"):
        NodeSets(np.array([0, 2, 1, 2]), np.array([1, 2]))
    NodeSets(np.array([0, 1, 2]), np.array([5, 1]))  # decreasing across sets is fine


def test_empty_family_empty_set_and_singleton():
    e = NodeSets.empty()
    assert len(e) == 0 and e.index.shape == (2, 0) and e.sizes.size == 0 and e.num_nodes() == 0
    assert e.keys(3).shape == (0, 3) and e.to_tuples() == [] and e.incidence(3).shape == (0, 3)
    assert NodeSets.from_iterable([]).num_sets == 0
    z = NodeSets.from_iterable([[]])
    assert z.to_tuples() == [()] and z.index.shape == (2, 0) and z.sizes.tolist() == [0]
    assert z.to_hypergraph(2).num_hyperedges == 1
    one = NodeSets.from_iterable([[7]])
    assert one.to_tuples() == [(7,)] and one.rows_of_size(1)[1].tolist() == [[7]]
    assert NodeSets.cat([e, z, e, one]).to_tuples() == [(), (7,)]
    assert NodeSets.cat([]).num_sets == 0


def test_keys_equal_exactly_for_equal_sets():
    s = NodeSets.from_iterable([[0, 1, 2], [2, 1, 0], [0, 1], [0, 1, 3], [], [], [2]])
    k = s.keys(4)
    assert k.shape == (7, 3)
    same = (k[:, None, :] == k[None, :, :]).all(-1)
    want = torch.tensor([[a == b for b in s.to_tuples()] for a in s.to_tuples()])
    assert torch.equal(same, want)
    assert not torch.equal(s.keys(4, seed=0), s.keys(4, seed=1))


def test_select_cat_rows_and_incidence():
    s = NodeSets.from_iterable([[0, 1], [2], [1, 2, 3], [4, 0]])
    assert s.select(torch.tensor([2, 0, 2])).to_tuples() == [(1, 2, 3), (0, 1), (1, 2, 3)]
    assert s.select(np.zeros(0, dtype=np.int64)).num_sets == 0
    with pytest.raises(IndexError):
        s.select([4])
    with pytest.raises(TypeError, match="boolean mask"):
        s.select(np.array([True, False, True, False]))
    c = NodeSets.cat([s, s.select([1])])
    assert c.to_tuples() == s.to_tuples() + [(2,)]
    ids, rows = s.rows_of_size(2)
    assert ids.tolist() == [0, 3] and rows.tolist() == [[0, 1], [0, 4]]
    assert s.rows_of_size(5)[1].shape == (0, 5)
    inc = s.incidence(6)
    assert inc.shape == (4, 6) and inc.toarray().tolist()[2] == [0, 1, 1, 1, 0, 0]
    assert NodeSets.from_rows(np.array([[0, 2], [1, 3]])).to_tuples() == [(0, 2), (1, 3)]


def test_to_hypergraph_checks_node_count_and_passes_attributes():
    s = NodeSets.from_iterable([[0, 4]])
    with pytest.raises(ValueError, match="num_nodes=3"):
        s.to_hypergraph(3)
    hg = s.to_hypergraph(5, x=torch.ones(5, 2))
    assert isinstance(hg, Hypergraph) and hg.x.shape == (5, 2)
