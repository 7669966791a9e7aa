"""Fixed sparse matrices kept in CSR together with their transposes: the gather/scatter-free
propagation of the layers that do not build a normalised operator (UniGNN, HNHN, HyperGCN)."""

from __future__ import annotations

import math
from collections import OrderedDict

import torch
from torch import Tensor

from hypergraph.data.ops import _Matmul, _quiet_csr  # A @ x with the backward A^T @ grad; CSR notices off


def _csr(rows: Tensor, cols: Tensor, values: Tensor, shape: tuple[int, int]) -> Tensor:
    """CSR matrix of the entries ``(rows, cols, values)``; duplicate entries are kept (they add up
    in a product, as a scatter-sum would add them)."""
    order = torch.argsort(rows * shape[1] + cols)
    crow = torch.zeros(shape[0] + 1, dtype=torch.long, device=rows.device)
    crow[1:] = torch.bincount(rows, minlength=shape[0]).cumsum(0)
    with _quiet_csr():
        return torch.sparse_csr_tensor(crow, cols[order], values[order], shape)


class SparsePair:
    r"""A constant sparse matrix :math:`A` (``[R, C]``) in CSR with its transpose, so that
    ``A @ x`` and its backward are one sparse-dense product each.  Gradients flow to ``x`` (a
    ``[C, ...]`` tensor, trailing dimensions flattened), never to the entries of :math:`A`."""

    def __init__(self, A: Tensor, At: Tensor) -> None:
        self.A, self.At = A, At

    @classmethod
    def from_entries(cls, rows: Tensor, cols: Tensor, values: Tensor, shape: tuple[int, int]) -> SparsePair:
        n = rows.numel()
        if n and (int(rows.min()) < 0 or int(cols.min()) < 0):
            raise ValueError("sparse entries must have non-negative indices")
        if n and (int(rows.max()) >= shape[0] or int(cols.max()) >= shape[1]):
            raise ValueError(f"sparse entries out of range for a {shape[0]} x {shape[1]} matrix")
        values = values.detach()
        return cls(_csr(rows, cols, values, shape), _csr(cols, rows, values, (shape[1], shape[0])))

    @property
    def T(self) -> SparsePair:
        return SparsePair(self.At, self.A)

    def __matmul__(self, x: Tensor) -> Tensor:
        flat = x.reshape(x.size(0), math.prod(x.shape[1:]))
        if flat.dtype != self.A.dtype:
            raise TypeError(f"sparse matrix has dtype {self.A.dtype} but x has {x.dtype}")
        if torch.is_grad_enabled() and flat.requires_grad:
            out = _Matmul.apply(flat, self.A, self.At)
        else:
            out = torch.sparse.mm(self.A, flat)
        return out.view(self.A.size(0), *x.shape[1:])


def incidence(hyperedge_index: Tensor, num_nodes: int, num_hyperedges: int, dtype: torch.dtype) -> SparsePair:
    r"""The 0/1 incidence matrix :math:`H` (``[N, M]``; a repeated incidence counts twice):
    ``inc @ y`` sums hyperedge rows into their members, ``inc.T @ x`` sums the members of each
    hyperedge."""
    v, e = hyperedge_index[0], hyperedge_index[1]
    ones = torch.ones(v.numel(), device=v.device, dtype=dtype)
    return SparsePair.from_entries(v, e, ones, (num_nodes, num_hyperedges))


class IncidenceCache(torch.nn.Module):
    """The incidence :class:`SparsePair` of a hypergraph, rebuilt per call or, with
    ``cached=True``, kept per structure (identity and version of ``hyperedge_index``, sizes,
    device and dtype; up to ``max_cached`` structures, least recently used dropped first).  It
    holds no hyperedge weights, so it never goes stale when the weights change."""

    def __init__(self, cached: bool = False, max_cached: int = 8) -> None:
        super().__init__()
        self.cached = cached
        self.max_cached = max_cached
        self._mats: OrderedDict[int, tuple[tuple, SparsePair]] = OrderedDict()

    def reset_cache(self) -> None:
        self._mats.clear()

    def forward(
        self, hyperedge_index: Tensor, num_nodes: int, num_hyperedges: int, dtype: torch.dtype
    ) -> SparsePair:
        if not self.cached or hyperedge_index.is_inference():  # inference tensors have no version
            return incidence(hyperedge_index, num_nodes, num_hyperedges, dtype)
        stamp = (hyperedge_index, hyperedge_index._version, num_nodes, num_hyperedges, dtype)
        key = id(hyperedge_index)
        entry = self._mats.get(key)
        if entry is None or entry[0][0] is not hyperedge_index or entry[0][1:] != stamp[1:]:
            entry = (stamp, incidence(hyperedge_index, num_nodes, num_hyperedges, dtype))
            self._mats[key] = entry
            while len(self._mats) > self.max_cached:
                self._mats.popitem(last=False)
        self._mats.move_to_end(key)
        return entry[1]
