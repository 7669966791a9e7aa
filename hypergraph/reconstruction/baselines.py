"""Baselines for hypergraph reconstruction from a projected graph.

* :func:`max_clique_baseline`: every maximal clique is a hyperedge.
* :func:`edge_clique_cover`: the greedy edge clique cover of the reference code (pick an
  uncovered edge, grow a clique by repeatedly adding the common neighbour that covers the most
  uncovered edges, until none covers a new edge).
* :func:`k_clique_communities` / :func:`cfinder_baseline`: CFinder-style clique percolation
  (the union of ``k``-cliques reachable through ``k − 1`` shared nodes); computed from the
  maximal cliques of size ≥ ``k`` joined when they share ≥ ``k − 1`` nodes (Palla et al.),
  with ``k`` chosen on the training graph.

The Bayesian-MDL clique-cover model (Young et al., graph-tool ``CliqueState``) and Demon (cdlib)
are not provided: graph-tool and cdlib are unavailable and the MCMC model was not re-implemented.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from hypergraph.data.node_sets import NodeSets, canonicalize
from hypergraph.data.set_ops import unique_sets
from hypergraph.reconstruction.metrics import reconstruction_metrics
from hypergraph.reconstruction.projection import maximal_cliques


def max_clique_baseline(adj: sp.csr_matrix, cliques: NodeSets | None = None) -> NodeSets:
    """All maximal cliques of the projected graph."""
    return maximal_cliques(adj) if cliques is None else cliques


def edge_clique_cover(adj: sp.csr_matrix, seed: int | None = 0) -> NodeSets:
    """Greedy edge clique cover (the reference's ``get_edge_clique_cover``).

    The result depends on the order in which uncovered edges are taken and on tie-breaking
    (the reference pops edges from a Python set and scans candidate nodes in set order, i.e.
    an arbitrary but fixed order).  Here the nodes are relabelled by a permutation drawn with
    ``seed`` (``None``: no relabelling); edges are then taken in increasing ``(u, v)`` order of
    the new labels and ties go to the smallest new label.  The loop is sequential by nature
    (each clique depends on the edges covered before); each step is vectorised over the
    candidate nodes.  On Foursquare the Jaccard varies by about ±0.02 across seeds.
    """
    adj = sp.csr_matrix(adj)
    n = adj.shape[0]
    if seed is not None:
        perm = np.random.default_rng(seed).permutation(n)  # old node i -> new label perm[i]
        P = sp.csr_matrix((np.ones(n, dtype=np.int8), (np.arange(n), perm)), shape=(n, n))
        relabelled = (P.T @ adj @ P).tocsr()
        cover = edge_clique_cover(relabelled, seed=None)
        back = np.argsort(perm)
        return unique_sets(canonicalize(cover.indptr, back[cover.indices]))[0]
    adj.sort_indices()
    indptr, nbr = adj.indptr, adj.indices.astype(np.int64)
    keys = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr)) * n + nbr  # sorted
    uncovered = np.ones(keys.size, dtype=bool)
    upper = np.flatnonzero(keys // n < keys % n)

    def pos(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.searchsorted(keys, u * n + v)

    def cover(nodes: np.ndarray) -> None:
        a, b = np.meshgrid(nodes, nodes, indexing="ij")
        off = a != b
        uncovered[pos(a[off], b[off])] = False

    out_ptr, out_idx = [0], []
    for e in upper:  # sequential greedy: one clique per still-uncovered edge
        if not uncovered[e]:
            continue
        u, v = int(keys[e] // n), int(keys[e] % n)
        uncovered[pos(np.array([u, v]), np.array([v, u]))] = False
        R = [u, v]
        P = np.intersect1d(nbr[indptr[u] : indptr[u + 1]], nbr[indptr[v] : indptr[v + 1]])
        while P.size:
            r = np.asarray(R, dtype=np.int64)
            pp = np.repeat(P, r.size)
            rr = np.tile(r, P.size)
            cov = uncovered[pos(pp, rr)].reshape(P.size, r.size).sum(axis=1)
            best = int(np.argmax(cov))
            if cov[best] == 0:
                break
            z = int(P[best])
            R.append(z)
            P = np.intersect1d(P, nbr[indptr[z] : indptr[z + 1]])
        nodes = np.sort(np.asarray(R, dtype=np.int64))
        cover(nodes)
        out_idx.append(nodes)
        out_ptr.append(out_ptr[-1] + nodes.size)
    if not out_idx:
        return NodeSets.empty()
    return unique_sets(NodeSets(np.asarray(out_ptr), np.concatenate(out_idx)))[0]


def k_clique_communities(adj: sp.csr_matrix, k: int, cliques: NodeSets | None = None) -> NodeSets:
    """Clique-percolation communities for ``k ≥ 2`` (as :func:`networkx.k_clique_communities`)."""
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    cliques = maximal_cliques(adj) if cliques is None else cliques
    big = cliques.select(np.flatnonzero(cliques.sizes >= k))
    C = len(big)
    if C == 0:
        return NodeSets.empty()
    M = big.incidence(adj.shape[0])
    Mt = M.T.tocsr()
    rows, cols = [], []
    # rows per chunk: bound the overlap entries (a clique a meets at most Σ_{v∈a} d_v cliques)
    bound = float((M @ np.asarray(M.sum(axis=0)).ravel()).mean())
    step = int(max(1, 3_000_000 / max(bound, 1.0)))
    for s in range(0, C, step):
        o = (M[s : s + step] @ Mt).tocoo()
        keep = o.data >= k - 1
        rows.append(o.row[keep] + s)
        cols.append(o.col[keep])
    link = sp.csr_matrix(
        (np.ones(sum(r.size for r in rows), dtype=np.int8), (np.concatenate(rows), np.concatenate(cols))),
        shape=(C, C),
    )
    _, label = connected_components(link, directed=False)
    order = np.argsort(label[big.set_ids], kind="stable")
    comm = label[big.set_ids][order]
    indptr = np.zeros(label.max() + 2, dtype=np.int64)
    np.cumsum(np.bincount(comm, minlength=label.max() + 1), out=indptr[1:])
    return unique_sets(canonicalize(indptr, big.indices[order]))[0]


def choose_cfinder_k(train_adj: sp.csr_matrix, train_sets: NodeSets) -> tuple[int, list[tuple[float, int]]]:
    """``k`` among ``⌊q-th decile of training sizes⌋ + 1`` (q = 1..5) maximising the Jaccard
    of the communities of the *training* graph against the training hyperedges.

    (The reference scores ``|H_tr| / |comm ∪ H_tr|`` on the query graph, a bug noted in the
    spec; this uses the training graph and the real Jaccard.)  Ties go to the larger ``k``.
    """
    sizes = train_sets.sizes
    cliques = maximal_cliques(train_adj)
    scored = []
    for q in range(1, 6):
        k = int(np.quantile(sizes, 0.1 * q)) + 1
        if k < 2 or any(k == kk for _, kk in scored):
            continue
        comm = k_clique_communities(train_adj, k, cliques)
        scored.append((reconstruction_metrics(comm, train_sets)["jaccard"], k))
    if not scored:
        return 2, scored
    return max(scored)[1], scored


def cfinder_baseline(
    train_adj: sp.csr_matrix, train_sets: NodeSets, query_adj: sp.csr_matrix
) -> tuple[NodeSets, int]:
    """CFinder-style communities of the query graph with ``k`` chosen on the training graph."""
    k, _ = choose_cfinder_k(train_adj, train_sets)
    return k_clique_communities(query_adj, k), k
