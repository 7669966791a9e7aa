"""DHT / inverse DHT: exact round trip (property tests) and the dual's structure."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_geometric.data import Data

from hypergraph.data.ops import incidence_scipy
from hypergraph.dual import DualHypergraph, dht, dual_incidence, inverse_dht


@st.composite
def directed_graphs(draw):
    n = draw(st.integers(1, 8))
    m = draw(st.integers(0, 14))
    src = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    dst = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    seed = draw(st.integers(0, 2**16))
    g = torch.Generator().manual_seed(seed)
    data = Data(
        x=torch.randn(n, 3, generator=g),
        edge_index=torch.tensor([src, dst], dtype=torch.long).view(2, m),
        edge_attr=torch.randn(m, 2, generator=g),
        y=torch.tensor([seed % 2]),
    )
    return data


@st.composite
def undirected_graphs(draw):
    """Undirected graphs in PyG form: both directions of every edge (with equal features), in a
    shuffled column order, with multi-edges, self-loops and isolated nodes."""
    n = draw(st.integers(1, 8))
    k = draw(st.integers(0, 10))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=k, max_size=k))
    seed = draw(st.integers(0, 2**16))
    g = torch.Generator().manual_seed(seed)
    cols, attrs = [], []
    for u, v in pairs:
        a = torch.randn(2, generator=g)
        cols.append((u, v))
        attrs.append(a)
        if u != v:
            cols.append((v, u))
            attrs.append(a)
    perm = torch.randperm(len(cols), generator=g).tolist()
    ei = torch.tensor([cols[i] for i in perm], dtype=torch.long).view(-1, 2).t().contiguous()
    ea = torch.stack([attrs[i] for i in perm]) if cols else torch.zeros(0, 2)
    return Data(x=torch.randn(n, 3, generator=g), edge_index=ei, edge_attr=ea, y=torch.tensor([1]))


def _assert_same(a: Data, b: Data) -> None:
    assert a.num_nodes == b.num_nodes
    assert torch.equal(a.edge_index, b.edge_index)
    assert torch.equal(a.edge_attr, b.edge_attr)
    assert torch.equal(a.x, b.x)
    assert torch.equal(a.y, b.y)


@settings(max_examples=100, deadline=None)
@given(directed_graphs())
def test_dht_inverse_directed_roundtrip(data):
    t = DualHypergraph(directed=True)
    dual = t(data)
    assert dual.num_nodes == data.edge_index.size(1)
    assert dual.num_hyperedges == data.num_nodes
    assert torch.equal(dual.x, data.edge_attr) and torch.equal(dual.hyperedge_attr, data.x)
    dual.validate_structure()  # binary incidence, ids in range (isolated nodes = empty hyperedges)
    _assert_same(t.inverse(dual), data)


@settings(max_examples=100, deadline=None)
@given(undirected_graphs())
def test_dht_inverse_undirected_roundtrip(data):
    dual = DualHypergraph()(data)
    loops = int((data.edge_index[0] == data.edge_index[1]).sum())
    assert dual.num_nodes == (data.edge_index.size(1) - loops) // 2 + loops  # one per undirected edge
    dual.validate_structure()
    _assert_same(inverse_dht(dual), data)


@settings(max_examples=60, deadline=None)
@given(directed_graphs())
def test_dht_incidence_is_transpose(data):
    """The dual incidence is M^T: dual node k is incident to exactly the endpoints of edge k."""
    dual = dht(data, directed=True)
    Mt = incidence_scipy(dual.hyperedge_index, dual.num_nodes, dual.num_hyperedges).toarray()
    n, m = data.num_nodes, data.edge_index.size(1)
    M = np.zeros((n, m), dtype=np.float32)
    M[data.edge_index[0].numpy(), np.arange(m)] = 1
    M[data.edge_index[1].numpy(), np.arange(m)] = 1
    np.testing.assert_array_equal(Mt, M.T)


def test_dht_without_features_and_ones():
    data = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=3)
    t = DualHypergraph(edge_attr_ones=True)
    dual = t(data)
    assert dual.x.shape == (1, 1) and dual.num_hyperedges == 3
    back = t.inverse(dual)
    assert back.get("edge_attr") is None and back.get("x") is None
    assert torch.equal(back.edge_index, data.edge_index) and back.num_nodes == 3


def test_dht_rejects_directed_input_in_undirected_mode():
    data = Data(x=torch.zeros(3, 1), edge_index=torch.tensor([[0, 1, 1], [1, 0, 2]]))
    with pytest.raises(ValueError, match=r"not undirected: edge \(1, 2\)"):
        dht(data)
    asym = Data(
        x=torch.zeros(2, 1), edge_index=torch.tensor([[0, 1], [1, 0]]), edge_attr=torch.tensor([[1.0], [2.0]])
    )
    with pytest.raises(ValueError, match="edge_attr of column 0 differs"):
        dht(asym)
    assert dht(asym, directed=True).num_nodes == 2


def test_inverse_rejects_non_dual():
    from hypergraph.data import Hypergraph

    h = Hypergraph(hyperedge_index=torch.tensor([[0, 0, 0], [0, 1, 2]]), num_nodes=1, num_hyperedges=3)
    with pytest.raises(ValueError, match="dual node 0 has 3 incidences"):
        inverse_dht(h)


def test_dual_incidence_layout():
    ei = torch.tensor([[0, 2, 1], [1, 2, 0]])
    assert dual_incidence(ei).tolist() == [[0, 1, 2, 0, 2], [0, 2, 1, 1, 0]]


@pytest.mark.parametrize("directed", [False, True])
def test_dht_roundtrip_isolated_loops_multiedges(directed):
    """Node 4 isolated, two self-loops on 3, a triple edge 0-1 (two with equal features)."""
    ei = torch.tensor([[1, 0, 3, 0, 1, 2, 1, 0, 1, 3], [0, 1, 3, 1, 0, 1, 2, 1, 0, 3]])
    ea = torch.tensor([[1.0], [1.0], [5.0], [2.0], [1.0], [3.0], [3.0], [1.0], [2.0], [6.0]])
    data = Data(x=torch.arange(10.0).view(5, 2), edge_index=ei, edge_attr=ea, y=torch.tensor([0]))
    t = DualHypergraph(directed=directed)
    dual = t(data)
    assert dual.num_nodes == (10 if directed else 6) and dual.num_hyperedges == 5
    assert int((dual.hyperedge_index[1] == 4).sum()) == 0  # isolated node: empty dual hyperedge
    _assert_same(t.inverse(dual), data)
