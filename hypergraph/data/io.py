"""Conversions: networkx (bipartite), scipy sparse incidence, and HIF JSON.

HIF, the Hypergraph Interchange Format, is the JSON layout read and written by XGI, HyperNetX
and hypergraphx: ``{"network-type", "metadata", "nodes": [{"node", "weight", "attrs"}],
"edges": [{"edge", "weight", "attrs"}], "incidences": [{"node", "edge", "weight"}]}``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.ops import incidence_scipy
from hypergraph.data.utils import atomic_write


def to_scipy(hg: Hypergraph) -> sp.csr_matrix:
    """The ``[N, M]`` incidence matrix as scipy CSR."""
    return incidence_scipy(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges)


def from_scipy(H: sp.spmatrix, hyperedge_weight: np.ndarray | None = None, **attrs: Any) -> Hypergraph:
    """A hypergraph from a scipy ``[N, M]`` incidence matrix (non-zeros are memberships)."""
    H = sp.coo_matrix(H)
    H.sum_duplicates()
    H.eliminate_zeros()
    hi = torch.from_numpy(np.stack([H.row, H.col]).astype(np.int64))
    w = None if hyperedge_weight is None else torch.as_tensor(hyperedge_weight, dtype=torch.float32)
    return Hypergraph(
        hyperedge_index=hi, num_nodes=H.shape[0], num_hyperedges=H.shape[1], hyperedge_weight=w, **attrs
    )


def to_networkx(hg: Hypergraph) -> nx.Graph:
    """The bipartite (star) graph: nodes ``("v", i)`` with ``bipartite=0`` and hyperedges
    ``("e", j)`` with ``bipartite=1`` and a ``weight`` attribute."""
    G = nx.Graph()
    G.add_nodes_from((("v", i) for i in range(hg.num_nodes)), bipartite=0)
    w = hg.get("hyperedge_weight")
    weights = w.tolist() if w is not None else [1.0] * hg.num_hyperedges
    G.add_nodes_from(
        (("e", j), {"bipartite": 1, "weight": weights[j]}) for j in range(hg.num_hyperedges)
    )
    hi = hg.hyperedge_index.tolist()
    G.add_edges_from(zip((("v", i) for i in hi[0]), (("e", j) for j in hi[1])))
    return G


def from_networkx(G: nx.Graph) -> Hypergraph:
    """Inverse of :func:`to_networkx`: a bipartite graph with a ``bipartite`` node attribute
    (0 = node, 1 = hyperedge).  Nodes and hyperedges are numbered in ``G``'s node order."""
    try:
        side = {n: d["bipartite"] for n, d in G.nodes(data=True)}
    except KeyError as err:
        raise ValueError("every node of the bipartite graph needs a 'bipartite' attribute (0 or 1)") from err
    nodes = [n for n in G.nodes if side[n] == 0]
    edges = [n for n in G.nodes if side[n] == 1]
    vid = {n: i for i, n in enumerate(nodes)}
    eid = {n: j for j, n in enumerate(edges)}
    pairs = []
    for a, b in G.edges():
        if side[a] == side[b]:
            raise ValueError(f"edge ({a!r}, {b!r}) joins two nodes of the same side")
        v, e = (a, b) if side[a] == 0 else (b, a)
        pairs.append((vid[v], eid[e]))
    hi = torch.tensor(pairs, dtype=torch.long).t().reshape(2, -1)
    w = torch.tensor([float(G.nodes[e].get("weight", 1.0)) for e in edges])
    return Hypergraph(hyperedge_index=hi, num_nodes=len(nodes), num_hyperedges=len(edges), hyperedge_weight=w)


def to_hif(hg: Hypergraph, node_ids: list | None = None, edge_ids: list | None = None) -> dict:
    """The hypergraph as a HIF dictionary (JSON-serialisable)."""
    node_ids = list(range(hg.num_nodes)) if node_ids is None else list(node_ids)
    edge_ids = list(range(hg.num_hyperedges)) if edge_ids is None else list(edge_ids)
    w = hg.get("hyperedge_weight")
    weights = w.tolist() if w is not None else [1.0] * hg.num_hyperedges
    hi = hg.hyperedge_index.tolist()
    return {
        "network-type": "undirected",
        "metadata": {},
        "nodes": [{"node": n} for n in node_ids],
        "edges": [{"edge": e, "weight": wt} for e, wt in zip(edge_ids, weights)],
        "incidences": [{"edge": edge_ids[e], "node": node_ids[v]} for v, e in zip(hi[0], hi[1])],
    }


def from_hif(hif: dict) -> tuple[Hypergraph, list, list]:
    """Read a HIF dictionary.  Returns ``(hypergraph, node_ids, edge_ids)``: the HIF ids of
    node ``i`` and hyperedge ``j``.  Nodes and edges are numbered in the order they are listed,
    then in the order of first appearance in ``incidences``."""
    if not isinstance(hif, dict):
        raise ValueError("HIF document must be a JSON object")
    if "incidences" not in hif or not isinstance(hif["incidences"], list):
        raise ValueError("HIF document needs an 'incidences' list")
    ntype = hif.get("network-type", "undirected")
    if ntype not in ("undirected", "asc"):
        raise ValueError(f"HIF network-type {ntype!r} is not supported (undirected only)")
    node_ids: dict = {}
    edge_ids: dict = {}
    weights: dict = {}
    for i, rec in enumerate(hif.get("nodes", [])):
        if "node" not in rec:
            raise ValueError(f"HIF nodes[{i}] has no 'node' field")
        node_ids.setdefault(rec["node"], len(node_ids))
    for i, rec in enumerate(hif.get("edges", [])):
        if "edge" not in rec:
            raise ValueError(f"HIF edges[{i}] has no 'edge' field")
        edge_ids.setdefault(rec["edge"], len(edge_ids))
        if "weight" in rec:
            weights[rec["edge"]] = float(rec["weight"])
    pairs = []
    for i, rec in enumerate(hif["incidences"]):
        if "node" not in rec or "edge" not in rec:
            raise ValueError(f"HIF incidences[{i}] needs 'node' and 'edge' fields")
        v = node_ids.setdefault(rec["node"], len(node_ids))
        e = edge_ids.setdefault(rec["edge"], len(edge_ids))
        pairs.append((v, e))
    hi = torch.tensor(pairs, dtype=torch.long).t().reshape(2, -1)
    from hypergraph.data.transforms import coalesce_incidence

    hi = coalesce_incidence(hi, len(node_ids))
    w = torch.tensor([weights.get(e, 1.0) for e in edge_ids], dtype=torch.float32)
    hg = Hypergraph(
        hyperedge_index=hi,
        num_nodes=len(node_ids),
        num_hyperedges=len(edge_ids),
        hyperedge_weight=w,
    )
    return hg, list(node_ids), list(edge_ids)


def write_hif(hg: Hypergraph, path: str | os.PathLike, **kwargs: Any) -> None:
    """Write :func:`to_hif` as JSON (atomically)."""
    with atomic_write(path, "w") as f:
        json.dump(to_hif(hg, **kwargs), f)


def read_hif(path: str | os.PathLike) -> tuple[Hypergraph, list, list]:
    """Read a HIF JSON file (see :func:`from_hif`)."""
    try:
        doc = json.loads(Path(path).read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} is not valid JSON: {err}") from err
    return from_hif(doc)
