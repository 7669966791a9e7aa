r"""The Dual Hypergraph Transformation (DHT) of Jo et al., "Edge Representation Learning with
Hypergraphs" (NeurIPS 2021), and its exact inverse.

A graph :math:`G = (X, M, E)` with node features :math:`X \in \mathbb{R}^{n \times d}`, edge
features :math:`E \in \mathbb{R}^{m \times d'}` and incidence :math:`M \in \{0,1\}^{n \times m}`
becomes the hypergraph :math:`G^* = (E, M^\top, X)`: every edge is a *dual node* carrying its edge
features and every original node is a *dual hyperedge* (the set of its incident edges) carrying
its node features.  In :class:`~hypergraph.data.Hypergraph` terms::

    dual.x               = data.edge_attr             # [m, d']  (absent if the graph has none)
    dual.hyperedge_attr  = data.x                     # [n, d]   (absent if the graph has none)
    dual.hyperedge_index = [[k, k], [src_k, dst_k]]   # incidence list of M^T
    dual.num_nodes = m, dual.num_hyperedges = n       # isolated nodes = empty dual hyperedges

Layout of ``dual.hyperedge_index`` (it is what makes the inverse exact): the first ``m`` columns
are ``(k, src_k)`` for ``k = 0..m-1``, followed by ``(k, dst_k)`` for every dual node that is not a
self-loop (a self-loop touches one node, so its dual node has a single incidence and ``M`` stays
binary).  Any column order in which each dual node's source incidence precedes its target
incidence is accepted by the inverse.

Two modes:

* ``directed=False`` (default, the paper's form): the input must be undirected in PyG's sense
  (every non-loop column ``(u, v)`` has a reverse column ``(v, u)`` with equal edge features); each
  undirected edge becomes **one** dual node.  Multi-edges are paired in column order (the k-th
  ``(u, v)`` with the k-th ``(v, u)``).  Self-loop columns are dual nodes of their own.  The dual
  stores ``edge_position [2, m*]``: the column of each dual node's edge in the original
  ``edge_index`` and of its reverse copy (``-1`` for a self-loop), so that the inverse restores the
  original column order.
* ``directed=True`` (the authors' code): every column of ``edge_index`` (so both directions of an
  undirected edge) is its own dual node, in column order.  No extra information is stored.

Everything is vectorised (sorting and scatter), no Python loop over edges or nodes.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor
from torch_geometric.data import Data
from torch_geometric.transforms import BaseTransform

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.transforms import dual_incidence

_GRAPH_KEYS = ("x", "edge_index", "edge_attr", "num_nodes")
_DUAL_KEYS = ("x", "hyperedge_index", "hyperedge_attr", "num_nodes", "num_hyperedges", "edge_position")


def _pair_undirected(edge_index: Tensor, edge_attr: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Pair each non-loop column with its reverse copy.

    Parallel copies of the same pair are matched by equal ``edge_attr`` rows first, then in column
    order (the k-th ``(u, v)`` with the k-th ``(v, u)`` of equal features).

    Returns ``(rep, partner)``: the column of each dual node (the first, in column order, of the
    two copies; self-loops are their own dual node) sorted ascending, and the column of its reverse
    copy (``-1`` for self-loops).  Raises :class:`ValueError` when a column has no reverse copy.
    """
    src, dst = edge_index
    m = src.numel()
    pos = torch.arange(m, device=src.device)
    loop = src == dst
    lo, hi = torch.minimum(src, dst), torch.maximum(src, dst)
    n = int(hi.max()) + 1 if m else 1
    fwd = src < dst
    nl = ~loop
    key = lo[nl] * n + hi[nl]
    f = fwd[nl]
    p = pos[nl]
    if edge_attr is not None and edge_attr.size(0) == m and m:
        flat = edge_attr.reshape(m, -1)
        attr_id = torch.unique(flat, dim=0, return_inverse=True)[1][nl] if flat.size(1) else p * 0
    else:
        attr_id = p * 0
    # sort by (pair key, direction, features, position): within a pair, the forward copies come
    # first, then the backward copies, each by features then column order; the k-th of each are
    # partners.
    order = torch.argsort(p, stable=True)
    order = order[torch.argsort(attr_id[order], stable=True)]
    order = order[torch.argsort((~f[order]).to(torch.int8), stable=True)]
    order = order[torch.argsort(key[order], stable=True)]
    key_s, f_s, p_s = key[order], f[order], p[order]
    uniq, inv, counts = torch.unique_consecutive(key_s, return_inverse=True, return_counts=True)
    n_fwd = torch.zeros(uniq.numel(), dtype=torch.long, device=src.device).scatter_add_(
        0, inv, f_s.to(torch.long)
    )
    bad = n_fwd * 2 != counts
    if bool(bad.any()):
        g = int(bad.nonzero()[0])
        u, v = int(uniq[g]) // n, int(uniq[g]) % n
        raise ValueError(
            f"graph is not undirected: edge ({u}, {v}) occurs {int(n_fwd[g])} time(s) and "
            f"({v}, {u}) {int(counts[g] - n_fwd[g])} time(s); use directed=True for directed graphs"
        )
    start = torch.cumsum(counts, 0) - counts
    rank = torch.arange(key_s.numel(), device=src.device) - start[inv]
    is_f = rank < n_fwd[inv]
    fpos = p_s[is_f]
    bpos = p_s[~is_f]  # same group order and same rank order as fpos
    first = torch.minimum(fpos, bpos)
    second = torch.maximum(fpos, bpos)
    loops = pos[loop]
    rep = torch.cat([first, loops])
    partner = torch.cat([second, torch.full_like(loops, -1)])
    srt = torch.argsort(rep)
    return rep[srt], partner[srt]


def _check_edge_attr_symmetric(edge_attr: Tensor, rep: Tensor, partner: Tensor) -> None:
    ok = partner >= 0
    a, b = edge_attr[rep[ok]], edge_attr[partner[ok]]
    diff = (a != b).reshape(a.size(0), -1).any(dim=1) if a.numel() else torch.zeros(0, dtype=torch.bool)
    if bool(diff.any()):
        k = int(diff.nonzero()[0])
        raise ValueError(
            f"graph is not undirected: edge_attr of column {int(rep[ok][k])} differs from its reverse "
            f"copy at column {int(partner[ok][k])}; use directed=True"
        )


def dht(data: Data, directed: bool = False) -> Hypergraph:
    """Dual Hypergraph Transformation of one graph (see the module docstring)."""
    if data.edge_index is None:
        raise ValueError("DHT needs a graph with 'edge_index'")
    edge_index = data.edge_index
    if edge_index.dtype != torch.long or edge_index.dim() != 2 or edge_index.size(0) != 2:
        raise ValueError(
            f"edge_index must be int64 of shape [2, m], got {edge_index.dtype} {list(edge_index.shape)}"
        )
    n = data.num_nodes
    if n is None:
        raise ValueError("DHT needs 'num_nodes' (or node features 'x') to keep isolated nodes")
    edge_attr = data.get("edge_attr", None)
    extra: dict[str, Any] = {k: v for k, v in data.items() if k not in _GRAPH_KEYS}
    clash = sorted(set(extra) & set(_DUAL_KEYS))
    if clash:
        raise ValueError(f"graph attribute(s) {clash} would collide with the dual's own attributes")
    if directed:
        cols = edge_index
        dual_x = edge_attr
        position = None
    else:
        rep, partner = _pair_undirected(edge_index, edge_attr)
        if edge_attr is not None:
            _check_edge_attr_symmetric(edge_attr, rep, partner)
        cols = edge_index[:, rep]
        dual_x = None if edge_attr is None else edge_attr[rep]
        position = torch.stack([rep, partner])
    out = Hypergraph(
        x=dual_x,
        hyperedge_index=dual_incidence(cols),
        hyperedge_attr=data.get("x", None),
        num_nodes=cols.size(1),
        num_hyperedges=int(n),
        validate=False,
        **extra,
    )
    if position is not None:
        out.edge_position = position
    return out


def inverse_dht(dual: Hypergraph) -> Data:
    """The inverse of :func:`dht`: rebuild ``(X, edge_index, E)`` exactly, with the original column
    order (and the other graph attributes carried over)."""
    hi = dual.hyperedge_index
    m = int(dual.num_nodes)
    n = int(dual.num_hyperedges)
    counts = torch.bincount(hi[0], minlength=m) if hi.numel() else torch.zeros(m, dtype=torch.long)
    if counts.numel() != m or bool(((counts < 1) | (counts > 2)).any()):
        bad = int(((counts < 1) | (counts > 2)).nonzero()[0]) if counts.numel() == m else m
        raise ValueError(
            f"not a dual hypergraph: dual node {bad} has {int(counts[bad]) if bad < m else '?'} "
            "incidences (expected 1 for a self-loop or 2 for an edge)"
        )
    order = torch.argsort(hi[0], stable=True)
    first_pos = torch.cumsum(counts, 0) - counts
    src = hi[1, order[first_pos]]
    dst = torch.where(counts == 2, hi[1, order[(first_pos + 1).clamp(max=max(hi.size(1) - 1, 0))]], src)
    x_e = dual.get("x", None)
    position = dual.get("edge_position", None)
    if position is None:
        edge_index = torch.stack([src, dst])
        edge_attr = x_e
    else:
        rep, partner = position
        if bool(((partner < 0) != (counts == 1)).any()):
            raise ValueError("edge_position disagrees with the incidences (self-loop marks differ)")
        total = m + int((partner >= 0).sum())
        edge_index = torch.empty(2, total, dtype=torch.long, device=hi.device)
        edge_index[:, rep] = torch.stack([src, dst])
        ok = partner >= 0
        edge_index[:, partner[ok]] = torch.stack([dst[ok], src[ok]])
        edge_attr = None
        if x_e is not None:
            edge_attr = x_e.new_empty((total, *x_e.shape[1:]))
            edge_attr[rep] = x_e
            edge_attr[partner[ok]] = x_e[ok]
    extra = {k: v for k, v in dual.items() if k not in _DUAL_KEYS}
    out = Data(edge_index=edge_index, num_nodes=n, **extra)
    if dual.get("hyperedge_attr", None) is not None:
        out.x = dual.hyperedge_attr
    if edge_attr is not None:
        out.edge_attr = edge_attr
    return out


class DualHypergraph(BaseTransform):
    r"""PyG transform: a graph ``Data`` to its dual :class:`~hypergraph.data.Hypergraph`
    :math:`(E, M^\top, X)`; :meth:`inverse` maps it back exactly.

    Args:
        directed: one dual node per *column* of ``edge_index`` (both directions of an undirected
            edge, as in the authors' code) instead of one per undirected edge (default).
        edge_attr_ones: give the dual nodes constant features ``1`` (``[m, 1]``) when the graph has
            no ``edge_attr``, as EHGNN does; the inverse then drops them again.

    Example::

        dual = DualHypergraph()(data)       # dual.x = data.edge_attr, dual.hyperedge_attr = data.x
        back = DualHypergraph.inverse(dual)  # equal to data, same edge order
    """

    def __init__(self, directed: bool = False, edge_attr_ones: bool = False) -> None:
        self.directed = directed
        self.edge_attr_ones = edge_attr_ones

    def forward(self, data: Data) -> Hypergraph:
        dual = dht(data, directed=self.directed)
        if self.edge_attr_ones and dual.get("x", None) is None:
            dual.x = torch.ones(dual.num_nodes, 1)
            dual.dual_x_is_ones = True
        return dual

    @staticmethod
    def inverse(dual: Hypergraph) -> Data:
        if dual.get("dual_x_is_ones", False):
            dual = dual.clone()
            del dual.x
            del dual.dual_x_is_ones
        return inverse_dht(dual)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(directed={self.directed})"
