"""Conversions: networkx (bipartite or clique form) and scipy sparse incidence; HIF JSON lives in
:mod:`hypergraph.data.hif` (its functions are re-exported here).
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.ops import incidence_scipy


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


# ------------------------------------------------------------------------------------ networkx
def to_networkx(hg: Hypergraph, form: str = "bipartite") -> nx.Graph:
    """The hypergraph as a networkx graph.

    ``form="bipartite"`` (lossless; the star expansion): nodes ``("v", i)`` with ``bipartite=0``
    and hyperedges ``("e", j)`` with ``bipartite=1`` and a ``weight`` attribute, one edge per
    incidence.  ``form="clique"`` (the clique expansion): nodes ``0 .. N-1``, an edge between
    every two nodes that share a hyperedge, weighted by the summed weights of the hyperedges
    they share; a one-node hyperedge ``{v}`` is a self-loop at ``v``.  For a hypergraph whose
    hyperedges are distinct pairs (a graph) the clique form is lossless and
    :func:`from_networkx` reads it back.
    """
    if form == "bipartite":
        G = nx.Graph()
        G.add_nodes_from((("v", i) for i in range(hg.num_nodes)), bipartite=0)
        w = hg.get("hyperedge_weight")
        weights = w.tolist() if w is not None else [1.0] * hg.num_hyperedges
        G.add_nodes_from((("e", j), {"bipartite": 1, "weight": weights[j]}) for j in range(hg.num_hyperedges))
        hi = hg.hyperedge_index.tolist()
        G.add_edges_from(zip((("v", i) for i in hi[0]), (("e", j) for j in hi[1])))
        return G
    if form != "clique":
        raise ValueError(f"unknown networkx form {form!r}; valid: bipartite, clique")
    N, M = hg.num_nodes, hg.num_hyperedges
    hi = hg.hyperedge_index
    w = hg.get("hyperedge_weight")
    w = torch.ones(M) if w is None else w.detach().cpu().double()
    H = incidence_scipy(hi, N, M).astype(np.float64)
    count = (H @ H.T).tocsr()  # pairs sharing at least one hyperedge (structure)
    weight = (H @ sp.diags(w.numpy()) @ H.T).tocsr()  # summed weights of the shared hyperedges
    C = sp.triu(count, k=1).tocoo()
    pair_w = np.asarray(weight[C.row, C.col]).reshape(-1)
    size = torch.bincount(hi[1], minlength=M)
    single = (size == 1)[hi[1]]
    loop_w = np.zeros(N)
    np.add.at(loop_w, hi[0][single].numpy(), w[hi[1][single]].numpy())
    loops = np.flatnonzero(torch.bincount(hi[0][single], minlength=N).numpy() > 0)
    G = nx.Graph()
    G.add_nodes_from(range(N))
    G.add_weighted_edges_from(zip(C.row.tolist(), C.col.tolist(), pair_w.tolist()))
    G.add_weighted_edges_from((int(v), int(v), float(loop_w[v])) for v in loops)
    return G


def from_networkx(G: nx.Graph, form: str = "auto") -> Hypergraph:
    """A hypergraph from a networkx graph.

    ``form="bipartite"`` is the inverse of :func:`to_networkx`: every node has a ``bipartite``
    attribute (0 = node, 1 = hyperedge, whose ``weight`` attribute is the hyperedge weight).
    ``form="clique"`` reads a plain graph: each edge ``{u, v}`` is a two-node hyperedge (a
    self-loop a one-node hyperedge) weighted by its ``weight`` attribute (default 1), e.g.
    ``from_networkx(nx.karate_club_graph())``; this is the inverse of the clique form for
    graphs.  (:func:`hypergraph.data.construct.from_graph` builds the HGNN+ pairwise and
    k-hop hyperedges from an ``edge_index`` instead.)  ``"auto"`` picks ``bipartite`` when
    every node has the attribute and ``clique`` when none has.  Nodes (and hyperedges) are
    numbered in ``G``'s node (edge) order: node ``i`` is ``list(G.nodes)[i]``.
    """
    if form == "auto":
        missing = [n for n, d in G.nodes(data=True) if "bipartite" not in d]
        if not missing:
            form = "bipartite" if G.number_of_nodes() else "clique"
        elif len(missing) == G.number_of_nodes():
            form = "clique"
        else:
            raise ValueError(
                f"node {missing[0]!r} has no 'bipartite' attribute but others have: give every node of "
                "a bipartite (star) graph 'bipartite' 0 or 1, or none for a plain graph"
            )
    if form == "clique":
        return _from_plain_graph(G)
    if form != "bipartite":
        raise ValueError(f"unknown networkx form {form!r}; valid: auto, bipartite, clique")
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
    from hypergraph.data.transforms import coalesce_incidence

    hi = coalesce_incidence(torch.tensor(pairs, dtype=torch.long).t().reshape(2, -1), len(nodes))
    w = torch.tensor([_nx_weight(G.nodes[e].get("weight", 1.0), f"hyperedge node {e!r}") for e in edges])
    return Hypergraph(hyperedge_index=hi, num_nodes=len(nodes), num_hyperedges=len(edges), hyperedge_weight=w)


def _from_plain_graph(G: nx.Graph) -> Hypergraph:
    if G.is_directed():
        raise ValueError("from_networkx reads undirected graphs; pass G.to_undirected()")
    vid = {n: i for i, n in enumerate(G.nodes)}
    src, dst, weights = [], [], []
    for u, v, d in G.edges(data=True):
        src.append(vid[u])
        dst.append(vid[v])
        weights.append(_nx_weight(d.get("weight", 1.0), f"edge ({u!r}, {v!r})"))
    m = len(src)
    s, t = torch.tensor(src, dtype=torch.long), torch.tensor(dst, dtype=torch.long)
    eid = torch.arange(m)
    loop = s == t  # a self-loop is the one-node hyperedge {u}
    hi = torch.stack([torch.cat([s, t[~loop]]), torch.cat([eid, eid[~loop]])])
    from hypergraph.data.transforms import coalesce_incidence

    return Hypergraph(
        hyperedge_index=coalesce_incidence(hi, len(vid)),
        hyperedge_weight=torch.tensor(weights, dtype=torch.float32),
        num_nodes=len(vid),
        num_hyperedges=m,
    )


def _nx_weight(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{where}: weight {value!r} is not a number")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}: weight {value} must be finite and >= 0")
    return value


from hypergraph.data.hif import HIF_KEYS, from_hif, read_hif, to_hif, write_hif  # noqa: E402

__all__ = [
    "HIF_KEYS",
    "from_hif",
    "from_networkx",
    "from_scipy",
    "read_hif",
    "to_hif",
    "to_networkx",
    "to_scipy",
    "write_hif",
]
