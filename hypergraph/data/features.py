"""Structural node features for hypergraphs that come without features."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph

FEATURE_KINDS = ("raw", "onehot", "spectral", "random")
MAX_ONEHOT_NODES = 20_000


def structural_features(hg: Hypergraph, kind: str, dim: int = 64, seed: int = 0) -> Tensor:
    """Node features computed from the structure alone.

    * ``"onehot"``: the identity (``N x N``; refused above 20,000 nodes);
    * ``"spectral"``: the ``dim`` leading eigenvectors of the HGNN operator
      :math:`D_v^{-1/2} H W D_e^{-1} H^\\top D_v^{-1/2}` (sparse Lanczos, never dense);
    * ``"random"``: i.i.d. standard normal features (seeded), a structure-only baseline.
    """
    N = hg.num_nodes
    if kind == "onehot":
        if N > MAX_ONEHOT_NODES:
            raise ValueError(
                f"onehot features need an N x N matrix; refused for {N} > {MAX_ONEHOT_NODES} "
                "nodes (use 'spectral' or 'random')"
            )
        return torch.eye(N)
    if kind == "random":
        g = torch.Generator().manual_seed(seed)
        return torch.randn(N, dim, generator=g)
    if kind == "spectral":
        op = hg.operator("hgnn")
        P = _to_scipy(op.P)
        Q = _to_scipy(op.Q)
        k = min(dim, N - 2)
        lin = sla.LinearOperator((N, N), matvec=lambda v: P @ (Q @ v), dtype=np.float64)
        rng = np.random.default_rng(seed)
        _, vecs = sla.eigsh(lin, k=k, which="LA", v0=rng.standard_normal(N), tol=1e-4)
        out = torch.from_numpy(vecs[:, ::-1].copy()).float()
        if k < dim:
            out = torch.cat([out, torch.zeros(N, dim - k)], dim=1)
        return out * float(np.sqrt(N))
    raise ValueError(f"unknown feature kind {kind!r}; valid: {', '.join(FEATURE_KINDS)}")


def _to_scipy(A: Tensor) -> sp.csr_matrix:
    A = A.to_sparse_csr()
    return sp.csr_matrix(
        (A.values().double().numpy(), A.col_indices().numpy(), A.crow_indices().numpy()),
        shape=tuple(A.shape),
    )
