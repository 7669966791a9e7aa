"""Projected graph, open-triangle enumeration, closure labels and 3-node closure statistics.

Everything is vectorised with numpy: triangles are listed from the wedges of the degree-ordered
projected graph (sources processed in chunks of a bounded number of wedges), node triples are
encoded as int64 keys ``(i * n + j) * n + k`` (``i < j < k``) and set membership is a
``searchsorted`` in a sorted unique key array.  Memory is linear in the number of open triangles
(plus the chunk size); time is dominated by the number of oriented wedges of the projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hypergraph.data.set_ops import segment_pairs, segment_triples
from hypergraph.data.temporal import TemporalSimplicialComplex
from hypergraph.progress import progress

__all__ = [
    "CONFIGURATIONS",
    "ClosureTriangles",
    "ProjectedGraph",
    "closure_type_counts",
    "enumerate_open_triangles",
    "simplex_triple_keys",
]

# 3-node configurations by edge-weight class (0 no edge, 1 weight 1, 2 weight >= 2)
CONFIGURATIONS = ("000", "001", "002", "011", "012", "022", "111", "112", "122", "222")
_CHUNK = 1 << 22  # wedges / triples per vectorised chunk


# ------------------------------------------------------------------------- helpers
def _chunks(work: np.ndarray, budget: int = _CHUNK) -> list[tuple[int, int]]:
    """Split items with per-item ``work`` into consecutive ranges of about ``budget`` work."""
    if work.size == 0:
        return []
    cum = np.cumsum(work)
    bounds = [0]
    while bounds[-1] < work.size:
        start = bounds[-1]
        base = cum[start - 1] if start else 0
        stop = int(np.searchsorted(cum, base + budget, side="right"))
        bounds.append(max(stop, start + 1))
    return list(zip(bounds[:-1], bounds[1:]))


def _check_codec(n: int) -> None:
    if n > 0 and float(n) ** 3 >= 2.0**63:
        raise ValueError(f"{n} nodes: node triples do not fit int64 keys (at most 2,097,151 nodes)")


def triple_keys(i: np.ndarray, j: np.ndarray, k: np.ndarray, n: int) -> np.ndarray:
    """int64 key of each node triple (the three ids are sorted first)."""
    a = np.stack([np.asarray(i, np.int64), np.asarray(j, np.int64), np.asarray(k, np.int64)])
    a.sort(axis=0)
    return (a[0] * n + a[1]) * n + a[2]


def decode_triples(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k = keys % n
    ij = keys // n
    return ij // n, ij % n, k


def _isin_sorted(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    pos = np.searchsorted(sorted_keys, keys)
    pos[pos == sorted_keys.size] = 0
    return sorted_keys[pos] == keys


def simplex_triple_keys(tsc: TemporalSimplicialComplex, budget: int = _CHUNK) -> np.ndarray:
    """Sorted unique keys of all 3-node subsets of the simplices of ``tsc``."""
    n = tsc.num_nodes
    _check_codec(n)
    sizes = tsc.sizes
    big = np.flatnonzero(sizes >= 3)
    work = sizes[big] * (sizes[big] - 1) * (sizes[big] - 2) // 6
    parts = []
    for a, b in _chunks(work, budget):
        sel = big[a:b]
        p, q, r = segment_triples(tsc.offsets[sel], sizes[sel])
        nodes = tsc.nodes  # sorted inside each simplex, so p < q < r gives sorted triples
        parts.append(np.unique((nodes[p] * n + nodes[q]) * n + nodes[r]))
    if not parts:
        return np.zeros(0, np.int64)
    return np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------------- projection
@dataclass
class ProjectedGraph:
    """The weighted projection of a complex with an edge index.

    Edges are the pairs ``u < v`` with ``W_uv > 0``, numbered in ``(u, v)`` order.  ``degree``
    counts neighbours, ``simplex_degree`` the simplices containing a node, and ``rank`` is the
    position of a node when sorted by ``(degree, id)`` (the order of ScHoLP.jl).
    """

    num_nodes: int
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_w: np.ndarray
    entry_edge: np.ndarray  # edge id of each CSR entry
    degree: np.ndarray
    simplex_degree: np.ndarray
    rank: np.ndarray
    _table: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def from_complex(cls, tsc: TemporalSimplicialComplex) -> ProjectedGraph:
        w = tsc.projected_graph()
        n = tsc.num_nodes
        row = np.repeat(np.arange(n, dtype=np.int64), np.diff(w.indptr))
        col = w.indices.astype(np.int64)
        up = row < col
        eu, ev, ew = row[up], col[up], w.data[up].astype(np.int64)
        key = eu * n + ev
        entry_edge = np.empty(col.size, dtype=np.int64)
        entry_edge[up] = np.arange(eu.size)
        entry_edge[~up] = np.searchsorted(key, col[~up] * n + row[~up])
        degree = np.diff(w.indptr).astype(np.int64)
        rank = np.empty(n, dtype=np.int64)
        rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
        g = cls(
            n,
            w.indptr.astype(np.int64),
            col,
            w.data.astype(np.int64),
            eu,
            ev,
            ew,
            entry_edge,
            degree,
            tsc.simplex_degree(),
            rank,
        )
        if n * n <= 1 << 24:  # dense edge-id table up to 4096 nodes (64 MiB)
            table = np.full((n, n), -1, dtype=np.int32)
            table[row, col] = entry_edge
            g._table = table
        return g

    @property
    def num_edges(self) -> int:
        return int(self.edge_u.size)

    def edge_id(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Edge id of each pair ``(a, b)`` (any order); -1 where there is no edge."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        if self._table is not None:
            return self._table[a, b].astype(np.int64)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        key = lo * self.num_nodes + hi
        ekey = self.edge_u * self.num_nodes + self.edge_v
        if ekey.size == 0:
            return np.full(key.shape, -1, dtype=np.int64)
        pos = np.searchsorted(ekey, key)
        pos[pos == ekey.size] = 0
        return np.where((ekey[pos] == key) & (lo != hi), pos, -1)

    def weight(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``W_ab`` (0 where there is no edge)."""
        e = self.edge_id(a, b)
        if self.edge_w.size == 0:  # a past with no edge at all
            return np.zeros(e.shape, dtype=self.edge_w.dtype)
        return np.where(e >= 0, self.edge_w[np.maximum(e, 0)], 0)

    def oriented(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Out-lists of the (degree, id)-ordered DAG: ``(ptr, dst, edge)``, ``dst`` id-sorted."""
        u, v = self.edge_u, self.edge_v
        fwd = self.rank[u] < self.rank[v]
        src = np.where(fwd, u, v)
        dst = np.where(fwd, v, u)
        order = np.lexsort((dst, src))
        ptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=self.num_nodes))])
        return ptr, dst[order], order


# ---------------------------------------------------------------- open triangles
@dataclass
class ClosureTriangles:
    """The open triangles of a past complex and the statistics gathered while listing them.

    ``tri[t] = (i, j, k)`` in the order of ScHoLP.jl: ``i`` is the node of smallest
    ``(degree, id)`` and ``j < k`` by id.  ``edges[t] = (e_ij, e_jk, e_ik)`` are edge ids of
    ``graph``.  ``edge_triangles[e]`` is the number of triangles of the projected graph that
    contain edge ``e`` (= common neighbours of its end points); ``all_counts`` /
    ``open_counts`` count triangles (all / open) by the number of strong (weight >= 2) edges.
    """

    graph: ProjectedGraph
    tri: np.ndarray
    edges: np.ndarray
    edge_triangles: np.ndarray
    all_counts: np.ndarray
    open_counts: np.ndarray
    closed_keys: np.ndarray

    @property
    def num_open(self) -> int:
        return int(self.tri.shape[0])

    def keys(self) -> np.ndarray:
        t = self.tri.astype(np.int64)
        return triple_keys(t[:, 0], t[:, 1], t[:, 2], self.graph.num_nodes)

    def weights(self) -> np.ndarray:
        """``[T, 3]`` edge weights ``(W_ij, W_jk, W_ik)``."""
        return self.graph.edge_w[self.edges]

    def strong_count(self) -> np.ndarray:
        return (self.weights() >= 2).sum(axis=1)

    def labels(self, future: TemporalSimplicialComplex, mode: str = "true") -> np.ndarray:
        """Closure labels: some simplex of ``future`` contains the triangle.

        ``mode="reference"`` (alias ``"paper"``) reproduces ScHoLP-Tutorial's ordering quirk: the
        closed set holds id-sorted tuples and is probed with ``(i, j, k)``, so a closure counts
        only when the (degree, id)-minimal node ``i`` is also the id-minimal node.
        """
        if mode not in ("true", "reference", "paper"):
            raise ValueError(f"label mode must be 'true' or 'reference', got {mode!r}")
        if future.num_nodes != self.graph.num_nodes:
            raise ValueError("past and future complexes must have the same num_nodes")
        closed = _isin_sorted(self.keys(), simplex_triple_keys(future))
        if mode == "true":
            return closed
        return closed & (self.tri[:, 0] < self.tri[:, 1])


def enumerate_open_triangles(
    past: TemporalSimplicialComplex, graph: ProjectedGraph | None = None, budget: int = _CHUNK
) -> ClosureTriangles:
    """Open triangles of ``past``: pairwise connected in the projection, in no common simplex.

    On a terminal a progress bar counts the oriented wedges processed (see :mod:`hypergraph.progress`).
    """
    n = past.num_nodes
    _check_codec(n)
    g = graph if graph is not None else ProjectedGraph.from_complex(past)
    closed_keys = simplex_triple_keys(past, budget)
    ptr, dst, dedge = g.oriented()
    outdeg = np.diff(ptr)
    work = outdeg * (outdeg - 1) // 2
    edge_triangles = np.zeros(g.num_edges, dtype=np.int64)
    all_counts = np.zeros(4, dtype=np.int64)
    tris, edges = [], []
    strong = (g.edge_w >= 2).astype(np.int64)
    with progress(total=int(work.sum()), desc="open triangles", unit="wedge") as bar:
        for a, b in _chunks(work, budget):
            src = np.arange(a, b)
            p, q = segment_pairs(ptr[src], outdeg[src])
            if p.size == 0:
                continue
            i = np.repeat(src, work[src])
            j, k = dst[p], dst[q]
            ejk = g.edge_id(j, k)
            ok = ejk >= 0
            i, j, k, eij, eik, ejk = i[ok], j[ok], k[ok], dedge[p[ok]], dedge[q[ok]], ejk[ok]
            edge_triangles += np.bincount(np.concatenate([eij, eik, ejk]), minlength=g.num_edges)
            ns = strong[eij] + strong[eik] + strong[ejk]
            all_counts += np.bincount(ns, minlength=4)
            is_open = ~_isin_sorted(triple_keys(i, j, k, n), closed_keys)
            tris.append(np.stack([i[is_open], j[is_open], k[is_open]], axis=1).astype(np.int32))
            edges.append(np.stack([eij[is_open], ejk[is_open], eik[is_open]], axis=1).astype(np.int32))
            bar.update(p.size)  # the wedges of this chunk
    tri = np.concatenate(tris) if tris else np.zeros((0, 3), np.int32)
    edg = np.concatenate(edges) if edges else np.zeros((0, 3), np.int32)
    out = ClosureTriangles(g, tri, edg, edge_triangles, all_counts, np.zeros(4, np.int64), closed_keys)
    out.open_counts = np.bincount(out.strong_count(), minlength=4).astype(np.int64)
    return out


# ---------------------------------------------------------- 3-node closure statistics
def closure_type_counts(
    ct: ClosureTriangles, future: TemporalSimplicialComplex, budget: int = _CHUNK
) -> dict[str, tuple[int, int]]:
    """``{configuration: (instances in the past, closed in the future)}`` for the 10 classes.

    As ``closure_type_counts3`` of ScHoLP.jl: a configuration is the sorted weight classes of the
    three pairs (0 no edge, 1 weight 1, 2 weight >= 2); triangles count only when open.  A
    future triple counts as closed once, if its three nodes all occur in a past simplex and it
    was not already closed in the past.
    """
    g = ct.graph
    n = g.num_nodes
    w = g.weights
    row = np.repeat(np.arange(n), np.diff(g.indptr))
    d1 = np.bincount(row[w == 1], minlength=n).astype(np.int64)
    d2 = np.bincount(row[w >= 2], minlength=n).astype(np.int64)
    t111, t112, t122, t222 = (int(x) for x in ct.all_counts)
    inst = dict.fromkeys(CONFIGURATIONS, 0)
    inst["111"], inst["112"], inst["122"], inst["222"] = (int(x) for x in ct.open_counts)
    inst["011"] = int((d1 * (d1 - 1) // 2).sum()) - 3 * t111 - t112
    inst["012"] = int((d1 * d2).sum()) - 2 * t112 - 2 * t122
    inst["022"] = int((d2 * (d2 - 1) // 2).sum()) - t122 - 3 * t222
    num_verts = int((g.simplex_degree > 0).sum())
    e1, e2 = int(d1.sum()) // 2, int(d2.sum()) // 2
    inst["001"] = e1 * (num_verts - 2) - (3 * t111 + 2 * t112 + t122) - 2 * inst["011"] - inst["012"]
    inst["002"] = e2 * (num_verts - 2) - (t112 + 2 * t122 + 3 * t222) - inst["012"] - 2 * inst["022"]
    total = num_verts * (num_verts - 1) * (num_verts - 2) // 6
    inst["000"] = total - int(ct.all_counts.sum()) - sum(inst[c] for c in ("001", "002", "011", "012", "022"))

    # closures: unique future triples over past nodes, not closed in the past
    keys = simplex_triple_keys(future, budget)
    closed = dict.fromkeys(CONFIGURATIONS, 0)
    old_node = g.simplex_degree > 0
    for a, b in _chunks(np.ones(keys.size, dtype=np.int64), budget):
        i, j, k = decode_triples(keys[a:b], n)
        keep = old_node[i] & old_node[j] & old_node[k] & ~_isin_sorted(keys[a:b], ct.closed_keys)
        i, j, k = i[keep], j[keep], k[keep]
        cls = np.sort(
            np.stack(
                [np.minimum(g.weight(i, j), 2), np.minimum(g.weight(j, k), 2), np.minimum(g.weight(i, k), 2)]
            ),
            axis=0,
        )
        code = cls[0] * 9 + cls[1] * 3 + cls[2]
        cnt = np.bincount(code, minlength=27)
        for c in CONFIGURATIONS:
            closed[c] += int(cnt[int(c[0]) * 9 + int(c[1]) * 3 + int(c[2])])
    return {c: (inst[c], closed[c]) for c in CONFIGURATIONS}
