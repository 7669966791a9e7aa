"""Projection of a hypergraph to its (unweighted) clique expansion, and maximal cliques."""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import pair_index, unique_sets


def hypergraph_sets(h: Hypergraph) -> NodeSets:
    """The distinct non-empty hyperedges of ``h`` as canonical sets (repeated ids merged)."""
    sets = NodeSets.from_hypergraph(h)
    return unique_sets(sets.select(np.flatnonzero(sets.sizes > 0)))[0]


def clique_expansion(sets: NodeSets, num_nodes: int) -> sp.csr_matrix:
    """Symmetric 0/1 adjacency (CSR, int8, no self-loops) of the unweighted clique expansion.

    Every pair of nodes sharing a set is adjacent; multiplicities are dropped, and nodes of
    singleton sets (or of no set) are isolated.
    """
    rows, cols = [], []
    for k in np.unique(sets.sizes).tolist():  # loop over distinct sizes only
        if k < 2:
            continue
        _, members = sets.rows_of_size(k)
        i, j = pair_index(k)
        rows.append(members[:, i].reshape(-1))
        cols.append(members[:, j].reshape(-1))
    if rows:
        r, c = np.concatenate(rows), np.concatenate(cols)
    else:
        r = c = np.zeros(0, dtype=np.int64)
    key = np.unique(r * num_nodes + c)
    r, c = key // num_nodes, key % num_nodes
    data = np.ones(2 * r.size, dtype=np.int8)
    adj = sp.csr_matrix(
        (data, (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(num_nodes, num_nodes)
    )
    adj.sum_duplicates()
    adj.data[:] = 1
    return adj


def project(h: Hypergraph) -> sp.csr_matrix:
    """The projected graph of ``h``: its unweighted clique expansion on ``h.num_nodes`` nodes."""
    return clique_expansion(hypergraph_sets(h), h.num_nodes)


def as_adjacency(graph, num_nodes: int | None = None) -> sp.csr_matrix:
    """Accept a scipy sparse matrix, a ``[2, E]`` edge_index (tensor or array) or a networkx
    graph (nodes ``0..N-1``) and return the symmetric 0/1 CSR adjacency without self-loops."""
    if isinstance(graph, nx.Graph):
        n = graph.number_of_nodes() if num_nodes is None else num_nodes
        if n and set(graph.nodes) != set(range(n)):
            raise ValueError("a networkx graph must have the nodes 0..N-1")
        adj = nx.to_scipy_sparse_array(graph, nodelist=range(n), format="csr", dtype=np.int8)
        adj = sp.csr_matrix(adj)
    elif sp.issparse(graph):
        adj = sp.csr_matrix(graph)
        if adj.shape[0] != adj.shape[1]:
            raise ValueError(f"adjacency must be square, got shape {adj.shape}")
    else:
        ei = graph.detach().cpu().numpy() if isinstance(graph, Tensor) else np.asarray(graph)
        if ei.ndim != 2 or ei.shape[0] != 2:
            raise ValueError(f"edge_index must have shape [2, E], got {tuple(ei.shape)}")
        if num_nodes is None:
            raise ValueError("num_nodes is required with an edge_index (isolated nodes count)")
        if ei.size and (ei.min() < 0 or ei.max() >= num_nodes):
            raise ValueError(f"edge_index has node ids outside [0, {num_nodes})")
        n = int(num_nodes)
        adj = sp.csr_matrix((np.ones(ei.shape[1], dtype=np.int8), (ei[0], ei[1])), shape=(n, n))
    adj = ((adj + adj.T) != 0).astype(np.int8).tocsr()
    adj.setdiag(0)
    adj.eliminate_zeros()
    adj.sort_indices()
    return adj


def maximal_cliques(adj: sp.csr_matrix) -> NodeSets:
    """All maximal cliques of the graph (isolated nodes are singleton cliques), canonical sets.

    Uses :func:`networkx.find_cliques` (Bron–Kerbosch with pivoting) per graph; the order of the
    result is that of networkx and is not meaningful.
    """
    g = nx.Graph()
    g.add_nodes_from(range(adj.shape[0]))
    coo = sp.triu(adj, k=1).tocoo()
    g.add_edges_from(zip(coo.row.tolist(), coo.col.tolist()))
    cliques = nx.find_cliques(g)
    return NodeSets.from_iterable(cliques)
