"""Constructors: hypergraphs from node sets, from graphs (pairwise + k-hop), from features (k-NN)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import torch
from torch import Tensor
from torch_geometric.utils import coalesce, remove_self_loops, to_undirected

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.transforms import coalesce_incidence, remove_duplicate_hyperedges


def from_node_sets(
    node_sets: Sequence[Iterable[int]],
    num_nodes: int | None = None,
    hyperedge_weight: Sequence[float] | Tensor | None = None,
    allow_empty: bool = False,
    **attrs: object,
) -> Hypergraph:
    """Build a hypergraph whose hyperedge ``j`` is the node set ``node_sets[j]``.

    Repeated ids inside one set count once.  ``num_nodes`` defaults to the largest id + 1;
    pass it to have isolated nodes beyond that.  Empty sets raise unless ``allow_empty``.
    Node ids must be integers: Python / NumPy integers, integer tensors, or floats with an
    integral value (``2.0`` is node 2); ``1.7``, NaN, booleans and strings raise a
    :class:`ValueError` naming the set and the value instead of being truncated.
    Extra keyword arguments (``x``, ``y``, ...) are stored on the result.
    """
    lists = [s.tolist() if isinstance(s, (Tensor, np.ndarray)) else list(s) for s in node_sets]
    sizes = np.fromiter((len(s) for s in lists), dtype=np.int64, count=len(lists))
    nodes = _node_ids(lists, sizes)
    if not allow_empty and (sizes == 0).any():
        raise ValueError(f"hyperedge {int(np.argmax(sizes == 0))} is empty")
    if nodes.size and nodes.min() < 0:
        k = int(np.argmax(nodes < 0))
        e = int(np.searchsorted(np.cumsum(sizes), k, side="right"))
        raise ValueError(f"negative node id {int(nodes[k])} in node_sets[{e}]")
    if num_nodes is None:
        num_nodes = int(nodes.max()) + 1 if nodes.size else 0
    elif nodes.size and nodes.max() >= num_nodes:
        k = int(np.argmax(nodes >= num_nodes))
        e = int(np.searchsorted(np.cumsum(sizes), k, side="right"))
        raise ValueError(
            f"node id {int(nodes[k])} in hyperedge {e} is out of range for num_nodes={num_nodes}"
        )
    edges = np.repeat(np.arange(len(lists), dtype=np.int64), sizes)
    hi = coalesce_incidence(torch.from_numpy(np.stack([nodes, edges])), num_nodes)
    w = None
    if hyperedge_weight is not None:
        w = torch.as_tensor(hyperedge_weight, dtype=torch.float32)
    return Hypergraph(
        hyperedge_index=hi,
        num_nodes=num_nodes,
        num_hyperedges=len(lists),
        hyperedge_weight=w,
        **attrs,
    )


def _node_ids(lists: list[list], sizes: np.ndarray) -> np.ndarray:
    """The concatenated node ids of ``lists`` as int64, refusing non-integral values (one
    vectorised check over all sets)."""
    flat = [v for s in lists for v in s]
    if not flat:
        return np.zeros(0, dtype=np.int64)
    try:
        arr = np.asarray(flat)
    except (ValueError, TypeError) as err:
        raise ValueError(f"node_sets must hold integer node ids: {err}") from err
    if arr.ndim != 1:
        raise ValueError("node_sets must hold integer node ids, got nested sequences")
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
    else:  # bool, str, object: judge each value
        bad = np.array(
            [isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) for v in flat]
        )
    if bad.any():
        k = int(np.argmax(bad))
        e = int(np.searchsorted(np.cumsum(sizes), k, side="right"))
        raise ValueError(
            f"node_sets[{e}] holds {flat[k]!r}, which is not an integer node id "
            "(ids must be integers; integral floats such as 2.0 are accepted)"
        )
    return arr.astype(np.int64)


def from_graph(
    edge_index: Tensor,
    num_nodes: int,
    edge_weight: Tensor | None = None,
    pairwise: bool = True,
    k_hop: int = 1,
    merge_duplicates: bool = True,
    **attrs: object,
) -> Hypergraph:
    r"""Hypergraph from a graph, as in HGNN+ / DHG / LightHGNN.

    * ``pairwise``: each undirected edge ``{u, v}`` (self-loops dropped) is a hyperedge (weight
      from ``edge_weight``, default 1);
    * ``k_hop >= 1``: for each node ``v`` the hyperedge :math:`\{v\} \cup N_{\le k}(v)` (nodes
      without neighbours give no hyperedge here);
    * ``merge_duplicates``: identical node sets are merged, keeping the mean weight (DHG).
    """
    ei, ew = remove_self_loops(edge_index, edge_weight)
    ei, ew = to_undirected(ei, ew, num_nodes=num_nodes, reduce="mean")
    parts_hi, parts_w = [], []
    M = 0
    if pairwise:
        keep = ei[0] < ei[1]
        pe = ei[:, keep]
        m = pe.size(1)
        eid = torch.arange(m)
        parts_hi.append(torch.stack([torch.cat([pe[0], pe[1]]), torch.cat([eid, eid])]))
        parts_w.append(ew[keep].float() if ew is not None else torch.ones(m))
        M += m
    if k_hop >= 1:
        reach = _k_hop_pairs(ei, num_nodes, k_hop)  # (center, member) pairs, member != center
        centers = torch.unique(reach[0])
        cid = torch.full((num_nodes,), -1, dtype=torch.long)
        cid[centers] = torch.arange(centers.numel()) + M
        hi = torch.cat([torch.stack([reach[1], cid[reach[0]]]), torch.stack([centers, cid[centers]])], dim=1)
        parts_hi.append(hi)
        parts_w.append(torch.ones(centers.numel()))
        M += centers.numel()
    hi = torch.cat(parts_hi, dim=1) if parts_hi else torch.zeros(2, 0, dtype=torch.long)
    w = torch.cat(parts_w) if parts_w else torch.zeros(0)
    hg = Hypergraph(
        hyperedge_index=coalesce_incidence(hi, num_nodes),
        hyperedge_weight=w,
        num_nodes=num_nodes,
        num_hyperedges=M,
        **attrs,
    )
    if merge_duplicates:
        hg = remove_duplicate_hyperedges(hg, reduce="mean")
    return hg


def _k_hop_pairs(edge_index: Tensor, num_nodes: int, k: int) -> Tensor:
    import scipy.sparse as sp

    A = sp.csr_matrix(
        (np.ones(edge_index.size(1), dtype=np.float32), edge_index.numpy()), shape=(num_nodes,) * 2
    )
    R = A.copy()
    frontier = A
    for _ in range(k - 1):  # k is tiny (hops), not a loop over nodes
        frontier = frontier @ A
        R = R + frontier
    R = R.tocoo()
    pairs = torch.from_numpy(np.stack([R.row, R.col]).astype(np.int64))
    pairs = pairs[:, pairs[0] != pairs[1]]
    return coalesce(pairs, num_nodes=num_nodes)


def from_knn(x: Tensor, k: int, chunk_size: int = 4096, **attrs: object) -> Hypergraph:
    """One hyperedge per node: the node and its ``k - 1`` nearest neighbours (Euclidean).

    As DHG's ``from_feature_kNN``: ``N`` hyperedges of size ``k`` (self included).  Distances
    are computed in row chunks of ``chunk_size`` so memory stays ``O(chunk_size * N)``.
    """
    N = x.size(0)
    if not 1 <= k <= N:
        raise ValueError(f"k must be in [1, num_nodes={N}], got {k}")
    xf = x.float()
    nbrs = []
    for start in range(0, N, chunk_size):  # chunks of rows, for bounded memory
        d = torch.cdist(xf[start : start + chunk_size], xf)
        rows = torch.arange(start, min(start + chunk_size, N))
        d[torch.arange(rows.numel()), rows] = -1.0  # self first
        nbrs.append(d.topk(k, dim=1, largest=False).indices)
    nb = torch.cat(nbrs)
    hi = torch.stack([nb.reshape(-1), torch.arange(N).repeat_interleave(k)])
    return Hypergraph(hyperedge_index=coalesce_incidence(hi, N), num_nodes=N, num_hyperedges=N, **attrs)
