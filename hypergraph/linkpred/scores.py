"""Classic scores of candidate hyperedges on the observed structure (k-way generalisations).

All scores read only the observed hypergraph; candidates are scored in one sparse product.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import segment_pairs
from hypergraph.linkpred.negative import projected_weights


def common_neighbor_scores(observed: Hypergraph, cands: NodeSets) -> dict[str, Tensor]:
    """k-way common neighbours (nodes adjacent to every member in the observed projection) and
    the k-way Adamic–Adar index (their sum of ``1 / log(degree)``)."""
    W = projected_weights(observed)
    A = W.copy()
    A.data[:] = 1.0
    deg = np.asarray(A.sum(1)).ravel()
    C = cands.incidence(observed.num_nodes, dtype=np.float64)
    counts = (C @ A).tocoo()
    size = cands.sizes
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
    # all member pairs (i < j) of every candidate, in set order, without a Python loop
    p, q = segment_pairs(cands.indptr[:-1], cands.sizes)
    u, v = cands.indices[p], cands.indices[q]
    w = np.concatenate(
        [np.asarray(W[u[a : a + chunk], v[a : a + chunk]]).ravel() for a in range(0, len(u), chunk)]
        or [np.zeros(0)]
    )
    s = cands.set_ids[p]
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
