import json

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


# ------------------------------------------------------------ silently wrong inputs (issue 14)
@pytest.mark.parametrize(
    "node_sets, match",
    [
        ([[0.0, 1.7]], r"node_sets\[0\] holds 1.7, which is not an integer"),
        ([[0], [1, float("nan")]], r"node_sets\[1\] holds nan"),
        ([[0], [2, "3"]], r"node_sets\[1\] holds '3'"),
        ([[True, False]], r"node_sets\[0\] holds True"),
        ([[0], [1, -2]], r"negative node id -2 in node_sets\[1\]"),
    ],
)
def test_from_node_sets_refuses_non_integer_ids(node_sets, match):
    with pytest.raises(ValueError, match=match):
        from_node_sets(node_sets)


def test_from_node_sets_accepts_integral_floats_arrays_and_tensors():
    import numpy as np

    h = from_node_sets([[0.0, 2.0], np.array([1, 2]), torch.tensor([0, 3])])
    assert sets(h) == [{0, 2}, {1, 2}, {0, 3}]


def test_from_networkx_reads_a_plain_graph():
    G = nx.karate_club_graph()
    h = from_networkx(G)
    assert h.num_nodes == 34 and h.num_hyperedges == G.number_of_edges() == 78
    assert sets(h) == [{u, v} for u, v in G.edges()]
    assert h.hyperedge_weight.tolist() == [float(d["weight"]) for _, _, d in G.edges(data=True)]
    P = nx.Graph([("a", "b"), ("b", "b")])  # a self-loop is the one-node hyperedge {b}
    assert sets(from_networkx(P)) == [{0, 1}, {1}]
    with pytest.raises(ValueError, match=r"edge \('a', 'b'\): weight 'heavy' is not a number"):
        from_networkx(nx.Graph([("a", "b", {"weight": "heavy"})]))
    with pytest.raises(ValueError, match=r"edge \('a', 'b'\): weight -1.0 must be finite and >= 0"):
        from_networkx(nx.Graph([("a", "b", {"weight": -1})]))
    with pytest.raises(ValueError, match="undirected"):
        from_networkx(nx.DiGraph([(0, 1)]))
    mixed = to_networkx(example())
    mixed.add_node("stray")
    with pytest.raises(ValueError, match="node 'stray' has no 'bipartite' attribute"):
        from_networkx(mixed)
    with pytest.raises(ValueError, match="unknown networkx form"):
        from_networkx(G, form="star")


def test_hif_keeps_attributes_unknown_keys_and_all_weights():
    doc = {
        "network-type": "undirected",
        "metadata": {"name": "toy", "default_attrs": {"incidences": {"weight": 1.0}}},
        "nodes": [
            {"node": "a", "weight": 0.5, "attrs": {"color": "red"}},
            {"node": "b", "attrs": {"weight": 2.0}},  # weight inside attrs (XGI style)
            {"node": "iso", "label": "kept"},  # unknown record key, isolated node
        ],
        "edges": [
            {"edge": "e1", "attrs": {"weight": 3.0, "kind": "x"}},  # XGI 0.10 writes the weight here
            {"edge": "e0", "weight": 2.0},
        ],
        "incidences": [
            {"edge": "e1", "node": "b", "weight": 5.0, "attrs": {"role": "tail"}},
            {"edge": "e1", "node": "a"},
            {"edge": "e0", "node": "a", "weight": 7.0},
        ],
    }
    h, nodes, edges = from_hif(doc)
    assert nodes == ["a", "b", "iso"] and edges == ["e1", "e0"]
    assert h.hyperedge_weight.tolist() == [3.0, 2.0]
    assert h.node_weight.tolist() == [0.5, 2.0, 1.0]
    # incidences follow hyperedge_index columns (sorted by hyperedge, then node)
    assert h.hyperedge_index.tolist() == [[0, 1, 0], [0, 0, 1]]
    assert h.incidence_weight.tolist() == [1.0, 5.0, 7.0]
    assert h.hif["nodes"][0] == {"weight": 0.5, "attrs": {"color": "red"}}
    assert h.hif["nodes"][2] == {"label": "kept"}
    assert h.hif["incidences"][1] == {"weight": 5.0, "attrs": {"role": "tail"}}
    assert h.hif["metadata"]["name"] == "toy"
    out = to_hif(h)
    again, _, _ = from_hif(out)
    assert again.hif["nodes"][2] == {"weight": 1.0, "label": "kept", "attrs": {}}
    assert out["metadata"] == doc["metadata"]
    for key in ("hyperedge_weight", "node_weight", "incidence_weight", "hyperedge_index"):
        assert torch.equal(again[key], h[key])
    assert out["edges"][1] == {"edge": "e0", "weight": 2.0, "attrs": {"weight": 2.0}}  # XGI reads attrs
    assert out["nodes"][2] == {"node": "iso", "weight": 1.0, "label": "kept", "attrs": {}}
    with pytest.warns(UserWarning, match="'extra_key' are not part of HIF"):
        h2, _, _ = from_hif({**doc, "extra_key": [1]})
    assert to_hif(h2)["extra_key"] == [1]


def test_hif_reads_hypernetx_default_weights():
    doc = {
        "metadata": {"default_attrs": {"edges": {"weight": 4.0, "attrs": {}}}},
        "edges": [{"edge": 0, "weight": 2.0}],
        "incidences": [{"edge": 0, "node": 0}, {"edge": 1, "node": 0}],
    }
    h, _, _ = from_hif(doc)
    assert h.hyperedge_weight.tolist() == [2.0, 4.0]


@pytest.mark.parametrize(
    "doc, match",
    [
        (
            {"edges": [{"edge": 0, "weight": "heavy"}], "incidences": []},
            r"edges\[0\] \(edge 0\): weight 'heavy'",
        ),
        (
            {"incidences": [{"edge": 0, "node": 1, "weight": [1]}]},
            r"incidences\[0\] \(node 1, edge 0\): weight",
        ),
        (
            {"nodes": [{"node": "a", "attrs": {"weight": "x"}}], "incidences": []},
            r"nodes\[0\] \(node 'a'\): attrs",
        ),
        (
            {"incidences": [{"edge": [1, 2], "node": 0}]},
            r"incidences\[0\]: edge id \[1, 2\] must be a string or",
        ),
        ({"nodes": [{"node": {"id": 1}}], "incidences": []}, r"nodes\[0\]: node id \{'id': 1\} must be"),
        ({"edges": [{"edge": True}], "incidences": []}, r"edges\[0\]: edge id True"),
        (
            {"incidences": [{"edge": 0, "node": 1}, {"edge": 1, "node": 1}, {"edge": 0, "node": 1}]},
            r"incidences\[2\] repeats node 1 in edge 0 \(first at incidences\[0\]\)",
        ),
        (
            {"nodes": [{"node": 1}, {"node": 1}], "incidences": []},
            r"nodes\[1\] repeats node 1 \(first at nodes\[0\]\)",
        ),
        ({"edges": [{"edge": 0, "weight": -1}], "incidences": []}, r"edge 0: weight -1.0 is negative"),
        ({"edges": [{"edge": 0, "weight": 1, "attrs": {"weight": 2}}], "incidences": []}, "disagrees"),
        ({"edges": [{"edge": 0, "attrs": [1]}], "incidences": []}, r"edges\[0\] \(edge 0\): 'attrs' must be"),
        ({"nodes": [[1]], "incidences": []}, r"nodes\[0\] must be an object"),
        ({"metadata": [1], "incidences": []}, "metadata must be an object"),
        ({"edges": [{"edge": 0, "weight": float("nan")}], "incidences": []}, "not finite"),
    ],
)
def test_hif_bad_records_name_their_location(doc, match):
    with pytest.raises(ValueError, match=match):
        from_hif(doc)


def test_hif_duplicate_incidences_merge_only_when_asked(tmp_path):
    doc = {"incidences": [{"edge": 0, "node": 1, "weight": 2.0}, {"edge": 0, "node": 1, "weight": 3.0}]}
    (tmp_path / "dup.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"dup.json: HIF incidences\[1\] repeats"):
        read_hif(tmp_path / "dup.json")
    h, _, _ = read_hif(tmp_path / "dup.json", merge_duplicates=True)
    assert h.num_incidences == 1 and h.incidence_weight.tolist() == [2.0]  # the first is kept


def test_hif_stale_attributes_warn():
    h, _, _ = from_hif(
        {"nodes": [{"node": "a", "attrs": {"c": 1}}], "incidences": [{"edge": 0, "node": "a"}]}
    )
    from hypergraph.data.transforms import add_singleton_hyperedges

    grown = add_singleton_hyperedges(h, mode="all")  # hyperedges change, hg.hif does not
    with pytest.warns(UserWarning, match="hg.hif no longer matches"):
        out = to_hif(grown)
    assert len(out["edges"]) == 2
