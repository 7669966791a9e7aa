"""Exact set-family operations against Python-set references."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import (
    isin_keys,
    isin_sets,
    k_subsets,
    pair_index,
    segment_pairs,
    segment_triples,
    unique_keys,
    unique_sets,
)

families = st.lists(st.lists(st.integers(0, 6), max_size=4), max_size=14)


@settings(max_examples=80, deadline=None)
@given(families)
def test_unique_sets_keeps_first_occurrences(sets):
    s = NodeSets.from_iterable(sets)
    u, inv, first = unique_sets(s, return_index=True)
    tuples = s.to_tuples()
    want_first = [i for i, t in enumerate(tuples) if t not in tuples[:i]]
    assert first.tolist() == want_first
    assert u.to_tuples() == [tuples[i] for i in want_first]
    assert [u.to_tuples()[j] for j in inv.tolist()] == tuples
    u2, inv2 = unique_sets(s)
    assert u2.to_tuples() == u.to_tuples() and np.array_equal(inv2, inv)


@settings(max_examples=80, deadline=None)
@given(families, families)
def test_isin_sets_and_isin_keys_match_python_sets(a, b):
    sa, sb = NodeSets.from_iterable(a), NodeSets.from_iterable(b)
    ref = {tuple(t) for t in sb.to_tuples()}
    want = [t in ref for t in sa.to_tuples()]
    assert isin_sets(sa, sb).tolist() == want
    assert isin_keys(sa.keys(7), sb.keys(7)).tolist() == want


def test_unique_sets_of_empty_family_and_empty_sets():
    u, inv = unique_sets(NodeSets.empty())
    assert len(u) == 0 and inv.size == 0
    u, inv = unique_sets(NodeSets.from_iterable([[], [1], []]))
    assert u.to_tuples() == [(), (1,)] and inv.tolist() == [0, 1, 0]
    assert isin_sets(NodeSets.empty(), u).size == 0
    assert isin_sets(u, NodeSets.empty()).tolist() == [False, False]


def test_unique_keys_first_row_of_each_key():
    keys = torch.tensor([[1, 2], [0, 0], [1, 2], [0, 0], [3, 3]])
    inv, first = unique_keys(keys)
    assert first[inv].tolist() == [0, 1, 0, 1, 4]
    inv, first = unique_keys(torch.zeros(0, 3, dtype=torch.long))
    assert inv.numel() == first.numel() == 0


def test_k_subsets_and_pair_index_in_combinations_order():
    assert k_subsets(np.array([[1, 4, 7]]), 2).tolist() == [[1, 4], [1, 7], [4, 7]]
    assert k_subsets(np.array([[1, 4], [2, 3]]), 2).tolist() == [[1, 4], [2, 3]]
    assert k_subsets(np.array([[1, 4]]), 0).shape == (1, 0)
    with pytest.raises(ValueError, match="3-subsets of sets of size 2"):
        k_subsets(np.array([[1, 4]]), 3)
    i, j = pair_index(4)
    assert list(zip(i.tolist(), j.tolist())) == list(itertools.combinations(range(4), 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=0, max_size=8), st.integers(0, 5))
def test_segment_pairs_and_triples(lengths, offset):
    lengths = np.asarray(lengths, dtype=np.int64)
    starts = offset + np.concatenate([[0], np.cumsum(lengths)[:-1]]) if lengths.size else lengths
    p, q = segment_pairs(starts, lengths)
    want = [(s + a, s + b) for s, L in zip(starts, lengths) for a, b in itertools.combinations(range(L), 2)]
    assert list(zip(p.tolist(), q.tolist())) == want
    p, q, r = segment_triples(starts, lengths)
    want = [
        (s + a, s + b, s + c)
        for s, L in zip(starts, lengths)
        for a, b, c in itertools.combinations(range(L), 3)
    ]
    assert list(zip(p.tolist(), q.tolist(), r.tolist())) == want
