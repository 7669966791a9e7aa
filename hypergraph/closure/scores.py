"""Scores of open triangles (Benson et al., PNAS 2018, ScHoLP.jl), all vectorised.

Every function takes a :class:`~hypergraph.closure.triangles.ClosureTriangles` (triangles
``(i, j, k)`` with edge ids ``(e_ij, e_jk, e_ik)`` of the past projection) and returns one float64
score per triangle.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from hypergraph.closure.triangles import ClosureTriangles, ProjectedGraph, _chunks, decode_triples
from hypergraph.progress import progress

__all__ = [
    "adamic_adar",
    "common_neighbors",
    "generalized_mean",
    "jaccard",
    "katz",
    "neighbor_counts",
    "personalized_pagerank",
    "pref_attach",
    "simplex_pref_attach",
    "simplicial_ppr",
    "spd_inverse_entries",
]

_BITSET_MAX_NODES = 20000
_CHUNK = 1 << 16


# ------------------------------------------------------------------- edge-weight means
def generalized_mean(ct: ClosureTriangles, p: float) -> np.ndarray:
    """``M_p = ((W_ij^p + W_jk^p + W_ik^p) / 3)^(1/p)``; ``p=0`` geometric, ``±inf`` min / max."""
    w = ct.weights().astype(np.float64)
    if p == -np.inf:
        return w.min(axis=1)
    if p == np.inf:
        return w.max(axis=1)
    if p == 0:
        return np.prod(w, axis=1) ** (1.0 / 3.0)
    return np.mean(w**p, axis=1) ** (1.0 / p)


# ---------------------------------------------------------------- neighbourhood scores
def _bitsets(g: ProjectedGraph) -> np.ndarray:
    """Packed adjacency rows ``[n, ceil(n/8)]`` (bit ``t`` of byte ``b`` is node ``8b + t``)."""
    n = g.num_nodes
    nb = (n + 7) // 8
    rows = np.zeros((n, nb), dtype=np.uint8)
    row = np.repeat(np.arange(n), np.diff(g.indptr))
    col = g.indices
    np.bitwise_or.at(rows, (row, col >> 3), (1 << (col & 7)).astype(np.uint8))
    return rows


def _common3(ct: ClosureTriangles, node_weight: np.ndarray | None) -> np.ndarray:
    """``|N_i ∩ N_j ∩ N_k|`` (``node_weight=None``) or ``Σ_{z ∈ N_ijk} node_weight[z]``."""
    g = ct.graph
    t = ct.tri.astype(np.int64)
    out = np.zeros(t.shape[0], dtype=np.float64)
    if g.num_nodes <= _BITSET_MAX_NODES:
        rows = _bitsets(g)
        nb = rows.shape[1]
        pad = (-nb) % 8
        if node_weight is None:
            words = np.ascontiguousarray(np.pad(rows, ((0, 0), (0, pad)))).view(np.uint64)
            for a in range(0, t.shape[0], _CHUNK):
                c = t[a : a + _CHUNK]
                both = words[c[:, 0]] & words[c[:, 1]] & words[c[:, 2]]
                out[a : a + _CHUNK] = np.bitwise_count(both).sum(axis=1)
            return out
        # Σ of node weights over the set bits through lookup tables of 16-bit (n <= 2048) or
        # 8-bit digits: lut[d, v] = Σ weights of the nodes of digit d whose bit is set in v
        width = 16 if g.num_nodes <= 2048 else 8
        digits = np.ascontiguousarray(np.pad(rows, ((0, 0), (0, pad)))).view(
            np.uint16 if width == 16 else np.uint8
        )
        nd = digits.shape[1]
        wpad = np.zeros(nd * width)
        wpad[: g.num_nodes] = node_weight
        bits = ((np.arange(1 << width)[:, None] >> np.arange(width)[None, :]) & 1).astype(np.float64)
        lut = wpad.reshape(nd, width) @ bits.T  # [nd, 2**width]
        cols = np.arange(nd)[None, :]
        for a in range(0, t.shape[0], _CHUNK):
            c = t[a : a + _CHUNK]
            both = digits[c[:, 0]] & digits[c[:, 1]] & digits[c[:, 2]]
            out[a : a + _CHUNK] = lut[cols, both].sum(axis=1)
        return out
    # large sparse graphs: scan the neighbours of the lowest-degree node of each triangle
    deg = g.degree
    low = np.take_along_axis(t, np.argmin(deg[t], axis=1)[:, None], axis=1)[:, 0]
    others = np.sort(t, axis=1)
    work = deg[low]
    w = np.ones(g.num_nodes) if node_weight is None else node_weight
    starts = g.indptr[low]
    for a, b in _chunks(work, 1 << 22):
        lens = work[a:b]
        idx = np.repeat(np.arange(a, b), lens)
        pos = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(starts[a:b], lens)
        z = g.indices[pos]
        ok = np.ones(z.size, dtype=bool)
        for col in range(3):
            o = others[idx, col]
            ok &= (o == low[idx]) | (g.edge_id(z, o) >= 0)
        ok &= (z != others[idx, 0]) & (z != others[idx, 1]) & (z != others[idx, 2])
        out[a:b] = np.bincount(idx[ok] - a, weights=w[z[ok]], minlength=b - a)
    return out


def neighbor_counts(ct: ClosureTriangles) -> np.ndarray:
    """``[T, 4]``: ``|N_ij|, |N_ik|, |N_jk|, |N_ijk|`` (common neighbours in the projection)."""
    e = ct.edges.astype(np.int64)
    et = ct.edge_triangles
    return np.stack([et[e[:, 0]], et[e[:, 2]], et[e[:, 1]], _common3(ct, None)], axis=1).astype(np.float64)


def common_neighbors(ct: ClosureTriangles) -> np.ndarray:
    """3-way common neighbours ``|N_ijk|``."""
    return _common3(ct, None)


def jaccard(ct: ClosureTriangles, counts: np.ndarray | None = None) -> np.ndarray:
    """``|N_ijk| / |N_i ∪ N_j ∪ N_k|`` by inclusion-exclusion."""
    c = neighbor_counts(ct) if counts is None else counts
    d = ct.graph.degree[ct.tri.astype(np.int64)].sum(axis=1)
    return c[:, 3] / (d - c[:, 0] - c[:, 1] - c[:, 2] + c[:, 3])


def adamic_adar(ct: ClosureTriangles) -> np.ndarray:
    """``Σ_{z ∈ N_ijk} 1 / log d_z``."""
    d = ct.graph.degree.astype(np.float64)
    with np.errstate(divide="ignore"):
        w = np.where(d > 1, 1.0 / np.log(np.maximum(d, 2)), 0.0)
    return _common3(ct, w)


def pref_attach(ct: ClosureTriangles) -> np.ndarray:
    """Projected-graph preferential attachment ``d_i d_j d_k``."""
    return np.prod(ct.graph.degree[ct.tri.astype(np.int64)].astype(np.float64), axis=1)


def simplex_pref_attach(ct: ClosureTriangles) -> np.ndarray:
    """Simplex preferential attachment ``s_i s_j s_k`` (s = simplices containing the node)."""
    return np.prod(ct.graph.simplex_degree[ct.tri.astype(np.int64)].astype(np.float64), axis=1)


# ------------------------------------------------------------------ linear solves
def spd_inverse_entries(
    m: sp.spmatrix,
    rows: np.ndarray,
    cols: np.ndarray,
    dense_max: int = 4000,
    tol: float = 1e-8,
    max_iter: int = 1000,
    block: int | None = None,
) -> np.ndarray:
    """Entries ``(M⁻¹)[rows, cols]`` of a sparse symmetric positive definite ``M``.

    Up to ``dense_max`` unknowns a dense Cholesky inverse is used; above, a block conjugate
    gradient solves ``M X = E_C`` for the needed columns ``C`` in chunks (lockstep CG, one
    step size per column, relative residual ``tol``), never forming a dense ``n x n`` matrix;
    on a terminal a progress bar counts the columns solved.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    n = m.shape[0]
    if n <= dense_max:
        c, lower = sla.cho_factor(m.toarray(), lower=False, check_finite=False)
        inv, info = sla.lapack.dpotri(c, lower=False)
        if info != 0:
            raise np.linalg.LinAlgError(f"dpotri failed (info={info})")
        inv = np.triu(inv) + np.triu(inv, 1).T
        return inv[rows, cols]
    m = sp.csr_matrix(m)
    # by symmetry solve for the smaller set of distinct columns
    need = np.unique(cols)
    if np.unique(rows).size < need.size:
        rows, cols = cols, rows
        need = np.unique(cols)
    block = block or int(max(16, min(512, (1 << 25) // max(n, 1))))
    out = np.empty(rows.size, dtype=np.float64)
    order = np.argsort(cols, kind="stable")
    cs = cols[order]
    with progress(total=int(need.size), desc="block CG", unit="column") as bar:
        for a in range(0, need.size, block):
            cset = need[a : a + block]
            b = np.zeros((n, cset.size))
            b[cset, np.arange(cset.size)] = 1.0
            x = _block_cg(m, b, tol, max_iter)
            lo, hi = np.searchsorted(cs, cset[0]), np.searchsorted(cs, cset[-1], side="right")
            sel = order[lo:hi]
            out[sel] = x[rows[sel], np.searchsorted(cset, cols[sel])]
            bar.update(cset.size)
    return out


def _block_cg(m: sp.csr_matrix, b: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    x = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rr = np.einsum("ij,ij->j", r, r)
    bnorm = np.sqrt(np.einsum("ij,ij->j", b, b))
    bnorm[bnorm == 0] = 1.0
    for _ in range(max_iter):
        if np.all(np.sqrt(rr) <= tol * bnorm):
            return x
        ap = m @ p
        pap = np.einsum("ij,ij->j", p, ap)
        alpha = np.divide(rr, pap, out=np.zeros_like(rr), where=pap > 0)
        x += p * alpha
        r -= ap * alpha
        rr_new = np.einsum("ij,ij->j", r, r)
        beta = np.divide(rr_new, rr, out=np.zeros_like(rr), where=rr > 0)
        p = r + p * beta
        rr = rr_new
    raise RuntimeError(f"block CG did not reach tol={tol} in {max_iter} iterations")


def _adjacency(g: ProjectedGraph, weighted: bool) -> sp.csr_matrix:
    data = g.weights.astype(np.float64) if weighted else np.ones(g.indices.size)
    return sp.csr_matrix((data, g.indices, g.indptr), shape=(g.num_nodes, g.num_nodes))


def _active(g: ProjectedGraph) -> tuple[np.ndarray, np.ndarray]:
    """Nodes with an edge, and the map node -> position among them (-1 for isolated)."""
    act = np.flatnonzero(g.degree > 0)
    pos = np.full(g.num_nodes, -1, dtype=np.int64)
    pos[act] = np.arange(act.size)
    return act, pos


def _pairs(ct: ClosureTriangles) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct edges of the open triangles: ``(edge ids, u, v)`` and the inverse map."""
    e = ct.edges.astype(np.int64)
    uniq, inv = np.unique(e, return_inverse=True)
    return uniq, inv.reshape(e.shape), e


def katz(ct: ClosureTriangles, weighted: bool = False, dense_max: int = 4000) -> np.ndarray:
    """Personalised Katz ``S = (I - βW)⁻¹ - I``, ``β = min(0.25/σ₁(W), 0.5)``; score = Σ six S."""
    g = ct.graph
    act, pos = _active(g)
    w = _adjacency(g, weighted)[act][:, act]
    if act.size <= 64:
        sigma = float(np.abs(np.linalg.eigvalsh(w.toarray())).max())
    else:
        # fixed start vector: ARPACK's default is random, which made the scores (and their
        # ties) differ in the last bits from call to call
        v0 = np.ones(act.size)
        sigma = float(abs(spla.eigsh(w, k=1, which="LM", v0=v0, return_eigenvectors=False)[0]))
    beta = min(0.25 / sigma, 0.5)
    m = sp.identity(act.size, format="csr") - beta * w
    uniq, inv, _ = _pairs(ct)
    vals = spd_inverse_entries(m, pos[g.edge_u[uniq]], pos[g.edge_v[uniq]], dense_max=dense_max)
    return 2.0 * vals[inv].sum(axis=1)


def personalized_pagerank(
    ct: ClosureTriangles, weighted: bool = False, alpha: float = 0.85, dense_max: int = 4000
) -> np.ndarray:
    """PPR ``S = (1-α)(I - αWD⁻¹)⁻¹`` (column j seeded at j); score = Σ six ``S``.

    Solved in the symmetric form ``(I - αŴ)⁻¹``, ``Ŵ = D^-1/2 W D^-1/2``:
    ``S_uv + S_vu = (1-α) K_uv (sqrt(d_u/d_v) + sqrt(d_v/d_u))``.
    """
    g = ct.graph
    act, pos = _active(g)
    w = _adjacency(g, weighted)[act][:, act]
    d = np.asarray(w.sum(axis=0)).ravel()
    dm = sp.diags(1.0 / np.sqrt(d))
    m = sp.identity(act.size, format="csr") - alpha * (dm @ w @ dm)
    uniq, inv, _ = _pairs(ct)
    u, v = pos[g.edge_u[uniq]], pos[g.edge_v[uniq]]
    k = spd_inverse_entries(m, u, v, dense_max=dense_max)
    s = (1.0 - alpha) * k * (np.sqrt(d[u] / d[v]) + np.sqrt(d[v] / d[u]))
    return s[inv].sum(axis=1)


# ------------------------------------------------------------------ simplicial PPR
def simplicial_ppr(
    ct: ClosureTriangles, alpha: float = 0.85, variant: str = "spec", dense_max: int = 12000
) -> np.ndarray:
    """Simplicial personalised PageRank on edges; score = Σ |S_{e,e'}| over the six ordered
    pairs of the triangle's edges.

    ``G`` is the edge-node incidence (-1 at the smaller id, +1 at the larger), ``C`` the
    triangle-edge incidence of the *filled* triangles (3-subsets of past simplices) with
    ``(+1, +1, -1)`` on ``(ab, bc, ac)``.

    * ``variant="spec"``: ``L = (GGᵀ + CᵀC) D⁻¹``, ``d_e = f_e + deg a + deg b``,
      ``S = β₀ (β₀ I + L)⁻¹``, ``β₀ = 1/α - 1`` (the specification's form);
    * ``variant="julia"``: ScHoLP.jl's ``SimplicialPROperator``:
      ``M = (1 - α/2) I + (α/2) (G D_v⁻¹ Gᵀ + CᵀC) diag(1/(f_e + 2))``, ``S = (1-α) M⁻¹``.

    Both are ``S = c · diag(a) · K⁻¹`` with ``K`` symmetric positive definite, which is what is
    inverted (dense up to ``dense_max`` edges, block CG above).
    """
    g = ct.graph
    n, m_e = g.num_nodes, g.num_edges
    eidx = np.arange(m_e)
    grad = sp.csr_matrix(
        (
            np.concatenate([-np.ones(m_e), np.ones(m_e)]),
            (np.concatenate([eidx, eidx]), np.concatenate([g.edge_u, g.edge_v])),
        ),
        shape=(m_e, n),
    )
    a, b, c = decode_triples(ct.closed_keys, n)
    ab, bc, ac = g.edge_id(a, b), g.edge_id(b, c), g.edge_id(a, c)
    nf = ab.size
    tid = np.repeat(np.arange(nf), 3)
    curl = sp.csr_matrix(
        (np.tile([1.0, 1.0, -1.0], nf), (tid, np.stack([ab, bc, ac], axis=1).ravel())), shape=(nf, m_e)
    )
    f = np.asarray(abs(curl).sum(axis=0)).ravel()
    ctc = (curl.T @ curl).tocsr()
    if variant == "spec":
        beta0 = 1.0 / alpha - 1.0
        d = f + g.degree[g.edge_u] + g.degree[g.edge_v]
        k = (grad @ grad.T + ctc + beta0 * sp.diags(d)).tocsr()
        scale = beta0 * d  # S = β₀ D K⁻¹
    elif variant == "julia":
        dv = np.asarray(abs(grad).sum(axis=0)).ravel()
        dvinv = np.divide(1.0, dv, out=np.zeros_like(dv), where=dv > 0)
        me = f + 2.0
        k = ((1 - alpha / 2) * sp.diags(me) + (alpha / 2) * (grad @ sp.diags(dvinv) @ grad.T + ctc)).tocsr()
        scale = (1 - alpha) * me  # S = (1-α) Me K⁻¹
    else:
        raise ValueError(f"variant must be 'spec' or 'julia', got {variant!r}")
    e = ct.edges.astype(np.int64)
    pairs = np.concatenate([e[:, [0, 1]], e[:, [0, 2]], e[:, [1, 2]]])
    uniq, inv = np.unique(np.sort(pairs, axis=1), axis=0, return_inverse=True)
    x = spd_inverse_entries(k, uniq[:, 0], uniq[:, 1], dense_max=dense_max)
    val = np.abs(x) * (scale[uniq[:, 0]] + scale[uniq[:, 1]])
    return val[inv.ravel()].reshape(3, -1).sum(axis=0)
