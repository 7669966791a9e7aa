r"""Pure, sparse functions on incidence lists: degrees, incidence matrices and the normalised
propagation operators of the HGNN family.

Notation: :math:`H \in \{0,1\}^{N \times M}` is the incidence matrix, :math:`W = \mathrm{diag}(w)`
the hyperedge weights, :math:`D_v = \mathrm{diag}(H w)` the *weighted* node degree and
:math:`D_e = \mathrm{diag}(H^\top 1)` the (unweighted) hyperedge size.  Zero degrees give zero
rows/columns (``0^{-1} := 0``), so isolated nodes and empty hyperedges are harmless.

Nothing here materialises a dense ``N x N`` or ``N x M`` matrix.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor
from torch_geometric.utils import scatter

OPERATORS = ("hgnn", "hgnnp")


@contextlib.contextmanager
def _quiet_csr() -> Iterator[None]:
    """Silence torch's "CSR support is in beta" / "invariant checks disabled" notices where we
    build CSR tensors (locally: no global warning filter is installed)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
        warnings.filterwarnings("ignore", message="Sparse invariant checks are implicitly disabled")
        yield


def _weight(hyperedge_weight: Tensor | None, num_hyperedges: int, like: Tensor, dtype: torch.dtype) -> Tensor:
    if hyperedge_weight is None:
        return torch.ones(num_hyperedges, device=like.device, dtype=dtype)
    return hyperedge_weight.to(dtype)


def inv_pow(t: Tensor, power: float = 1.0) -> Tensor:
    r""":math:`t^{-p}` elementwise with :math:`0^{-p} := 0` (zero degrees give zero rows).

    The gradient at a zero entry is 0, not NaN: ``t.pow(-p).masked_fill(t == 0, 0)`` back-propagates
    :math:`0 \cdot \infty` there, which poisons every parameter upstream of a degree that can be 0
    (a learned hyperedge weight of 0, an attention coefficient dropped by dropout).
    """
    zero = t == 0
    return torch.where(zero, 0.0, torch.where(zero, 1.0, t).pow(-power))


def node_degree(
    hyperedge_index: Tensor,
    num_nodes: int,
    hyperedge_weight: Tensor | None = None,
    dtype: torch.dtype = torch.float32,
) -> Tensor:
    r"""Weighted node degree :math:`d_v = \sum_{e \ni v} w_e`, shape ``[N]``."""
    num_hyperedges = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
    if hyperedge_weight is not None:
        num_hyperedges = hyperedge_weight.numel()
    w = _weight(hyperedge_weight, num_hyperedges, hyperedge_index, dtype)
    return scatter(w[hyperedge_index[1]], hyperedge_index[0], 0, dim_size=num_nodes, reduce="sum")


def hyperedge_degree(
    hyperedge_index: Tensor, num_hyperedges: int, dtype: torch.dtype = torch.float32
) -> Tensor:
    r"""Hyperedge size :math:`\delta_e = |e|`, shape ``[M]``."""
    return _hyperedge_size(hyperedge_index, num_hyperedges, dtype)


def _hyperedge_size(hyperedge_index: Tensor, num_hyperedges: int, dtype: torch.dtype) -> Tensor:
    return torch.bincount(hyperedge_index[1], minlength=num_hyperedges).to(dtype)


def check_ids(hyperedge_index: Tensor, num_nodes: int, num_hyperedges: int) -> None:
    """Raise a ``ValueError`` that names the id when ``hyperedge_index`` holds a node id outside
    ``[0, num_nodes)`` or a hyperedge id outside ``[0, num_hyperedges)`` (instead of an index
    error deep inside a gather)."""
    if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
        raise ValueError(f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}")
    if not hyperedge_index.numel():
        return
    lo = hyperedge_index.amin(dim=1).tolist()
    hi = hyperedge_index.amax(dim=1).tolist()
    if lo[0] < 0 or lo[1] < 0:
        raise ValueError(f"hyperedge_index holds a negative id ({min(lo)})")
    if hi[0] >= num_nodes:
        raise ValueError(f"hyperedge_index holds node id {hi[0]} but num_nodes is {num_nodes}")
    if hi[1] >= num_hyperedges:
        raise ValueError(f"hyperedge_index holds hyperedge id {hi[1]} but num_hyperedges is {num_hyperedges}")


def _degrees(
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    w: Tensor,
    dtype: torch.dtype,
    node_degree: Tensor | None,
    hyperedge_degree: Tensor | None,
) -> tuple[Tensor, Tensor]:
    """``(d_v, delta_e)``: computed from the incidences, or the given (e.g. full-graph) degrees."""
    check_ids(hyperedge_index, num_nodes, num_hyperedges)
    if node_degree is None:
        dv = scatter(w[hyperedge_index[1]], hyperedge_index[0], 0, dim_size=num_nodes, reduce="sum")
    else:
        if node_degree.dim() != 1 or node_degree.numel() != num_nodes:
            raise ValueError(
                f"node_degree must have shape [num_nodes={num_nodes}], got {list(node_degree.shape)}"
            )
        dv = node_degree.detach().to(device=hyperedge_index.device, dtype=dtype)
    if hyperedge_degree is None:
        de = _hyperedge_size(hyperedge_index, num_hyperedges, dtype)
    else:
        if hyperedge_degree.dim() != 1 or hyperedge_degree.numel() != num_hyperedges:
            raise ValueError(
                f"hyperedge_degree must have shape [num_hyperedges={num_hyperedges}], "
                f"got {list(hyperedge_degree.shape)}"
            )
        de = hyperedge_degree.detach().to(device=hyperedge_index.device, dtype=dtype)
    return dv, de


def incidence_matrix(
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    values: Tensor | None = None,
    layout: torch.layout = torch.sparse_csr,
) -> Tensor:
    """The incidence matrix ``H`` (``[N, M]``) as a torch sparse tensor (CSR by default)."""
    if values is None:
        values = torch.ones(hyperedge_index.size(1), device=hyperedge_index.device)
    coo = torch.sparse_coo_tensor(hyperedge_index, values, (num_nodes, num_hyperedges)).coalesce()
    if layout == torch.sparse_coo:
        return coo
    if layout == torch.sparse_csr:
        with _quiet_csr():
            return coo.to_sparse_csr()
    raise ValueError(f"unsupported layout {layout}; use torch.sparse_csr or torch.sparse_coo")


def incidence_scipy(
    hyperedge_index: Tensor, num_nodes: int, num_hyperedges: int, values: Tensor | None = None
) -> sp.csr_matrix:
    """The incidence matrix ``H`` (``[N, M]``) as a :class:`scipy.sparse.csr_matrix`."""
    hi = hyperedge_index.detach().cpu().numpy()
    val = np.ones(hi.shape[1], dtype=np.float32) if values is None else values.detach().cpu().numpy()
    return sp.csr_matrix((val, (hi[0], hi[1])), shape=(num_nodes, num_hyperedges))


def _csr(rows: Tensor, cols: Tensor, vals: Tensor, shape: tuple[int, int]) -> Tensor:
    with _quiet_csr():
        return torch.sparse_coo_tensor(torch.stack([rows, cols]), vals, shape).coalesce().to_sparse_csr()


class _FactoredMatmul(torch.autograd.Function):
    """``y = P (Q x)`` with a backward that uses the pre-built transposes."""

    @staticmethod
    def forward(ctx, x, op):  # type: ignore[override]
        ctx.op = op
        return op.node_from_hyperedge(op.hyperedge_from_node(x, grad=False), grad=False)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[override]
        op = ctx.op
        return torch.sparse.mm(op.Qt, torch.sparse.mm(op.Pt, grad)), None


class _Matmul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, A, At):  # type: ignore[override]
        ctx.At = At
        return torch.sparse.mm(A, x)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[override]
        return torch.sparse.mm(ctx.At, grad), None, None


class PropagationOperator:
    r"""A factored normalised operator :math:`L = P Q` with ``P`` ``[N, M]`` and ``Q`` ``[M, N]``
    stored as CSR matrices together with their transposes, so that ``L @ x`` and its backward
    are two sparse-dense products each.

    ``op @ x`` applies ``L``; :meth:`hyperedge_from_node` applies ``Q`` (nodes to hyperedges) and
    :meth:`node_from_hyperedge` applies ``P`` (hyperedges to nodes).  Gradients flow to ``x``
    (not to the hyperedge weights: use the scatter functions for learnable weights).
    """

    def __init__(self, P: Tensor, Q: Tensor, kind: str) -> None:
        self.P, self.Q = P, Q
        self.Pt = _transpose_csr(P)
        self.Qt = _transpose_csr(Q)
        self.kind = kind

    @property
    def num_nodes(self) -> int:
        return int(self.P.size(0))

    @property
    def num_hyperedges(self) -> int:
        return int(self.P.size(1))

    def hyperedge_from_node(self, x: Tensor, grad: bool = True) -> Tensor:
        """``Q @ x``: node signal ``[N, F]`` to hyperedge signal ``[M, F]``."""
        if grad and torch.is_grad_enabled() and x.requires_grad:
            return _Matmul.apply(x, self.Q, self.Qt)
        return torch.sparse.mm(self.Q, x)

    def node_from_hyperedge(self, e: Tensor, grad: bool = True) -> Tensor:
        """``P @ e``: hyperedge signal ``[M, F]`` to node signal ``[N, F]``."""
        if grad and torch.is_grad_enabled() and e.requires_grad:
            return _Matmul.apply(e, self.P, self.Pt)
        return torch.sparse.mm(self.P, e)

    def __matmul__(self, x: Tensor) -> Tensor:
        if x.dtype != self.P.dtype:
            raise TypeError(f"operator has dtype {self.P.dtype} but x has {x.dtype}")
        if torch.is_grad_enabled() and x.requires_grad:
            return _FactoredMatmul.apply(x, self)
        return self.node_from_hyperedge(self.hyperedge_from_node(x, grad=False), grad=False)

    def to(self, device: torch.device | str) -> PropagationOperator:
        out = PropagationOperator.__new__(PropagationOperator)
        out.P, out.Q, out.Pt, out.Qt = (m.to(device) for m in (self.P, self.Q, self.Pt, self.Qt))
        out.kind = self.kind
        return out

    def to_dense(self) -> Tensor:
        """The ``[N, N]`` operator as a dense matrix (for tests on tiny inputs only)."""
        return self.P.to_dense() @ self.Q.to_dense()

    def __repr__(self) -> str:
        return (
            f"PropagationOperator(kind={self.kind!r}, num_nodes={self.num_nodes}, "
            f"num_hyperedges={self.num_hyperedges}, nnz={int(self.Q._nnz())})"
        )


def _transpose_csr(A: Tensor) -> Tensor:
    coo = A.to_sparse_coo()
    idx = coo.indices().flip(0)
    return _csr(idx[0], idx[1], coo.values(), (A.size(1), A.size(0)))


def build_operator(
    kind: str,
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    hyperedge_weight: Tensor | None = None,
    dtype: torch.dtype = torch.float32,
    node_degree: Tensor | None = None,
    hyperedge_degree: Tensor | None = None,
) -> PropagationOperator:
    r"""Build a normalised operator.

    * ``"hgnn"``: :math:`D_v^{-1/2} H W D_e^{-1} H^\top D_v^{-1/2}` (HGNN, Feng et al. 2019);
      ``P = D_v^{-1/2} H W D_e^{-1}``, ``Q = H^\top D_v^{-1/2}``.
    * ``"hgnnp"``: :math:`D_v^{-1} H W D_e^{-1} H^\top` (HGNN+ mean/mean, Gao et al. 2022; also
      the row-normalised HCHA / EHGNN operator with ``W`` applied);
      ``P = D_v^{-1} H W``, ``Q = D_e^{-1} H^\top``.

    ``node_degree`` (``[N]``, weighted) and ``hyperedge_degree`` (``[M]``, sizes) replace
    :math:`D_v` and :math:`D_e` when given, e.g. the full-graph degrees carried by a mini-batch
    of :mod:`hypergraph.loader`, so that a batch holding whole neighbourhoods normalises exactly
    as the full hypergraph does.
    """
    if kind not in OPERATORS:
        raise ValueError(f"unknown operator {kind!r}; valid: {', '.join(OPERATORS)}")
    hyperedge_weight = None if hyperedge_weight is None else hyperedge_weight.detach()
    v, e = hyperedge_index[0], hyperedge_index[1]
    w = _weight(hyperedge_weight, num_hyperedges, hyperedge_index, dtype)
    dv, de = _degrees(hyperedge_index, num_nodes, num_hyperedges, w, dtype, node_degree, hyperedge_degree)
    if kind == "hgnn":
        dv_is = inv_pow(dv, 0.5)
        p_val = dv_is[v] * w[e] * inv_pow(de)[e]
        q_val = dv_is[v]
    else:
        p_val = inv_pow(dv)[v] * w[e]
        q_val = inv_pow(de)[e]
    P = _csr(v, e, p_val, (num_nodes, num_hyperedges))
    Q = _csr(e, v, q_val, (num_hyperedges, num_nodes))
    return PropagationOperator(P, Q, kind)


def propagate(
    kind: str,
    x: Tensor,
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    hyperedge_weight: Tensor | None = None,
    node_degree: Tensor | None = None,
    hyperedge_degree: Tensor | None = None,
) -> Tensor:
    r"""Apply the operator ``kind`` to ``x`` by gather/scatter, without building a matrix.

    Fully differentiable, including with respect to ``hyperedge_weight`` (except through given
    degrees, which are constants).  Equal to ``build_operator(kind, ...) @ x``; ``node_degree``
    and ``hyperedge_degree`` replace the degrees as in :func:`build_operator`.
    """
    if kind not in OPERATORS:
        raise ValueError(f"unknown operator {kind!r}; valid: {', '.join(OPERATORS)}")
    v, e = hyperedge_index[0], hyperedge_index[1]
    w = _weight(hyperedge_weight, num_hyperedges, hyperedge_index, x.dtype)
    dv, de = _degrees(hyperedge_index, num_nodes, num_hyperedges, w, x.dtype, node_degree, hyperedge_degree)
    if kind == "hgnn":
        dv_is = inv_pow(dv, 0.5)
        msg = x[v] * dv_is[v].unsqueeze(-1)
        he = scatter(msg, e, 0, dim_size=num_hyperedges, reduce="sum")
        he = he * (w * inv_pow(de)).unsqueeze(-1)
        out = scatter(he[e] * dv_is[v].unsqueeze(-1), v, 0, dim_size=num_nodes, reduce="sum")
    else:
        he = scatter(x[v], e, 0, dim_size=num_hyperedges, reduce="sum")
        he = he * (w * inv_pow(de)).unsqueeze(-1)
        out = scatter(he[e], v, 0, dim_size=num_nodes, reduce="sum") * inv_pow(dv).unsqueeze(-1)
    return out
