"""Families of node sets (hyperedges, candidates, cliques, simplices) in one canonical form.

A :class:`NodeSets` holds ``m`` sets of node ids as CSR arrays: ``indptr`` (``[m + 1]``) and
``indices`` (``[nnz]``), both int64 numpy arrays.  Canonical form: the members of every set
are sorted and distinct (a repeated id is merged); the *sets* keep their order, and repeated
sets and empty sets are kept (:func:`~hypergraph.data.set_ops.unique_sets` drops repeats).

The same data is exposed as an incidence list :attr:`NodeSets.index` (``[2, nnz]`` torch
int64: row 0 node ids, row 1 set ids, sorted by set then node), which is exactly the
``hyperedge_index`` of a :class:`~hypergraph.data.Hypergraph` whose hyperedges are the sets.
:func:`canonicalize` is the one canonicalisation of the package: every constructor that takes
unsorted input (:meth:`NodeSets.from_csr`, :meth:`~NodeSets.from_index`,
:meth:`~NodeSets.from_iterable`, :meth:`~NodeSets.from_hypergraph`) goes through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.transforms import hyperedge_keys

__all__ = ["NodeSets", "canonicalize"]

_INT64_MAX = np.iinfo(np.int64).max


def _as_int64(a: np.ndarray | Tensor | Sequence[int]) -> np.ndarray:
    if isinstance(a, Tensor):
        a = a.detach().cpu().numpy()
    return np.ascontiguousarray(a, dtype=np.int64)


def _sort_members(set_id: np.ndarray, node: np.ndarray, num_sets: int) -> tuple[np.ndarray, np.ndarray]:
    """``(indptr, indices)`` of the pairs ``(set_id, node)``: sorted by set then node, repeats merged."""
    if node.size and node.min() < 0:
        raise ValueError(f"node ids must be non-negative, got {int(node.min())}")
    if set_id.size and (set_id.min() < 0 or set_id.max() >= num_sets):
        raise ValueError(
            f"set ids must lie in [0, {num_sets}), got [{int(set_id.min())}, {int(set_id.max())}]"
        )
    d_set = np.diff(set_id)
    if ((d_set > 0) | ((d_set == 0) & (np.diff(node) > 0))).all():  # already canonical: no sort
        indptr = np.zeros(num_sets + 1, dtype=np.int64)
        np.cumsum(np.bincount(set_id, minlength=num_sets), out=indptr[1:])
        return indptr, node
    base = int(node.max()) + 1 if node.size else 1
    if num_sets * base <= _INT64_MAX:  # one sort of combined int64 keys
        key = np.sort(set_id * base + node, kind="stable")  # timsort: fast on runs of sorted set ids
        if key.size > 1:
            key = key[np.concatenate([[True], key[1:] != key[:-1]])]
        sid, val = key // base, key % base
    else:  # keys would overflow: sort the two columns
        order = np.lexsort((node, set_id))
        sid, val = set_id[order], node[order]
        keep = np.ones(val.size, dtype=bool)
        keep[1:] = (sid[1:] != sid[:-1]) | (val[1:] != val[:-1])
        sid, val = sid[keep], val[keep]
    indptr = np.zeros(num_sets + 1, dtype=np.int64)
    np.cumsum(np.bincount(sid, minlength=num_sets), out=indptr[1:])
    return indptr, np.ascontiguousarray(val, dtype=np.int64)


def canonicalize(indptr: np.ndarray | Tensor, indices: np.ndarray | Tensor) -> NodeSets:
    """The canonical :class:`NodeSets` of CSR arrays: members sorted, repeated members merged.

    Set order, repeated sets and empty sets are kept.  Vectorised (one sort of int64 keys).
    """
    indptr, indices = _as_int64(indptr), _as_int64(indices)
    _check_indptr(indptr, indices.size)
    m = indptr.size - 1
    set_id = np.repeat(np.arange(m, dtype=np.int64), np.diff(indptr))
    return NodeSets._trusted(*_sort_members(set_id, indices, m))


def _check_indptr(indptr: np.ndarray, nnz: int) -> None:
    if indptr.ndim != 1 or indptr.size == 0 or indptr[0] != 0:
        raise ValueError("NodeSets.indptr must be a 1-d array starting at 0")
    if indptr[-1] != nnz:
        raise ValueError(f"NodeSets.indptr[-1] = {int(indptr[-1])} must equal len(indices) = {nnz}")
    if indptr.size > 1 and (np.diff(indptr) < 0).any():
        raise ValueError("NodeSets.indptr must be non-decreasing")


@dataclass(frozen=True, eq=False)
class NodeSets:
    """``m`` node sets in canonical CSR form (see the module docstring).

    Args:
        indptr: int64 ``[m + 1]``, ``indptr[0] == 0``; set ``s`` is
            ``indices[indptr[s]:indptr[s + 1]]``.
        indices: int64 ``[nnz]`` node ids, strictly increasing within each set.

    The constructor checks the canonical form and raises :class:`ValueError` otherwise; build
    from unsorted data with :func:`canonicalize` / the ``from_*`` constructors.  Arrays are
    shared, never copied, by the constructor, :meth:`from_rows` and the accessors.
    """

    indptr: np.ndarray
    indices: np.ndarray

    def __post_init__(self) -> None:
        indptr, indices = _as_int64(self.indptr), _as_int64(self.indices)
        if indices.ndim != 1:
            raise ValueError(f"NodeSets.indices must be 1-d, got shape {indices.shape}")
        _check_indptr(indptr, indices.size)
        if indices.size:
            if indices.min() < 0:
                raise ValueError(f"node ids must be non-negative, got {int(indices.min())}")
            inner = np.ones(indices.size, dtype=bool)  # entry k > 0 continues the set of entry k-1
            inner[indptr[:-1][indptr[:-1] < indices.size]] = False
            if (np.diff(indices)[inner[1:]] <= 0).any():
                raise ValueError(
                    "NodeSets members must be sorted and distinct within each set "
                    "(use hypergraph.data.node_sets.canonicalize)"
                )
        object.__setattr__(self, "indptr", indptr)
        object.__setattr__(self, "indices", indices)

    @classmethod
    def _trusted(cls, indptr: np.ndarray, indices: np.ndarray) -> NodeSets:
        """Wrap arrays already in canonical int64 form (internal: skips the checks)."""
        out = object.__new__(cls)
        object.__setattr__(out, "indptr", indptr)
        object.__setattr__(out, "indices", indices)
        return out

    # ----------------------------------------------------------------- construction
    @staticmethod
    def empty() -> NodeSets:
        """The family with no set."""
        return NodeSets._trusted(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))

    @staticmethod
    def from_csr(indptr: np.ndarray | Tensor, indices: np.ndarray | Tensor) -> NodeSets:
        """From CSR arrays in any member order (same as :func:`canonicalize`)."""
        return canonicalize(indptr, indices)

    @staticmethod
    def from_index(index: np.ndarray | Tensor, num_sets: int | None = None) -> NodeSets:
        """From an incidence list ``[2, nnz]`` (row 0 node ids, row 1 set ids, any order).

        ``num_sets`` defaults to the largest set id + 1; ids below it that never occur are empty
        sets.  Repeated ``(node, set)`` pairs are merged.
        """
        index = _as_int64(index)
        if index.ndim != 2 or index.shape[0] != 2:
            raise ValueError(f"index must have shape [2, nnz], got {tuple(index.shape)}")
        if num_sets is None:
            num_sets = int(index[1].max()) + 1 if index.shape[1] else 0
        return NodeSets._trusted(*_sort_members(index[1], index[0], int(num_sets)))

    @staticmethod
    def from_hypergraph(hg: Hypergraph) -> NodeSets:
        """The hyperedges of ``hg`` as sets (``hg.num_hyperedges`` of them, empty ones included)."""
        return NodeSets.from_index(hg.hyperedge_index, hg.num_hyperedges)

    @staticmethod
    def from_iterable(sets: Iterable[Iterable[int]]) -> NodeSets:
        """From Python iterables of node ids (small inputs, tests)."""
        arrays = [np.asarray(list(s), dtype=np.int64).reshape(-1) for s in sets]
        sizes = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
        indptr = np.zeros(len(arrays) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        indices = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
        return canonicalize(indptr, indices)

    @staticmethod
    def from_rows(rows: np.ndarray) -> NodeSets:
        """From an ``[m, k]`` array whose rows are sets of size ``k`` (strictly increasing rows)."""
        rows = _as_int64(rows)
        if rows.ndim != 2:
            raise ValueError(f"rows must be a 2-d array, got shape {rows.shape}")
        m, k = rows.shape
        return NodeSets(np.arange(m + 1, dtype=np.int64) * k, rows.reshape(-1))

    @staticmethod
    def cat(parts: Sequence[NodeSets]) -> NodeSets:
        """The sets of ``parts`` one after the other (set ids shifted)."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return NodeSets.empty()
        if len(parts) == 1:
            return parts[0]
        sizes = np.concatenate([p.sizes for p in parts])
        indptr = np.zeros(sizes.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        return NodeSets._trusted(indptr, np.concatenate([p.indices for p in parts]))

    # -------------------------------------------------------------------- accessors
    def __len__(self) -> int:
        return int(self.indptr.size - 1)

    @property
    def num_sets(self) -> int:
        return len(self)

    @property
    def sizes(self) -> np.ndarray:
        """int64 ``[m]``: the number of members of each set."""
        return np.diff(self.indptr)

    @property
    def set_ids(self) -> np.ndarray:
        """int64 ``[nnz]``: the set of every entry of :attr:`indices`."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.sizes)

    @cached_property
    def index(self) -> Tensor:
        """The incidence list ``[2, nnz]`` (torch int64, CPU): node ids over set ids."""
        return torch.from_numpy(np.stack([self.indices, self.set_ids]))

    def num_nodes(self) -> int:
        """The smallest node count holding every member: ``max id + 1`` (0 when no member)."""
        return int(self.indices.max()) + 1 if self.indices.size else 0

    def __repr__(self) -> str:
        return f"NodeSets(num_sets={len(self)}, nnz={self.indices.size})"

    def to_tuples(self) -> list[tuple[int, ...]]:
        """The sets as sorted tuples (display, tests and hashing; not for hot paths)."""
        flat = self.indices.tolist()
        ptr = self.indptr.tolist()
        return [tuple(flat[a:b]) for a, b in zip(ptr[:-1], ptr[1:])]

    def to_hypergraph(self, num_nodes: int, **kwargs) -> Hypergraph:
        """A :class:`Hypergraph` on ``num_nodes`` nodes with one hyperedge per set (in order)."""
        if self.indices.size and self.num_nodes() > num_nodes:
            raise ValueError(f"a set has node id {self.num_nodes() - 1} >= num_nodes={num_nodes}")
        return Hypergraph(
            hyperedge_index=self.index, num_nodes=int(num_nodes), num_hyperedges=len(self), **kwargs
        )

    def incidence(self, num_nodes: int | None = None, dtype: type = np.int32) -> sp.csr_matrix:
        """The ``[m, N]`` 0/1 set-by-node matrix (scipy CSR sharing :attr:`indices`/:attr:`indptr`)."""
        n = self.num_nodes() if num_nodes is None else int(num_nodes)
        data = np.ones(self.indices.size, dtype=dtype)
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(len(self), n))

    def keys(self, num_nodes: int, seed: int = 0) -> Tensor:
        """Hash key ``[m, 3]`` per set; equal sets have equal keys (see
        :func:`~hypergraph.data.transforms.hyperedge_keys`; ``num_nodes`` > every member id)."""
        return hyperedge_keys(self.index, num_nodes, len(self), seed=seed)

    def rows_of_size(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, rows)``: the ids of the sets of size ``k`` and their ``[m_k, k]`` members."""
        ids = np.flatnonzero(self.sizes == k)
        if k == 0:
            return ids, np.zeros((ids.size, 0), dtype=np.int64)
        cols = self.indptr[ids][:, None] + np.arange(k, dtype=np.int64)[None, :]
        return ids, self.indices[cols]

    def select(self, ids: np.ndarray | Tensor) -> NodeSets:
        """The sets ``ids`` (non-negative) in that order; a repeated id repeats its set."""
        ids = ids.detach().cpu().numpy() if isinstance(ids, Tensor) else np.asarray(ids)
        if ids.dtype == bool:
            raise TypeError("NodeSets.select takes set ids, not a boolean mask (use np.flatnonzero(mask))")
        ids = _as_int64(ids).reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise IndexError(f"set ids must lie in [0, {len(self)})")
        sizes = self.sizes[ids]
        indptr = np.zeros(ids.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        pos = np.arange(indptr[-1], dtype=np.int64) + np.repeat(self.indptr[ids] - indptr[:-1], sizes)
        return NodeSets._trusted(indptr, self.indices[pos])
