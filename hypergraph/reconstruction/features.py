"""Candidate features of SHyRe: the 9 count features and the motif features.

Everything is computed from the projected graph and its maximal cliques with sparse/dense
array operations grouped by candidate size; no Python loop runs over candidates, cliques,
edges or nodes (only over the distinct candidate sizes and over fixed-size chunks).  On a
terminal the row-block loops (clustering, motif overlaps) show progress bars.

Motif features (the authors' ``cmotif.cpp``) treat the maximal cliques as a pseudo-hypergraph.
For a node ``v`` with ``d_v`` cliques: motif 1 = ``d_v``, motif 2 = #pairs of its cliques that
meet only in ``v``, motif 3 = the other pairs.  For a node pair ``e = (v1, v2)`` of a candidate,
the cliques containing ``v1`` or ``v2`` are of type B (both), A1 (only ``v1``) or A2 (only
``v2``); motif 4 = #B, motif 5 = #A1 + #A2, and motifs 6..13 count the pairs of those cliques by
type pair and by whether the two cliques share a node outside ``e``:

======  =========  ==========================
motif   type pair  share a node outside ``e``
======  =========  ==========================
6 / 8   A1–A2      no / yes
7 / 10  A1–A1, A2–A2  no / yes
9 / 12  B–A        no / yes
11 / 13 B–B        no / yes
======  =========  ==========================

Instead of enumerating clique pairs per node pair (quadratic in the clique degree, which made
the C++ code take > 25 minutes on P.School and Foursquare), the counts follow from clique pairs
with overlap exactly 1 or 2 (whose shared nodes are recovered from weighted overlap sums) and
from one thresholded sparse product ``Mᵀ [MMᵀ ≥ 1] M``:

* motif 2 of ``v`` = #clique pairs with intersection ``{v}``;
* motif 9 = Σ over cliques ``a ⊇ e`` of #cliques meeting ``a`` exactly in ``v1`` (or ``v2``);
* motif 7 = motif 2 of ``v1`` + motif 2 of ``v2`` − motif 9;
* motif 11 = #clique pairs with intersection exactly ``e``;
* motif 6 = ``d_v1 d_v2`` − #(a ∋ v1, b ∋ v2, a ∩ b ≠ ∅) (disjoint pairs are always A1–A2);
* motifs 8, 10, 12, 13 = the type-pair totals minus 6, 7, 9, 11.

Each node or pair motif is summarised over the candidate's nodes (motifs 1–3) or node pairs
(4–13) by min, max, mean and (population) standard deviation, after ``[|C|, mean degree]``:
54 columns in all (size-1 candidates get zeros for the pair motifs, as in the reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import pair_index
from hypergraph.progress import progress

COUNT_FEATURE_NAMES = (
    "clique_type",
    "clique_size",
    "edge_degree_all_dup",
    "edge_degree_mean",
    "node_degree_mean",
    "node_degree_mean_recur",
    "node_degree_mean2",
    "cluster_coef_mean",
    "parent_cliques",
)
MOTIF_STATS = ("min", "max", "mean", "std")
MOTIF_FEATURE_NAMES = ("clique_size", "degree_mean") + tuple(
    f"motif{i}_{s}" for i in range(1, 14) for s in MOTIF_STATS
)

_CHUNK_ENTRIES = 4_000_000  # bound on gathered [rows, width, features] entries per chunk


@dataclass
class GraphStats:
    """Node, edge and clique statistics of a projected graph shared by all feature kinds."""

    adj: sp.csr_matrix
    cliques: NodeSets
    num_nodes: int = field(init=False)
    degree: np.ndarray = field(init=False)  # projected degree
    clique_degree: np.ndarray = field(init=False)  # #maximal cliques per node
    edge_keys: np.ndarray = field(init=False)  # sorted u * N + v, u < v
    edge_clique_count: np.ndarray = field(init=False)  # #maximal cliques containing each edge
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        n = self.num_nodes = int(self.adj.shape[0])
        self.degree = np.diff(self.adj.indptr).astype(np.int64)
        self.clique_degree = np.bincount(self.cliques.indices, minlength=n).astype(np.int64)
        coo = sp.triu(self.adj, k=1).tocoo()
        self.edge_keys = np.sort(coo.row.astype(np.int64) * n + coo.col.astype(np.int64))
        eid, _, _ = self.clique_pairs()
        self.edge_clique_count = np.bincount(eid, minlength=self.edge_keys.size).astype(np.int64)

    # ------------------------------------------------------------------ lookups
    def edge_id(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Edge index of the node pairs ``u < v`` (which must be edges)."""
        key = u.astype(np.int64) * self.num_nodes + v.astype(np.int64)
        pos = np.searchsorted(self.edge_keys, key)
        pos = np.minimum(pos, max(self.edge_keys.size - 1, 0))
        if key.size and (self.edge_keys.size == 0 or (self.edge_keys[pos] != key).any()):
            raise ValueError("a candidate contains a node pair that is not an edge of the graph")
        return pos

    def clique_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(edge id, clique id, position pair)`` for every node pair of every maximal clique.

        The last item is ``(u, v)`` stacked as ``[2, P]``."""
        if "clique_pairs" in self._cache:
            return self._cache["clique_pairs"]
        eids, cids, us, vs = [], [], [], []
        for k in np.unique(self.cliques.sizes).tolist():
            if k < 2:
                continue
            ids, rows = self.cliques.rows_of_size(k)
            i, j = pair_index(k)
            u, v = rows[:, i].reshape(-1), rows[:, j].reshape(-1)
            us.append(u)
            vs.append(v)
            cids.append(np.repeat(ids, i.size))
        if us:
            u, v, c = np.concatenate(us), np.concatenate(vs), np.concatenate(cids)
            key = u * self.num_nodes + v
            e = np.searchsorted(self.edge_keys, key)
        else:
            u = v = c = e = np.zeros(0, dtype=np.int64)
        eids = e
        out = (eids, c, np.stack([u, v]))
        self._cache["clique_pairs"] = out
        return out

    def avg_neighbor_degree(self) -> np.ndarray:
        """Mean projected degree of each node's neighbours (0 for isolated nodes)."""
        s = self.adj.astype(np.float64) @ self.degree.astype(np.float64)
        return np.divide(s, self.degree, out=np.zeros(self.num_nodes), where=self.degree > 0)

    def clustering(self, chunk_rows: int = 20_000) -> np.ndarray:
        """Local clustering coefficient (as :func:`networkx.clustering`), row-chunked."""
        a = self.adj.astype(np.int64)
        tri = np.zeros(self.num_nodes, dtype=np.float64)
        with progress(total=self.num_nodes, desc="clustering", unit="node") as bar:
            for s in range(0, self.num_nodes, chunk_rows):
                block = a[s : s + chunk_rows]
                tri[s : s + chunk_rows] = np.asarray((block @ a).multiply(block).sum(axis=1)).ravel()
                bar.update(block.shape[0])
        d = self.degree.astype(np.float64)
        denom = d * (d - 1)
        return np.divide(tri, denom, out=np.zeros(self.num_nodes), where=denom > 0)


# --------------------------------------------------------------------- helpers
def _chunks(ids: np.ndarray, width: int):
    step = max(1, _CHUNK_ENTRIES // max(width, 1))
    for s in range(0, ids.size, step):
        yield slice(s, s + step)


def _stats(values: np.ndarray) -> np.ndarray:
    """min, max, mean, population std along axis 1 of ``[m, w, f]`` -> ``[m, f, 4]``."""
    mean = values.mean(axis=1)
    std = np.sqrt(np.maximum((values * values).mean(axis=1) - mean * mean, 0.0))
    return np.stack([values.min(axis=1), values.max(axis=1), mean, std], axis=-1)


# ------------------------------------------------------------------ count features
def count_features(
    stats: GraphStats, candidates: NodeSets, num_max: int, parent_count: np.ndarray
) -> np.ndarray:
    """The 9 count features of the candidates (maximal cliques first, ``num_max`` of them).

    Columns are :data:`COUNT_FEATURE_NAMES`: type (0 maximal clique, 1 sub-clique), size,
    whether every node pair lies in more than one maximal clique, mean #maximal cliques per node
    pair, mean projected degree, mean average-neighbour degree, mean #maximal cliques per node,
    mean clustering coefficient, and #sampled parent cliques.
    """
    m = len(candidates)
    X = np.zeros((m, 9), dtype=np.float64)
    X[num_max:, 0] = 1.0
    sizes = candidates.sizes
    X[:, 1] = sizes
    X[:, 8] = parent_count
    node_feat = np.stack(
        [
            stats.degree.astype(np.float64),
            stats.avg_neighbor_degree(),
            stats.clique_degree.astype(np.float64),
            stats.clustering(),
        ],
        axis=1,
    )
    sums = candidates.incidence(stats.num_nodes, dtype=np.float64) @ node_feat
    X[:, [4, 5, 6, 7]] = sums / np.maximum(sizes, 1)[:, None]
    ecc = stats.edge_clique_count.astype(np.float64)
    for k in np.unique(sizes).tolist():
        if k < 2:
            continue
        ids, rows = candidates.rows_of_size(k)
        i, j = pair_index(k)
        for sl in _chunks(ids, i.size):
            r = rows[sl]
            w = ecc[stats.edge_id(r[:, i], r[:, j])]
            X[ids[sl], 2] = (w > 1).all(axis=1)
            X[ids[sl], 3] = w.sum(axis=1) / (k * (k - 1) / 2)
    return X


# ------------------------------------------------------------------ motif features
def _overlap_chunks(M: sp.csr_matrix, w1: np.ndarray, w2: np.ndarray, rows_per_chunk: int):
    """Yield ``(a, b, overlap, sum w1, sum w2)`` over the clique pairs ``a != b`` that overlap."""
    Mt = M.T.tocsr().astype(np.int64)
    row_w = np.diff(Mt.indptr)
    Mt1 = Mt.copy()
    Mt1.data = Mt.data * np.repeat(w1, row_w)
    Mt2 = Mt.copy()
    Mt2.data = Mt.data * np.repeat(w2, row_w)
    C = M.shape[0]
    with progress(total=C, desc="motif clique overlaps", unit="clique") as bar:
        for s in range(0, C, rows_per_chunk):
            blk = M[s : s + rows_per_chunk]
            o = (blk @ Mt).tocsr()
            o1 = (blk @ Mt1).tocsr()
            o2 = (blk @ Mt2).tocsr()
            for x in (o, o1, o2):
                x.sort_indices()
            a = np.repeat(np.arange(s, s + blk.shape[0], dtype=np.int64), np.diff(o.indptr))
            b = o.indices.astype(np.int64)
            off = a != b
            yield a[off], b[off], o.data[off], o1.data[off], o2.data[off]
            bar.update(blk.shape[0])


def motif_node_edge_tables(
    stats: GraphStats, rows_per_chunk: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-node motifs 1–3 ``[N, 3]`` and per-edge motifs 4–13 ``[E, 10]`` (see module doc)."""
    if "motif_tables" in stats._cache:
        return stats._cache["motif_tables"]
    n = stats.num_nodes
    E = stats.edge_keys.size
    cl = stats.cliques
    C = len(cl)
    M = cl.incidence(n, dtype=np.int64)
    ids1 = np.arange(1, n + 1, dtype=np.int64)
    if rows_per_chunk is None:  # bound the overlap entries of a chunk (upper bound Σ_v∈a d_v)
        bound = float((M @ stats.clique_degree).mean()) if C else 1.0
        rows_per_chunk = int(max(1, min(max(C, 1), 3_000_000 / max(bound, 1.0))))
    m2 = np.zeros(n, dtype=np.int64)  # pairs meeting exactly in v (unordered)
    cnt2 = np.zeros(E, dtype=np.int64)  # pairs meeting exactly in edge e (unordered)
    s_keys, s_counts = [], []  # s(a, v) = #b with a ∩ b = {v}
    for a, b, o, s1, s2 in _overlap_chunks(M, ids1, ids1 * ids1, rows_per_chunk):
        one = o == 1
        v = s1[one] - 1
        m2 += np.bincount(v, minlength=n)  # every unordered pair appears twice (a,b),(b,a)
        ka = a[one] * n + v
        uk, cnt = np.unique(ka, return_counts=True)
        s_keys.append(uk)
        s_counts.append(cnt)
        two = (o == 2) & (a < b)
        if two.any():
            ssum, ssq = s1[two], s2[two]
            d = np.rint(np.sqrt(2 * ssq - ssum * ssum)).astype(np.int64)
            u1 = (ssum - d) // 2 - 1
            v1 = (ssum + d) // 2 - 1
            e = stats.edge_id(u1, v1)
            cnt2 += np.bincount(e, minlength=E)
    m2 //= 2
    # P1 = Mᵀ K M with K = [M Mᵀ ≥ 1] (diagonal included), evaluated on the edges
    p1 = _overlap_product_on_edges(stats, M, rows_per_chunk)
    if s_keys:
        keys = np.concatenate(s_keys)
        vals = np.concatenate(s_counts)
        uk, inv = np.unique(keys, return_inverse=True)
        s_vals = np.bincount(inv.reshape(-1), weights=vals).astype(np.int64)
    else:
        uk = np.zeros(0, dtype=np.int64)
        s_vals = np.zeros(0, dtype=np.int64)

    def s_lookup(c: np.ndarray, v: np.ndarray) -> np.ndarray:
        key = c * n + v
        pos = np.searchsorted(uk, key)
        pos = np.minimum(pos, max(uk.size - 1, 0))
        hit = (uk.size > 0) & (uk[pos] == key) if uk.size else np.zeros(key.size, dtype=bool)
        return np.where(hit, s_vals[pos] if uk.size else 0, 0)

    eid, cid, uv = stats.clique_pairs()
    S1 = np.bincount(eid, weights=s_lookup(cid, uv[0]), minlength=E)
    S2 = np.bincount(eid, weights=s_lookup(cid, uv[1]), minlength=E)
    d = stats.clique_degree.astype(np.float64)
    node_tab = np.stack([d, m2.astype(np.float64), d * (d - 1) / 2 - m2], axis=1)
    eu = stats.edge_keys // n
    ev = stats.edge_keys % n
    d1, d2 = d[eu], d[ev]
    nb = stats.edge_clique_count.astype(np.float64)
    n1, n2 = d1 - nb, d2 - nb
    m6 = d1 * d2 - p1
    m8 = n1 * n2 - m6
    m9 = S1 + S2
    m7 = m2[eu] + m2[ev] - m9
    m10 = n1 * (n1 - 1) / 2 + n2 * (n2 - 1) / 2 - m7
    m12 = nb * (n1 + n2) - m9
    m11 = cnt2.astype(np.float64)
    m13 = nb * (nb - 1) / 2 - m11
    edge_tab = np.stack([nb, n1 + n2, m6, m7, m8, m9, m10, m11, m12, m13], axis=1)
    stats._cache["motif_tables"] = (node_tab, edge_tab)
    return node_tab, edge_tab


def _overlap_product_on_edges(stats: GraphStats, M: sp.csr_matrix, rows_per_chunk: int) -> np.ndarray:
    """``Σ_{a ∋ u} Σ_{b ∋ v} [a ∩ b ≠ ∅]`` for every edge ``(u, v)`` (pairs ``a == b`` count)."""
    n = stats.num_nodes
    E = stats.edge_keys.size
    out = np.zeros(E, dtype=np.float64)
    if E == 0:
        return out
    Mt = M.T.tocsr()
    Mf = M.astype(np.float64)
    eu = stats.edge_keys // n
    ev = stats.edge_keys % n
    C = M.shape[0]
    with progress(total=C, desc="motif overlap product", unit="clique") as bar:
        for s in range(0, C, rows_per_chunk):
            blk = M[s : s + rows_per_chunk]
            k = (blk @ Mt).tocsr()
            k.data[:] = 1
            t = k.astype(np.float64) @ Mf  # [rows, N]: #cliques b ∋ v overlapping a
            p = (Mf[s : s + rows_per_chunk].T @ t).tocsr()  # [N, N]
            out += np.asarray(p[eu, ev]).ravel()
            bar.update(blk.shape[0])
    return out


def motif_features(stats: GraphStats, candidates: NodeSets) -> np.ndarray:
    """The 54 raw motif features of the candidates (columns :data:`MOTIF_FEATURE_NAMES`)."""
    node_tab, edge_tab = motif_node_edge_tables(stats)
    m = len(candidates)
    X = np.zeros((m, 54), dtype=np.float64)
    sizes = candidates.sizes
    X[:, 0] = sizes
    deg_sum = candidates.incidence(stats.num_nodes, dtype=np.float64) @ stats.degree.astype(np.float64)
    X[:, 1] = deg_sum / np.maximum(sizes, 1)
    for k in np.unique(sizes).tolist():
        ids, rows = candidates.rows_of_size(k)
        for sl in _chunks(ids, k * 3):
            X[ids[sl], 2:14] = _stats(node_tab[rows[sl]]).reshape(-1, 12)
        if k < 2:
            continue  # pair motifs of a single node are all 0, as in the reference
        i, j = pair_index(k)
        for sl in _chunks(ids, i.size * 10):
            r = rows[sl]
            e = stats.edge_id(r[:, i], r[:, j])
            X[ids[sl], 14:54] = _stats(edge_tab[e]).reshape(-1, 40)
    return X
