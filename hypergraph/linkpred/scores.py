"""Classic scores of candidate hyperedges on the observed structure (k-way generalisations).

All scores read only the observed hypergraph; candidates are scored in one sparse product.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.linkpred.negative import projected_weights
from hypergraph.linkpred.sets import NodeSets


def _candidate_matrix(cands: NodeSets, num_nodes: int) -> sp.csr_matrix:
    idx = cands.index.numpy()
    return sp.csr_matrix((np.ones(idx.shape[1]), (idx[1], idx[0])), shape=(cands.num_sets, num_nodes))


def common_neighbor_scores(observed: Hypergraph, cands: NodeSets) -> dict[str, Tensor]:
    """k-way common neighbours (nodes adjacent to every member in the observed projection) and
    the k-way Adamic–Adar index (their sum of ``1 / log(degree)``)."""
    W = projected_weights(observed)
    A = W.copy()
    A.data[:] = 1.0
    deg = np.asarray(A.sum(1)).ravel()
    C = _candidate_matrix(cands, observed.num_nodes)
    counts = (C @ A).tocoo()
    size = cands.sizes.numpy()
    full = counts.data == size[counts.row]
    rows, cols = counts.row[full], counts.col[full]
    cn = np.bincount(rows, minlength=cands.num_sets).astype(np.float64)
    with np.errstate(divide="ignore"):
        inv_log = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
    aa = np.bincount(rows, weights=inv_log[cols], minlength=cands.num_sets)
    return {"common_neighbors": torch.from_numpy(cn), "adamic_adar": torch.from_numpy(aa)}


def pairwise_mean_scores(observed: Hypergraph, cands: NodeSets, chunk: int = 200_000) -> dict[str, Tensor]:
    """Harmonic, geometric and arithmetic means of the projected-graph weights
    ``W_uv = #observed hyperedges containing u and v`` over all member pairs of a candidate."""
    W = projected_weights(observed)
    idx = cands.index
    sizes = cands.sizes
    start = torch.cumsum(sizes, 0) - sizes
    # all ordered member pairs (i < j) of every candidate, generated without a Python loop
    npairs = sizes * (sizes - 1) // 2
    sid = torch.arange(cands.num_sets).repeat_interleave(npairs)
    local = torch.arange(int(npairs.sum())) - torch.repeat_interleave(
        torch.cumsum(npairs, 0) - npairs, npairs
    )
    k = sizes[sid].double()
    # invert local pair index -> (i, j) with i < j in a row-major upper triangle of size k
    i = torch.floor((2 * k - 1 - torch.sqrt((2 * k - 1) ** 2 - 8 * local.double())) / 2).long()
    j = local - (i * (2 * sizes[sid] - i - 1)) // 2 + i + 1
    u = idx[0][start[sid] + i].numpy()
    v = idx[0][start[sid] + j].numpy()
    w = np.concatenate(
        [np.asarray(W[u[a : a + chunk], v[a : a + chunk]]).ravel() for a in range(0, len(u), chunk)]
        or [np.zeros(0)]
    )
    s = sid.numpy()
    n = np.bincount(s, minlength=cands.num_sets).astype(np.float64)
    arith = np.bincount(s, weights=w, minlength=cands.num_sets) / np.maximum(n, 1)
    zero = np.bincount(s, weights=(w == 0).astype(np.float64), minlength=cands.num_sets) > 0
    with np.errstate(divide="ignore"):
        logw = np.where(w > 0, np.log(np.maximum(w, 1e-300)), 0.0)
        inv = np.where(w > 0, 1.0 / np.maximum(w, 1e-300), 0.0)
    geo = np.exp(np.bincount(s, weights=logw, minlength=cands.num_sets) / np.maximum(n, 1))
    harm = n / np.maximum(np.bincount(s, weights=inv, minlength=cands.num_sets), 1e-300)
    geo[zero], harm[zero] = 0.0, 0.0
    return {
        "harmonic_mean": torch.from_numpy(harm),
        "geometric_mean": torch.from_numpy(geo),
        "arithmetic_mean": torch.from_numpy(arith),
    }


def classic_scores(observed: Hypergraph, cands: NodeSets) -> dict[str, Tensor]:
    """Every classic score of :mod:`hypergraph.linkpred.scores` for ``cands``."""
    return {**common_neighbor_scores(observed, cands), **pairwise_mean_scores(observed, cands)}
