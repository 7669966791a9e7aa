"""Families of node sets stored as CSR arrays, with exact vectorised set operations.

A :class:`SetList` holds ``m`` sets of node ids as ``indptr`` (``[m + 1]``) and ``indices``
(``[nnz]``); the ids of every set are sorted and distinct.  Exact set equality (deduplication,
membership of one family in another) is computed per set size on the ``[m_k, k]`` row arrays
with :func:`numpy.unique` over rows, so no hashing is involved and no Python loop runs over the
sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class SetList:
    """``m`` sets of node ids in CSR form (ids sorted and distinct within each set)."""

    indptr: np.ndarray
    indices: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "indptr", np.ascontiguousarray(self.indptr, dtype=np.int64))
        object.__setattr__(self, "indices", np.ascontiguousarray(self.indices, dtype=np.int64))
        if self.indptr.ndim != 1 or self.indptr.size == 0 or self.indptr[0] != 0:
            raise ValueError("SetList.indptr must be a 1-d array starting at 0")
        if self.indptr[-1] != self.indices.size:
            raise ValueError("SetList.indptr[-1] must equal len(indices)")

    # ----------------------------------------------------------------- construction
    @staticmethod
    def from_iterable(sets: Iterable[Iterable[int]]) -> SetList:
        """Build from Python iterables (canonicalised: sorted, repeated ids merged)."""
        arrays = [np.asarray(list(s), dtype=np.int64) for s in sets]
        sizes = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
        indptr = np.zeros(len(arrays) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        indices = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
        return canonicalize(indptr, indices)

    @staticmethod
    def from_rows(rows: np.ndarray) -> SetList:
        """Build from an ``[m, k]`` array whose rows are sorted sets of equal size ``k``."""
        rows = np.asarray(rows, dtype=np.int64)
        m, k = rows.shape
        return SetList(np.arange(m + 1, dtype=np.int64) * k, rows.reshape(-1))

    @staticmethod
    def empty() -> SetList:
        return SetList(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))

    # --------------------------------------------------------------------- accessors
    def __len__(self) -> int:
        return int(self.indptr.size - 1)

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.indptr)

    @property
    def set_ids(self) -> np.ndarray:
        """The set id of every entry of ``indices``."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.sizes)

    def num_nodes(self) -> int:
        return int(self.indices.max()) + 1 if self.indices.size else 0

    def to_tuples(self) -> list[tuple[int, ...]]:
        """The sets as sorted tuples (for interoperability and small cases)."""
        flat = self.indices.tolist()
        ptr = self.indptr.tolist()
        return [tuple(flat[a:b]) for a, b in zip(ptr[:-1], ptr[1:])]

    def rows_of_size(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, rows)``: the ids of the sets of size ``k`` and their ``[m_k, k]`` members."""
        ids = np.flatnonzero(self.sizes == k)
        if k == 0:
            return ids, np.zeros((ids.size, 0), dtype=np.int64)
        cols = self.indptr[ids][:, None] + np.arange(k, dtype=np.int64)[None, :]
        return ids, self.indices[cols]

    def select(self, ids: np.ndarray) -> SetList:
        """The sets ``ids`` (in that order)."""
        ids = np.asarray(ids, dtype=np.int64)
        sizes = self.sizes[ids]
        indptr = np.zeros(ids.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        starts = np.repeat(self.indptr[ids] - indptr[:-1], sizes)
        pos = np.arange(indptr[-1], dtype=np.int64) + starts
        return SetList(indptr, self.indices[pos])

    def incidence(self, num_nodes: int | None = None, dtype: type = np.int32) -> sp.csr_matrix:
        """The ``[m, N]`` 0/1 set-by-node incidence matrix (CSR)."""
        n = self.num_nodes() if num_nodes is None else int(num_nodes)
        data = np.ones(self.indices.size, dtype=dtype)
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(len(self), n))


def concat(parts: Sequence[SetList]) -> SetList:
    """Concatenate set families (in order)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return SetList.empty()
    sizes = np.concatenate([p.sizes for p in parts])
    indptr = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    return SetList(indptr, np.concatenate([p.indices for p in parts]))


def canonicalize(indptr: np.ndarray, indices: np.ndarray) -> SetList:
    """Sort the ids of every set and merge repeated ids (vectorised)."""
    indptr = np.asarray(indptr, dtype=np.int64)
    indices = np.asarray(indices, dtype=np.int64)
    m = indptr.size - 1
    set_id = np.repeat(np.arange(m, dtype=np.int64), np.diff(indptr))
    order = np.lexsort((indices, set_id))
    sid, val = set_id[order], indices[order]
    keep = np.ones(val.size, dtype=bool)
    if val.size > 1:
        keep[1:] = (sid[1:] != sid[:-1]) | (val[1:] != val[:-1])
    sid, val = sid[keep], val[keep]
    new_ptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(sid, minlength=m), out=new_ptr[1:])
    return SetList(new_ptr, val)


def row_ids(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(first, inverse)`` of the exact unique rows of an ``[m, k]`` array.

    ``inverse[i]`` numbers the distinct rows ``0..u-1`` in order of first occurrence and
    ``first[j]`` is the first row with number ``j``.
    """
    m = rows.shape[0]
    if m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if rows.shape[1] == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(m, dtype=np.int64)
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    # renumber by first occurrence so that the result does not depend on the sort order
    rank = np.empty(first.size, dtype=np.int64)
    by_first = np.argsort(first, kind="stable")
    rank[by_first] = np.arange(first.size, dtype=np.int64)
    return first[by_first], rank[inverse]


def unique_sets(sets: SetList) -> tuple[SetList, np.ndarray]:
    """Drop repeated sets, keeping first occurrences in order.

    Returns ``(unique, inverse)`` with ``unique.select`` order = first occurrences and
    ``inverse[i]`` the position of set ``i`` in ``unique``.
    """
    m = len(sets)
    keep = np.zeros(m, dtype=bool)
    rep = np.arange(m, dtype=np.int64)  # representative (first occurrence) of each set
    for k in np.unique(sets.sizes):  # loop over distinct sizes only
        ids, rows = sets.rows_of_size(int(k))
        first, inverse = row_ids(rows)
        keep[ids[first]] = True
        rep[ids] = ids[first][inverse]
    kept = np.flatnonzero(keep)
    pos = np.full(m, -1, dtype=np.int64)
    pos[kept] = np.arange(kept.size, dtype=np.int64)
    return sets.select(kept), pos[rep]


def isin_sets(a: SetList, b: SetList) -> np.ndarray:
    """Boolean mask: which sets of ``a`` occur (exactly) in ``b``."""
    out = np.zeros(len(a), dtype=bool)
    if len(a) == 0 or len(b) == 0:
        return out
    b_sizes = set(np.unique(b.sizes).tolist())
    for k in np.unique(a.sizes).tolist():
        if k not in b_sizes:
            continue
        ids_a, rows_a = a.rows_of_size(k)
        _, rows_b = b.rows_of_size(k)
        _, inverse = row_ids(np.concatenate([rows_a, rows_b]))
        out[ids_a] = np.isin(inverse[: ids_a.size], inverse[ids_a.size :])
    return out


def k_subsets(rows: np.ndarray, k: int) -> np.ndarray:
    """All ``k``-subsets of each row of the ``[m, n]`` array ``rows``: ``[m * C(n, k), k]``.

    The subsets of one row are consecutive and in :func:`itertools.combinations` order, so
    they stay sorted when ``rows`` is.
    """
    m, n = rows.shape
    if not 0 <= k <= n:
        raise ValueError(f"cannot take {k}-subsets of sets of size {n}")
    comb = np.array(list(combinations(range(n), k)), dtype=np.int64).reshape(-1, k)
    return rows[:, comb].reshape(m * comb.shape[0], k)


def pair_index(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)``, ``i < j``, of the pairs of an ``n``-set in combinations order."""
    i, j = np.triu_indices(n, k=1)
    return i.astype(np.int64), j.astype(np.int64)
