"""Structural transforms of hypergraphs (pure functions plus PyG ``BaseTransform`` wrappers).

All of them are vectorised over incidences; none loops over hyperedges in Python.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor
from torch_geometric.transforms import BaseTransform
from torch_geometric.utils import scatter

from hypergraph.data.hypergraph import Hypergraph

_HYPEREDGE_KEYS = ("hyperedge_index", "hyperedge_weight", "hyperedge_attr", "num_hyperedges")


def coalesce_incidence(hyperedge_index: Tensor, num_nodes: int) -> Tensor:
    """Drop repeated ``(node, hyperedge)`` pairs; the result is sorted by hyperedge, then node."""
    if hyperedge_index.numel() == 0:
        return hyperedge_index
    base = max(num_nodes, int(hyperedge_index[0].max()) + 1, 1)  # exact even for bad ids
    key = torch.unique(hyperedge_index[1] * base + hyperedge_index[0])
    return torch.stack([key % base, key // base])


def hyperedge_keys(hyperedge_index: Tensor, num_nodes: int, num_hyperedges: int, seed: int = 0) -> Tensor:
    """A ``[M, 3]`` key per hyperedge, equal for hyperedges with the same node set.

    The key is the size plus two independent sums of random 63-bit node codes (wrapping int64
    arithmetic), i.e. a set hash with a collision probability of about ``M^2 / 2^126``.
    Repeated incidences must have been removed (:func:`coalesce_incidence`).
    """
    g = torch.Generator().manual_seed(seed)
    codes = torch.randint(-(2**62), 2**62, (2, num_nodes), generator=g, dtype=torch.long)
    codes = codes.to(hyperedge_index.device)
    v, e = hyperedge_index[0], hyperedge_index[1]
    size = torch.bincount(e, minlength=num_hyperedges)
    h1 = torch.zeros(num_hyperedges, dtype=torch.long, device=v.device).index_add_(0, e, codes[0][v])
    h2 = torch.zeros(num_hyperedges, dtype=torch.long, device=v.device).index_add_(0, e, codes[1][v])
    return torch.stack([size, h1, h2], dim=1)


def remove_duplicate_hyperedges(hg: Hypergraph, reduce: str = "sum") -> Hypergraph:
    """Merge hyperedges with the same node set, keeping the first occurrence's position order.

    Weights of merged hyperedges are combined with ``reduce`` (``"sum"``, ``"mean"``, ``"max"``,
    ``"min"`` or ``"first"``; DHG uses ``"mean"``).  Without weights, ``"sum"`` gives each merged
    hyperedge its multiplicity as weight and ``"first"`` keeps no weights.  ``hyperedge_attr`` is
    taken from the first occurrence.
    """
    if reduce not in ("sum", "mean", "max", "min", "first"):
        raise ValueError(f"unknown reduce {reduce!r}; valid: sum, mean, max, min, first")
    hi = coalesce_incidence(hg.hyperedge_index, hg.num_nodes)
    M = hg.num_hyperedges
    keys = hyperedge_keys(hi, hg.num_nodes, M)
    _, inverse = torch.unique(keys, dim=0, return_inverse=True)
    # order the merged hyperedges by first occurrence
    first = torch.full((int(inverse.max()) + 1 if M else 0,), M, dtype=torch.long)
    first = first.scatter_reduce(0, inverse, torch.arange(M), reduce="amin")
    order = torch.argsort(first)
    rank = torch.empty_like(order)
    rank[order] = torch.arange(order.numel())
    new_id = rank[inverse]  # old hyperedge -> merged id
    keep = first[order]  # representative old id for each merged id
    K = keep.numel()
    member = torch.zeros(M, dtype=torch.bool)
    member[keep] = True
    mask = member[hi[1]]
    new_hi = torch.stack([hi[0][mask], new_id[hi[1][mask]]])
    out = _copy_without_hyperedges(hg)
    w = hg.get("hyperedge_weight")
    if w is None and reduce == "sum":
        w = torch.ones(M)
    if w is not None and reduce != "first":
        w = scatter(w, new_id, 0, dim_size=K, reduce=reduce)
    elif w is not None:
        w = w[keep]
    attr = hg.get("hyperedge_attr")
    out.hyperedge_index = new_hi
    if w is not None:
        out.hyperedge_weight = w
    if attr is not None:
        out.hyperedge_attr = attr[keep]
    out.num_hyperedges = K
    return out


def add_singleton_hyperedges(hg: Hypergraph, mode: str = "isolated", weight: float = 1.0) -> Hypergraph:
    """Append singleton hyperedges ``{v}``.

    ``mode="isolated"``: for nodes in no hyperedge (DHG / LightHGNN ``fix_iso_v``);
    ``"missing"``: for every node without a singleton hyperedge yet (AllSet's self-loops);
    ``"all"``: for every node.  New hyperedges get weight ``weight`` and zero attributes.
    """
    N, M = hg.num_nodes, hg.num_hyperedges
    hi = hg.hyperedge_index
    if mode == "isolated":
        deg = torch.bincount(hi[0], minlength=N)
        nodes = (deg == 0).nonzero().view(-1)
    elif mode == "missing":
        size = torch.bincount(hi[1], minlength=M)
        has = torch.zeros(N, dtype=torch.bool)
        has[hi[0][size[hi[1]] == 1]] = True
        nodes = (~has).nonzero().view(-1)
    elif mode == "all":
        nodes = torch.arange(N)
    else:
        raise ValueError(f"unknown mode {mode!r}; valid: isolated, missing, all")
    k = nodes.numel()
    out = _copy_without_hyperedges(hg)
    out.hyperedge_index = torch.cat([hi, torch.stack([nodes, M + torch.arange(k)])], dim=1)
    w = hg.get("hyperedge_weight")
    if w is not None:
        out.hyperedge_weight = torch.cat([w, torch.full((k,), weight, dtype=w.dtype)])
    elif weight != 1.0:
        out.hyperedge_weight = torch.cat([torch.ones(M), torch.full((k,), weight)])
    attr = hg.get("hyperedge_attr")
    if attr is not None:
        out.hyperedge_attr = torch.cat([attr, attr.new_zeros((k, *attr.shape[1:]))])
    out.num_hyperedges = M + k
    return out


def subhypergraph(hg: Hypergraph, node_mask: Tensor, drop_empty: bool = True) -> Hypergraph:
    """The sub-hypergraph induced by ``node_mask`` (bool ``[N]`` or node ids), re-indexed.

    Node-level attributes (``x``, ``y`` and any tensor with ``N`` rows) are sliced; hyperedges
    are restricted to kept nodes and, with ``drop_empty``, hyperedges left empty are removed and
    the rest re-numbered in order.  The original ids are stored as ``node_id`` / ``hyperedge_id``.
    """
    N, M = hg.num_nodes, hg.num_hyperedges
    if node_mask.dtype != torch.bool:
        if node_mask.numel() and (int(node_mask.min()) < 0 or int(node_mask.max()) >= N):
            raise ValueError(f"node ids in the subset must lie in [0, {N})")
        m = torch.zeros(N, dtype=torch.bool)
        m[node_mask] = True
        node_mask = m
    if node_mask.numel() != N:
        raise ValueError(f"node_mask has {node_mask.numel()} entries but num_nodes={N}")
    node_map = torch.full((N,), -1, dtype=torch.long)
    kept = node_mask.nonzero().view(-1)
    node_map[kept] = torch.arange(kept.numel())
    hi = hg.hyperedge_index
    inc = node_mask[hi[0]]
    hi = hi[:, inc]
    if drop_empty:
        alive = torch.zeros(M, dtype=torch.bool)
        alive[hi[1]] = True
    else:
        alive = torch.ones(M, dtype=torch.bool)
    edge_map = torch.full((M,), -1, dtype=torch.long)
    kept_e = alive.nonzero().view(-1)
    edge_map[kept_e] = torch.arange(kept_e.numel())
    out = Hypergraph(
        hyperedge_index=torch.stack([node_map[hi[0]], edge_map[hi[1]]]),
        num_nodes=kept.numel(),
        num_hyperedges=kept_e.numel(),
        validate=False,
    )
    for key, value in hg.items():
        if key in _HYPEREDGE_KEYS or key == "num_nodes":
            continue
        if isinstance(value, Tensor) and value.dim() > 0 and value.size(0) == N:
            out[key] = value[kept]
        elif not isinstance(value, Tensor):
            out[key] = value
    for key in ("hyperedge_weight", "hyperedge_attr"):
        value = hg.get(key)
        if value is not None:
            out[key] = value[kept_e]
    out.node_id = kept
    out.hyperedge_id = kept_e
    return out


def clique_expansion(
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    hyperedge_weight: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """The projected graph: nodes ``u != v`` are linked when they share a hyperedge.

    Returns ``(edge_index, edge_weight)`` with both directions of each edge and
    ``edge_weight[u, v]`` the number of hyperedges containing both (the sum of their weights
    when ``hyperedge_weight`` is given).  Cost grows with ``sum_e |e|^2``.
    """
    H = sp.csr_matrix(
        (np.ones(hyperedge_index.size(1)), hyperedge_index.cpu().numpy()),
        shape=(num_nodes, num_hyperedges),
    )
    if hyperedge_weight is not None:
        A = H @ sp.diags(hyperedge_weight.detach().cpu().double().numpy()) @ H.T
    else:
        A = H @ H.T
    A = sp.coo_matrix(A)
    off = A.row != A.col
    edge_index = torch.from_numpy(np.stack([A.row[off], A.col[off]]).astype(np.int64))
    weight = torch.from_numpy(A.data[off].astype(np.float32))
    perm = torch.argsort(edge_index[0] * max(num_nodes, 1) + edge_index[1])
    return edge_index[:, perm], weight[perm]


def star_expansion(hyperedge_index: Tensor, num_nodes: int, num_hyperedges: int) -> tuple[Tensor, int]:
    """The bipartite star expansion: node ``v`` is linked to hyperedge node ``num_nodes + e``.

    Returns ``(edge_index, num_nodes + num_hyperedges)`` with both directions of each link.
    """
    v, e = hyperedge_index[0], hyperedge_index[1] + num_nodes
    return torch.cat([torch.stack([v, e]), torch.stack([e, v])], dim=1), num_nodes + num_hyperedges


def dual(hg: Hypergraph) -> Hypergraph:
    """The dual hypergraph (transposed incidence): hyperedges become nodes and vice versa.

    ``hyperedge_attr`` becomes the node features ``x`` and ``x`` the hyperedge attributes.
    """
    out = Hypergraph(
        x=hg.get("hyperedge_attr"),
        hyperedge_index=hg.hyperedge_index.flip(0),
        hyperedge_attr=hg.get("x"),
        num_nodes=hg.num_hyperedges,
        num_hyperedges=hg.num_nodes,
        validate=False,
    )
    return out


def _copy_without_hyperedges(hg: Hypergraph) -> Hypergraph:
    out = Hypergraph(num_nodes=hg.num_nodes)
    for key, value in hg.items():
        if key not in _HYPEREDGE_KEYS and key != "num_nodes":
            out[key] = value
    return out


class RemoveDuplicateHyperedges(BaseTransform):
    """PyG transform wrapping :func:`remove_duplicate_hyperedges`."""

    def __init__(self, reduce: str = "sum") -> None:
        self.reduce = reduce

    def forward(self, data: Hypergraph) -> Hypergraph:
        return remove_duplicate_hyperedges(data, self.reduce)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(reduce={self.reduce!r})"


class AddSingletonHyperedges(BaseTransform):
    """PyG transform wrapping :func:`add_singleton_hyperedges`."""

    def __init__(self, mode: str = "isolated") -> None:
        self.mode = mode

    def forward(self, data: Hypergraph) -> Hypergraph:
        return add_singleton_hyperedges(data, self.mode)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(mode={self.mode!r})"


def dual_incidence(edge_index: Tensor) -> Tensor:
    """Incidence list of :math:`M^\\top` for the directed columns of ``edge_index`` (``[2, m]``).

    Column ``k`` of ``edge_index`` becomes dual node ``k``; the result is ``[[k, k], [src, dst]]``
    in the layout of :mod:`hypergraph.dual.transform` (self-loops contribute one incidence).  This is
    the cheap per-batch DHT used inside the models, where ``edge_index`` changes after pooling.
    """
    m = edge_index.size(1)
    ar = torch.arange(m, device=edge_index.device)
    nonloop = edge_index[0] != edge_index[1]
    dual_nodes = torch.cat([ar, ar[nonloop]])
    hyperedges = torch.cat([edge_index[0], edge_index[1][nonloop]])
    return torch.stack([dual_nodes, hyperedges])
