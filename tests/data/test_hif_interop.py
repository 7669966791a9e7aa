"""HIF and networkx round trips against the real clients: XGI 0.10 and hypergraphx 1.8.

Both are dev dependencies (``pip install -e .[dev]``); a test skips when one is missing, except
under ``CI=true``, where a missing client fails.  HyperNetX 2.4 is not tested: it does not import
with pandas 3 and downloads its schema when imported.
"""

import importlib
import os

import networkx as nx
import pytest
import torch

from hypergraph.data import Hypergraph
from hypergraph.data.io import from_hif, from_networkx, read_hif, to_networkx, write_hif


def client(name: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return importlib.import_module(name)  # a dev dependency: CI must have it
    return pytest.importorskip(name)


def ours() -> Hypergraph:
    """A weighted hypergraph with node, edge and network attributes, an isolated node, string
    node ids and integer edge ids."""
    hg, _, _ = from_hif(
        {
            "network-type": "undirected",
            "metadata": {"name": "toy", "year": 2024},
            "nodes": [
                {"node": "a", "attrs": {"color": "red", "size": 3}},
                {"node": "b", "attrs": {"color": "blue"}},
                {"node": "c"},
                {"node": "d", "attrs": {"tags": ["x", "y"]}},
                {"node": "lonely", "attrs": {"color": "green"}},
            ],
            "edges": [
                {"edge": 0, "weight": 2.5, "attrs": {"kind": "paper"}},
                {"edge": 1, "weight": 1.0},
                {"edge": 2, "weight": 0.25, "attrs": {"kind": "talk", "venue": {"city": "Oslo"}}},
            ],
            "incidences": [
                {"edge": 0, "node": "a"},
                {"edge": 0, "node": "b"},
                {"edge": 0, "node": "c"},
                {"edge": 1, "node": "b"},
                {"edge": 1, "node": "d"},
                {"edge": 2, "node": "a"},
                {"edge": 2, "node": "d"},
            ],
        }
    )
    return hg


def view(hg: Hypergraph) -> dict:
    """Everything that must survive a round trip, keyed by HIF ids (order-free)."""
    info = hg.hif
    nid, eid = info["node_ids"], info["edge_ids"]
    members = {e: set() for e in eid}
    for v, e in hg.hyperedge_index.t().tolist():
        members[eid[e]].add(nid[v])
    return {
        "nodes": set(nid),
        "members": members,
        "weights": dict(zip(eid, hg.hyperedge_weight.tolist())),
        "node_attrs": {n: strip(r.get("attrs")) for n, r in zip(nid, info["nodes"])},
        "edge_attrs": {e: strip(r.get("attrs")) for e, r in zip(eid, info["edges"])},
        "metadata": info["metadata"],
    }


def strip(attrs: dict | None) -> dict:
    """Attributes without the weight (compared separately, and mirrored into ``attrs`` for XGI)."""
    return {k: v for k, v in (attrs or {}).items() if k != "weight"}


# -------------------------------------------------------------------------------------- XGI
def xgi_view(H) -> dict:
    return {
        "nodes": set(H.nodes),
        "members": {e: set(H.edges.members(e)) for e in H.edges},
        "weights": {e: H.edges[e].get("weight", 1.0) for e in H.edges},
        "node_attrs": {n: strip(H.nodes[n]) for n in H.nodes},
        "edge_attrs": {e: strip(H.edges[e]) for e in H.edges},
        "metadata": dict(H._net_attr),
    }


def test_ours_to_xgi_to_ours(tmp_path):
    xgi = client("xgi")
    hg = ours()
    write_hif(hg, tmp_path / "ours.json")
    H = xgi.read_hif(tmp_path / "ours.json")
    assert xgi_view(H) == view(hg)  # XGI read counts, memberships, weights and attributes
    assert H.edges[0]["weight"] == 2.5 and H.nodes["lonely"] == {"color": "green"}
    xgi.write_hif(H, tmp_path / "xgi.json")
    back, _, _ = read_hif(tmp_path / "xgi.json")
    assert (back.num_nodes, back.num_hyperedges, back.num_incidences) == (5, 3, 7)
    assert view(back) == view(hg)


def test_xgi_to_ours_to_xgi(tmp_path):
    xgi = client("xgi")
    H = xgi.Hypergraph()
    H["name"] = "native"
    H.add_nodes_from([("a", {"age": 31}), ("b", {}), ("c", {"age": 7, "group": "k"}), ("z", {"iso": True})])
    H.add_edge(["a", "b"], idx=10, weight=3.0, label="strong")
    H.add_edge(["b", "c", "a"], idx=11)  # no weight attribute: weight 1, and none written back
    H.add_edge(["c"], idx=12, weight=0.1)  # not a float32: written back as 0.1 exactly
    xgi.write_hif(H, tmp_path / "xgi.json")
    hg, nodes, edges = read_hif(tmp_path / "xgi.json")
    assert sorted(edges) == [10, 11, 12] and set(nodes) == {"a", "b", "c", "z"}
    write_hif(hg, tmp_path / "ours.json")
    H2 = xgi.read_hif(tmp_path / "ours.json")
    assert set(H2.nodes) == set(H.nodes)
    assert {n: H2.nodes[n] for n in H2.nodes} == {n: H.nodes[n] for n in H.nodes}  # exactly
    assert {e: set(H2.edges.members(e)) for e in H2.edges} == {e: set(H.edges.members(e)) for e in H.edges}
    assert {e: H2.edges[e] for e in H2.edges} == {e: H.edges[e] for e in H.edges}
    assert H2._net_attr == H._net_attr


def test_weighted_xgi_file_reads_back_with_its_weights(tmp_path):
    """XGI 0.10 writes a hyperedge weight as ``edges[i].attrs.weight`` (never on the record)."""
    xgi = client("xgi")
    H = xgi.Hypergraph([[0, 1, 2], [1, 2], [2, 3]])
    H.set_edge_attributes({0: 2.0, 1: 0.5, 2: 7.25}, name="weight")
    xgi.write_hif(H, tmp_path / "w.json")
    hg, _, edges = read_hif(tmp_path / "w.json")
    got = dict(zip(edges, hg.hyperedge_weight.tolist()))
    assert got == {0: 2.0, 1: 0.5, 2: 7.25}


# ------------------------------------------------------------------------------ hypergraphx
def hgx_to_hif(H) -> dict:
    """A HIF dict from a hypergraphx hypergraph.  hypergraphx 1.8's own ``write_hif`` writes
    dictionaries keyed by edge (tuple keys fail; no incidences), which no client reads back."""
    names = {}
    nodes = []
    for uid, meta in H.get_all_nodes_metadata().items():
        rec = dict(meta) if "node" in meta else {"node": uid, **({"attrs": dict(meta)} if meta else {})}
        names[uid] = rec["node"]
        nodes.append(rec)
    edges, incidences = [], []
    for j, edge in enumerate(H.get_edges()):
        meta = H.get_edge_metadata(edge)
        rec = dict(meta) if "edge" in meta else {"edge": j, **({"attrs": dict(meta)} if meta else {})}
        if "weight" not in rec and H.is_weighted():
            rec["weight"] = float(H.get_weight(edge))
        edges.append(rec)
        for v in edge:
            incidences.append({"edge": rec["edge"], "node": names.get(v, v)})
    return {
        "network-type": "undirected",
        "metadata": dict(H.get_hypergraph_metadata()),
        "nodes": nodes,
        "edges": edges,
        "incidences": incidences,
    }


def hgx_view(H) -> dict:
    """What hypergraphx read from a HIF file: it keeps every record as metadata."""
    names = {uid: meta["node"] for uid, meta in H.get_all_nodes_metadata().items()}
    out = {"nodes": set(names.values()), "members": {}, "weights": {}, "node_attrs": {}, "edge_attrs": {}}
    for meta in H.get_all_nodes_metadata().values():
        out["node_attrs"][meta["node"]] = strip(meta.get("attrs"))
    for edge in H.get_edges():
        meta = H.get_edge_metadata(edge)
        out["members"][meta["edge"]] = {names[v] for v in edge}
        out["weights"][meta["edge"]] = meta.get("weight", 1.0)
        out["edge_attrs"][meta["edge"]] = strip(meta.get("attrs"))
    out["metadata"] = H.get_hypergraph_metadata()
    return out


def test_ours_to_hypergraphx_to_ours(tmp_path):
    client("hypergraphx")
    from hypergraphx.readwrite import read_hif as hgx_read_hif

    hg = ours()
    write_hif(hg, tmp_path / "ours.json")
    H = hgx_read_hif(str(tmp_path / "ours.json"))
    assert H.num_nodes() == 5 and H.num_edges() == 3
    assert hgx_view(H) == view(hg)
    back, _, _ = from_hif(hgx_to_hif(H))
    assert (back.num_nodes, back.num_hyperedges, back.num_incidences) == (5, 3, 7)
    assert view(back) == view(hg)


def test_hypergraphx_to_ours_to_hypergraphx(tmp_path):
    hgx = client("hypergraphx")
    from hypergraphx.readwrite import read_hif as hgx_read_hif

    H = hgx.Hypergraph([(0, 1, 2), (1, 3), (2, 3, 4)], weighted=True, weights=[2.0, 0.5, 4.0])
    H.add_node(5)  # isolated
    H.set_node_metadata(0, {"name": "zero"})
    H.set_node_metadata(5, {"name": "five", "alone": True})
    H.set_edge_metadata((1, 3), {"kind": "pair"})
    hg, _, _ = from_hif(hgx_to_hif(H))
    write_hif(hg, tmp_path / "ours.json")
    H2 = hgx_read_hif(str(tmp_path / "ours.json"))
    assert H2.num_nodes() == H.num_nodes() == 6 and H2.num_edges() == H.num_edges() == 3
    view2 = hgx_view(H2)
    assert view2["members"] == {j: set(e) for j, e in enumerate(H.get_edges())}
    assert view2["weights"] == {j: float(H.get_weight(e)) for j, e in enumerate(H.get_edges())}
    assert view2["node_attrs"] == {uid: H.get_node_metadata(uid) for uid in range(6)}
    assert view2["edge_attrs"] == {j: H.get_edge_metadata(e) for j, e in enumerate(H.get_edges())}
    assert view2["metadata"] == H.get_hypergraph_metadata()


# --------------------------------------------------------------------------------- networkx
def test_networkx_bipartite_round_trip():
    hg = ours()
    G = to_networkx(hg)
    assert nx.is_bipartite(G) and G.number_of_nodes() == 5 + 3 and G.number_of_edges() == 7
    back = from_networkx(G)  # "auto" sees the bipartite attribute
    assert torch.equal(back.hyperedge_index, hg.hyperedge_index)
    assert torch.equal(back.hyperedge_weight, hg.hyperedge_weight)
    G2 = to_networkx(back)
    assert nx.utils.graphs_equal(G, G2)


def test_networkx_clique_round_trip():
    G = nx.karate_club_graph()
    hg = from_networkx(G)  # a plain graph: each edge a two-node hyperedge
    G2 = to_networkx(hg, form="clique")
    assert list(G2.nodes) == list(G.nodes)
    assert {frozenset(e): d["weight"] for *e, d in G2.edges(data=True)} == {
        frozenset(e): float(d["weight"]) for *e, d in G.edges(data=True)
    }
    back = from_networkx(G2)  # the same hyperedges, numbered in G2's edge order
    assert hyperedges(back) == hyperedges(hg) and back.num_nodes == 34


def hyperedges(hg: Hypergraph) -> list:
    members = [[] for _ in range(hg.num_hyperedges)]
    for v, e in hg.hyperedge_index.t().tolist():
        members[e].append(v)
    return sorted((tuple(sorted(m)), w) for m, w in zip(members, hg.hyperedge_weight.tolist()))


def test_networkx_clique_form_is_the_weighted_clique_expansion():
    hi = torch.tensor([[0, 1, 2, 1, 2, 3], [0, 0, 0, 1, 1, 2]])
    hg = Hypergraph(
        hyperedge_index=hi, num_nodes=5, num_hyperedges=3, hyperedge_weight=torch.tensor([2.0, 0.5, 3.0])
    )
    G = to_networkx(hg, form="clique")
    got = {frozenset(e): d["weight"] for *e, d in G.edges(data=True)}
    # {0,1,2} weight 2 and {1,2} weight 0.5 share the pair {1,2}; {3} is a self-loop; node 4 isolated
    assert got == {
        frozenset({0, 1}): 2.0,
        frozenset({0, 2}): 2.0,
        frozenset({1, 2}): 2.5,
        frozenset({3}): 3.0,
    }
    assert G.number_of_nodes() == 5
    with pytest.raises(ValueError, match="unknown networkx form"):
        to_networkx(hg, form="line")
