"""Vectorised CSR helpers shared by the loaders: row expansion, per-row sampling without
replacement, first-occurrence de-duplication against a persistent id map, attribute slicing."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

_STRUCTURE_KEYS = ("hyperedge_index", "num_nodes", "num_hyperedges")
_BATCH_KEYS = ("n_id", "e_id", "batch_size", "node_degree", "hyperedge_degree")


def build_csr(rows: Tensor, cols: Tensor, num_rows: int, num_cols: int) -> tuple[Tensor, Tensor]:
    """CSR ``(ptr [num_rows + 1], col [nnz])`` of the pairs ``(rows, cols)``, columns sorted per row."""
    if rows.numel() and max(num_rows, 1) * max(num_cols, 1) < 2**62:
        order = torch.argsort(rows * max(num_cols, 1) + cols)
    else:
        order = torch.argsort(rows, stable=True)
    ptr = torch.zeros(num_rows + 1, dtype=torch.long)
    torch.cumsum(torch.bincount(rows, minlength=num_rows), 0, out=ptr[1:])
    return ptr, cols[order].contiguous()


def expand_rows(start: Tensor, count: Tensor) -> Tensor:
    """Positions ``start[i], ..., start[i] + count[i] - 1`` for every ``i``, concatenated."""
    total = int(count.sum()) if count.numel() else 0
    if total == 0:
        return torch.empty(0, dtype=torch.long)
    offset = torch.cumsum(count, 0) - count
    return torch.arange(total) + torch.repeat_interleave(start - offset, count, output_size=total)


def sample_rows(ptr: Tensor, col: Tensor, rows: Tensor, k: int, generator: torch.Generator) -> Tensor:
    """For every row in ``rows``, at most ``k`` distinct entries of ``col`` drawn uniformly
    without replacement (all of them when ``k < 0`` or the row is short); concatenated.

    Long rows use Floyd's algorithm vectorised over the rows: ``k`` steps of ``O(rows * k)``
    work each, independent of the row lengths (a Python loop over the ``k`` draws, never over
    rows).
    """
    start = ptr.index_select(0, rows)
    count = ptr.index_select(0, rows + 1) - start
    if k < 0:
        return col.index_select(0, expand_rows(start, count))
    short = count <= k
    if bool(short.all()):
        return col.index_select(0, expand_rows(start, count))
    out_short = col.index_select(0, expand_rows(start[short], count[short]))
    long_start, n = start[~short], count[~short]
    R = n.numel()
    picks = torch.empty(R, k, dtype=torch.long)
    for i in range(k):  # Floyd: for j = n-k .. n-1, draw t in [0, j]; take j if t was taken
        j = n - k + i
        t = (torch.rand(R, generator=generator, dtype=torch.float64) * (j + 1).double()).long()
        t = torch.minimum(t, j)
        if i:
            t = torch.where((picks[:, :i] == t.unsqueeze(1)).any(1), j, t)
        picks[:, i] = t
    out_long = col.index_select(0, (picks + long_start.unsqueeze(1)).view(-1))
    return torch.cat([out_short, out_long])


def add_new(candidates: Tensor, local: Tensor, offset: int) -> Tensor:
    """Ids of ``candidates`` not yet in the map ``local`` (``-1`` = absent), de-duplicated in
    order of first occurrence; they are entered in ``local`` as ``offset, offset + 1, ...``.

    ``O(len(candidates))``: ``local`` is a persistent ``[N]`` map, reset by the caller for the
    ids it returned (never an ``O(N)`` pass per batch).
    """
    candidates = candidates[local.index_select(0, candidates) < 0]
    n = candidates.numel()
    if n == 0:
        return candidates
    pos = torch.arange(n)
    local.index_fill_(0, candidates, n)
    local.scatter_reduce_(0, candidates, pos, reduce="amin")
    new = candidates[local.index_select(0, candidates) == pos]
    local.index_copy_(0, new, torch.arange(offset, offset + new.numel()))
    return new


def batch_seed(seed: int, epoch: int, ids: Tensor) -> int:
    """A 63-bit RNG seed from the loader seed, the epoch and the batch's ids (order-sensitive),
    so that a batch is the same whichever worker process draws it."""
    a = ids.numpy().astype(np.uint64)
    pos = np.arange(a.size, dtype=np.uint64)
    h = int(
        ((a + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15) ^ (pos * np.uint64(0xBF58476D1CE4E5B9))).sum()
    )
    return hash((int(seed), int(epoch), h, a.size)) & (2**63 - 1)


def classify_keys(data: Any, num_nodes: int, num_hyperedges: int) -> tuple[list[str], list[str], list[str]]:
    """Split the attributes of ``data`` into node-level, hyperedge-level and other keys.

    Hyperedge-level: keys starting with ``hyperedge_`` (or that ``data.is_edge_attr`` names)
    holding a tensor with ``M`` rows; node-level: other tensors with ``N`` rows; the rest (scalars,
    graph-level tensors) is copied unchanged.  Existing batch keys (``n_id``, ...) are skipped.
    """
    node, edge, other = [], [], []
    is_edge = getattr(data, "is_edge_attr", lambda key: False)
    for key, value in data.items():
        if key in _STRUCTURE_KEYS or key in _BATCH_KEYS:
            continue
        if isinstance(value, Tensor) and value.dim() > 0:
            if (key.startswith("hyperedge_") or is_edge(key)) and value.size(0) == num_hyperedges:
                edge.append(key)
                continue
            if value.size(0) == num_nodes:
                node.append(key)
                continue
        other.append(key)
    return node, edge, other
