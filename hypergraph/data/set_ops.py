"""Exact, vectorised operations on families of node sets (:class:`~hypergraph.data.node_sets.NodeSets`).

Set equality is decided per set size on the ``[m_k, k]`` member rows (one stable
:func:`numpy.lexsort` per distinct size), so :func:`unique_sets` and :func:`isin_sets` are exact
and loop only over the distinct sizes.  :func:`isin_keys` is the hashed counterpart on the
``[m, 3]`` keys of :meth:`NodeSets.keys <hypergraph.data.node_sets.NodeSets.keys>` (torch).
The combinatorial helpers enumerate subsets of rows (:func:`k_subsets`, :func:`pair_index`) or
of CSR segments (:func:`segment_pairs`, :func:`segment_triples`) in
:func:`itertools.combinations` order.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import torch
from torch import Tensor

from hypergraph.data.node_sets import NodeSets

__all__ = [
    "isin_keys",
    "isin_sets",
    "k_subsets",
    "pair_index",
    "segment_pairs",
    "segment_triples",
    "unique_keys",
    "unique_sets",
]


def _row_groups(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(group, first)`` for the rows of an ``[m, k]`` array: equal rows share ``group[i]``
    (numbered in sorted row order) and ``first[g]`` is the smallest row index of group ``g``."""
    m = rows.shape[0]
    if m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if rows.shape[1] == 0:  # every empty set equals every other
        return np.zeros(m, dtype=np.int64), np.zeros(1, dtype=np.int64)
    order = np.lexsort(rows.T[::-1])  # stable: equal rows stay in index order
    srt = rows[order]
    new = np.ones(m, dtype=bool)
    new[1:] = (srt[1:] != srt[:-1]).any(axis=1)
    group = np.empty(m, dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    return group, order[new]


def unique_sets(sets: NodeSets, return_index: bool = False):
    """Drop repeated sets, keeping first occurrences in their order.

    Returns ``(unique, inverse)`` (and ``first`` with ``return_index=True``): ``inverse[i]`` is
    the position in ``unique`` of set ``i`` and ``first`` (increasing) the ids of the kept sets,
    so ``unique == sets.select(first)``.
    """
    m = len(sets)
    rep = np.arange(m, dtype=np.int64)  # first occurrence of each set's node set
    for k in np.unique(sets.sizes).tolist():  # loop over distinct sizes only
        ids, rows = sets.rows_of_size(k)
        group, first = _row_groups(rows)
        rep[ids] = ids[first][group]
    keep = np.zeros(m, dtype=bool)
    keep[rep] = True
    first = np.flatnonzero(keep)
    pos = np.full(m, -1, dtype=np.int64)
    pos[first] = np.arange(first.size, dtype=np.int64)
    out = (sets.select(first), pos[rep])
    return (*out, first) if return_index else out


def isin_sets(a: NodeSets, b: NodeSets) -> np.ndarray:
    """Boolean ``[len(a)]``: whether each set of ``a`` occurs (exactly) in ``b``."""
    out = np.zeros(len(a), dtype=bool)
    if len(a) == 0 or len(b) == 0:
        return out
    b_sizes = set(np.unique(b.sizes).tolist())
    for k in np.unique(a.sizes).tolist():
        if k not in b_sizes:
            continue
        ids_a, rows_a = a.rows_of_size(k)
        _, rows_b = b.rows_of_size(k)
        group, first = _row_groups(np.concatenate([rows_a, rows_b]))
        in_b = np.zeros(first.size, dtype=bool)
        in_b[group[ids_a.size :]] = True
        out[ids_a] = in_b[group[: ids_a.size]]
    return out


def isin_keys(keys: Tensor, reference: Tensor) -> Tensor:
    """Boolean ``[K]``: whether each key row occurs among ``reference`` rows (exact row match)."""
    if reference.numel() == 0 or keys.numel() == 0:
        return torch.zeros(keys.size(0), dtype=torch.bool)
    both = torch.cat([reference, keys])
    _, inv = torch.unique(both, dim=0, return_inverse=True)
    ref_ids = torch.zeros(int(inv.max()) + 1, dtype=torch.bool)
    ref_ids[inv[: reference.size(0)]] = True
    return ref_ids[inv[reference.size(0) :]]


def unique_keys(keys: Tensor) -> tuple[Tensor, Tensor]:
    """``(inverse, first)`` for the rows of ``keys`` (``[K, d]``, e.g. set keys): equal rows share
    ``inverse[i]`` (numbered in :func:`torch.unique` order) and ``first[u]`` is the smallest row
    index of number ``u``."""
    K = keys.size(0)
    if K == 0:
        return torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long)
    _, inv = torch.unique(keys, dim=0, return_inverse=True)
    first = torch.full((int(inv.max()) + 1,), K, dtype=torch.long)
    return inv, first.scatter_reduce(0, inv, torch.arange(K), reduce="amin")


def k_subsets(rows: np.ndarray, k: int) -> np.ndarray:
    """All ``k``-subsets of each row of the ``[m, n]`` array ``rows``: ``[m * C(n, k), k]``.

    The subsets of one row are consecutive and in :func:`itertools.combinations` order, so
    they stay sorted when ``rows`` is.
    """
    m, n = rows.shape
    if not 0 <= k <= n:
        raise ValueError(f"cannot take {k}-subsets of sets of size {n}")
    combs = list(combinations(range(n), k))
    comb = np.array(combs, dtype=np.int64).reshape(len(combs), k)
    return rows[:, comb].reshape(m * comb.shape[0], k)


def pair_index(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)``, ``i < j``, of the pairs of an ``n``-set in combinations order."""
    i, j = np.triu_indices(n, k=1)
    return i.astype(np.int64), j.astype(np.int64)


def segment_pairs(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All index pairs ``(p, q)``, ``p < q``, inside each segment ``[start, start + length)``.

    Segments in order, pairs of a segment in combinations order; with ``starts = indptr[:-1]``
    and ``lengths = sizes`` these index the member pairs of every set of a :class:`NodeSets`.
    """
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    seg_first = np.cumsum(lengths) - lengths
    pos = np.arange(total, dtype=np.int64) - np.repeat(seg_first - starts, lengths)
    partners = np.repeat(starts + lengths, lengths) - pos - 1
    p = np.repeat(pos, partners)
    first = np.cumsum(partners) - partners
    q = p + 1 + (np.arange(p.size, dtype=np.int64) - np.repeat(first, partners))
    return p, q


def segment_triples(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    """All index triples ``p < q < r`` inside each segment (order as :func:`segment_pairs`)."""
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    p, q = segment_pairs(starts, lengths)
    if p.size == 0:
        z = np.zeros(0, np.int64)
        return z, z, z
    ends = np.repeat(starts + lengths, lengths * (lengths - 1) // 2)
    cnt = ends - q - 1
    p3, q3 = np.repeat(p, cnt), np.repeat(q, cnt)
    first = np.cumsum(cnt) - cnt
    r3 = q3 + 1 + (np.arange(p3.size, dtype=np.int64) - np.repeat(first, cnt))
    return p3, q3, r3
