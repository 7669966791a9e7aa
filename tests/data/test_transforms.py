import pytest
import torch

from hypergraph.data import Hypergraph
from hypergraph.data.transforms import (
    AddSingletonHyperedges,
    add_singleton_hyperedges,
    clique_expansion,
    dual,
    remove_duplicate_hyperedges,
    star_expansion,
    subhypergraph,
)


def hg(weight=None, attr=None):
    # e0={0,1,2}, e1={1,3}, e2={2,1,0} (duplicate of e0), e3={4} (singleton); node 5 isolated
    hi = torch.tensor([[0, 1, 2, 1, 3, 2, 1, 0, 4], [0, 0, 0, 1, 1, 2, 2, 2, 3]])
    return Hypergraph(
        x=torch.arange(6.0).view(6, 1),
        y=torch.arange(6),
        hyperedge_index=hi,
        num_nodes=6,
        num_hyperedges=4,
        hyperedge_weight=weight,
        hyperedge_attr=attr,
    )


def members(h):
    out = [set() for _ in range(h.num_hyperedges)]
    for v, e in h.hyperedge_index.t().tolist():
        out[e].add(v)
    return out


@pytest.mark.parametrize(
    "reduce, expected", [("sum", [3.0, 2.0, 4.0]), ("mean", [1.5, 2.0, 4.0]), ("max", [2.0, 2.0, 4.0])]
)
def test_remove_duplicates_merges_weights(reduce, expected):
    h = remove_duplicate_hyperedges(hg(torch.tensor([1.0, 2.0, 2.0, 4.0]), torch.eye(4)), reduce=reduce)
    assert h.num_hyperedges == 3
    assert members(h) == [{0, 1, 2}, {1, 3}, {4}]
    assert h.hyperedge_weight.tolist() == expected
    assert torch.equal(h.hyperedge_attr, torch.eye(4)[[0, 1, 3]])  # first occurrence
    assert torch.equal(h.x, hg().x)


def test_remove_duplicates_unweighted_counts_multiplicity():
    h = remove_duplicate_hyperedges(hg())
    assert h.hyperedge_weight.tolist() == [2.0, 1.0, 1.0]
    assert "hyperedge_weight" not in remove_duplicate_hyperedges(hg(), reduce="first")


def test_singletons_modes():
    iso = add_singleton_hyperedges(hg(), "isolated")
    assert members(iso)[4:] == [{5}]
    missing = add_singleton_hyperedges(hg(), "missing")  # node 4 already has {4}
    assert members(missing)[4:] == [{0}, {1}, {2}, {3}, {5}]
    every = AddSingletonHyperedges("all")(hg(torch.ones(4)))
    assert every.num_hyperedges == 10 and every.hyperedge_weight.numel() == 10
    with pytest.raises(ValueError, match="unknown mode"):
        add_singleton_hyperedges(hg(), "sometimes")


def test_subhypergraph_reindexes_and_drops_empty():
    h = hg(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    s = subhypergraph(h, torch.tensor([False, True, False, True, False, True]))
    assert s.num_nodes == 3 and s.y.tolist() == [1, 3, 5]
    # e0 -> {1}, e1 -> {1,3}, e2 -> {1}, e3 -> empty (dropped)
    assert s.num_hyperedges == 3
    assert members(s) == [{0}, {0, 1}, {0}]
    assert s.hyperedge_weight.tolist() == [1.0, 2.0, 3.0]
    assert s.hyperedge_id.tolist() == [0, 1, 2] and s.node_id.tolist() == [1, 3, 5]
    with pytest.raises(ValueError, match="node_mask has"):
        subhypergraph(h, torch.ones(3, dtype=torch.bool))


def test_clique_expansion_multiplicity():
    h = hg()
    ei, w = clique_expansion(h.hyperedge_index, 6, 4)
    A = torch.zeros(6, 6)
    A[ei[0], ei[1]] = w
    assert A[0, 1] == 2 and A[1, 2] == 2 and A[0, 2] == 2  # e0 and its duplicate e2
    assert A[1, 3] == 1 and A[0, 3] == 0 and A[4].sum() == 0 and torch.equal(A, A.T)
    assert A.diagonal().sum() == 0


def test_star_expansion_and_dual():
    h = hg()
    ei, n = star_expansion(h.hyperedge_index, 6, 4)
    assert n == 10 and ei.size(1) == 18 and {(3, 7), (7, 3)} <= set(map(tuple, ei.t().tolist()))
    d = dual(h)
    assert d.num_nodes == 4 and d.num_hyperedges == 6
    assert members(d)[1] == {0, 1, 2} and members(d)[5] == set()
    assert torch.equal(d.hyperedge_attr, h.x)
