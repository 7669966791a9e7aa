import networkx as nx
import pytest
import torch

from hypergraph.data import Hypergraph
from hypergraph.data.construct import from_graph, from_knn, from_node_sets
from hypergraph.data.io import (
    from_hif,
    from_networkx,
    from_scipy,
    read_hif,
    to_hif,
    to_networkx,
    to_scipy,
    write_hif,
)


def sets(h):
    out = [set() for _ in range(h.num_hyperedges)]
    for v, e in h.hyperedge_index.t().tolist():
        out[e].add(v)
    return out


def test_from_node_sets():
    h = from_node_sets([[0, 1, 1], [2]], num_nodes=4, hyperedge_weight=[1.0, 2.0])
    assert sets(h) == [{0, 1}, {2}] and h.num_nodes == 4 and h.hyperedge_weight.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="hyperedge 1 is empty"):
        from_node_sets([[0], []])
    with pytest.raises(ValueError, match="negative node id"):
        from_node_sets([[0, -3]])
    with pytest.raises(ValueError, match="out of range"):
        from_node_sets([[0, 7]], num_nodes=3)


def test_from_graph_pairwise_and_one_hop():
    # path 0-1-2 plus isolated node 3
    ei = torch.tensor([[0, 1], [1, 2]])
    h = from_graph(ei, num_nodes=4)
    got = sorted(map(frozenset, sets(h)), key=sorted)
    # pairwise {0,1},{1,2}; 1-hop {0,1} (dup, merged), {0,1,2}, {1,2} (dup, merged)
    assert got == sorted(map(frozenset, [{0, 1}, {1, 2}, {0, 1, 2}]), key=sorted)
    assert h.hyperedge_weight.tolist() == [1.0, 1.0, 1.0]
    only_pairs = from_graph(ei, num_nodes=4, k_hop=0)
    assert only_pairs.num_hyperedges == 2


def test_from_knn():
    x = torch.tensor([[0.0], [0.1], [5.0], [5.2], [9.0]])
    h = from_knn(x, k=2, chunk_size=2)
    assert h.num_hyperedges == 5
    assert sets(h) == [{0, 1}, {1, 0}, {2, 3}, {3, 2}, {4, 3}]
    with pytest.raises(ValueError, match="k must be"):
        from_knn(x, 9)


def example():
    return Hypergraph(
        hyperedge_index=torch.tensor([[0, 1, 1, 2], [0, 0, 1, 1]]),
        num_nodes=4,
        num_hyperedges=3,
        hyperedge_weight=torch.tensor([1.0, 2.5, 3.0]),
    )


def test_scipy_roundtrip():
    h = example()
    back = from_scipy(to_scipy(h), hyperedge_weight=h.hyperedge_weight.numpy())
    assert sets(back) == sets(h) and back.num_nodes == 4 and back.num_hyperedges == 3


def test_networkx_roundtrip():
    h = example()
    G = to_networkx(h)
    assert nx.is_bipartite(G)
    back = from_networkx(G)
    assert sets(back) == sets(h) and back.hyperedge_weight.tolist() == [1.0, 2.5, 3.0]
    G.add_edge(("v", 0), ("v", 1))
    with pytest.raises(ValueError, match="same side"):
        from_networkx(G)


def test_hif_roundtrip(tmp_path):
    h = example()
    write_hif(h, tmp_path / "h.json", node_ids=["a", "b", "c", "d"])
    back, nodes, edges = read_hif(tmp_path / "h.json")
    assert nodes == ["a", "b", "c", "d"] and edges == [0, 1, 2]
    assert sets(back) == sets(h) and back.hyperedge_weight.tolist() == [1.0, 2.5, 3.0]
    assert to_hif(back, node_ids=nodes)["incidences"] == to_hif(h, node_ids=nodes)["incidences"]


def test_hif_errors(tmp_path):
    with pytest.raises(ValueError, match="'incidences'"):
        from_hif({"nodes": []})
    with pytest.raises(ValueError, match=r"incidences\[1\]"):
        from_hif({"incidences": [{"node": 1, "edge": 0}, {"node": 2}]})
    with pytest.raises(ValueError, match="not supported"):
        from_hif({"network-type": "directed", "incidences": []})
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_hif(tmp_path / "bad.json")
