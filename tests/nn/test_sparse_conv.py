"""The CSR pairs of ``hypergraph.nn.conv._sparse`` and the layers that propagate with them: dense
equality, gradients, and the ``cached=True`` incidence (equal to a fresh one, rebuilt when the
structure changes in place)."""

import pytest
import torch

from hypergraph.nn.conv import (
    HNHNConv,
    HyperGCNConv,
    UniGATConv,
    UniGCNConv,
    UniGCNIIConv,
    UniGINConv,
    UniSAGEConv,
)
from hypergraph.nn.conv._sparse import IncidenceCache, SparsePair, incidence

# node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates; incidence (1, 1) twice
HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2, 1], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4, 1]])
N, M = 6, 5
W = torch.tensor([1.0, 2.0, 0.5, 3.0, 1.5])


def dense_incidence(hi, n, m):
    H = torch.zeros(n, m, dtype=torch.float64)
    H.index_put_((hi[0], hi[1]), torch.ones(hi.size(1), dtype=torch.float64), accumulate=True)
    return H


def test_incidence_products_equal_dense_and_count_repeats():
    inc = incidence(HI, N, M, torch.float64)
    H = dense_incidence(HI, N, M)
    assert H[1, 1] == 2.0
    y, x = torch.randn(M, 3, 2, dtype=torch.float64), torch.randn(N, 4, dtype=torch.float64)
    assert torch.allclose(inc @ y, torch.einsum("nm,mab->nab", H, y))  # trailing dims kept
    assert torch.allclose(inc.T @ x, H.T @ x)


def test_sparse_pair_gradient_uses_the_transpose():
    rows, cols = torch.tensor([0, 2, 2, 1]), torch.tensor([1, 0, 3, 3])
    vals = torch.tensor([0.5, -1.0, 2.0, 3.0], dtype=torch.float64)
    pair = SparsePair.from_entries(rows, cols, vals, (3, 4))
    A = torch.zeros(3, 4, dtype=torch.float64)
    A[rows, cols] = vals
    x = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a: pair @ a, (x,))
    g = torch.randn(3, 2, dtype=torch.float64)
    (pair @ x).backward(g)
    assert torch.allclose(x.grad, A.T @ g)


def test_sparse_pair_checks_and_empty():
    empty = SparsePair.from_entries(
        torch.empty(0, dtype=torch.long), torch.empty(0, dtype=torch.long), torch.empty(0), (3, 2)
    )
    assert torch.equal(empty @ torch.ones(2, 4), torch.zeros(3, 4))
    with pytest.raises(ValueError, match="out of range"):
        SparsePair.from_entries(torch.tensor([3]), torch.tensor([0]), torch.ones(1), (3, 2))
    with pytest.raises(ValueError, match="non-negative"):
        SparsePair.from_entries(torch.tensor([0]), torch.tensor([-1]), torch.ones(1), (3, 2))
    with pytest.raises(TypeError, match="dtype"):
        incidence(HI, N, M, torch.float32) @ torch.ones(M, 2, dtype=torch.float64)


def test_incidence_cache_reuses_and_rebuilds():
    hi = HI.clone()
    fresh = IncidenceCache(cached=False)
    assert fresh(hi, N, M, torch.float32) is not fresh(hi, N, M, torch.float32)
    cache = IncidenceCache(cached=True, max_cached=2)
    first = cache(hi, N, M, torch.float32)
    assert cache(hi, N, M, torch.float32) is first
    assert cache(hi, N, M, torch.float64) is not first  # dtype is part of the key
    hi[0, 0] = 5  # in place: version bump
    rebuilt = cache(hi, N, M, torch.float32)
    assert rebuilt is not first
    x = torch.randn(N, 2)
    assert torch.allclose(rebuilt.T @ x, dense_incidence(hi, N, M).float().T @ x)
    for _ in range(3):
        cache(HI.clone(), N, M, torch.float32)
    assert len(cache._mats) == 2
    cache.reset_cache()
    assert len(cache._mats) == 0


LAYERS = [
    lambda cached: UniGCNConv(3, 4, cached=cached),
    lambda cached: UniGATConv(3, 2, heads=2, cached=cached),
    lambda cached: UniGINConv(3, 4, cached=cached),
    lambda cached: UniSAGEConv(3, 4, aggr="mean", cached=cached),
    lambda cached: UniGCNIIConv(3, cached=cached),
    lambda cached: HNHNConv(3, 4, cached=cached),
]


def _call(conv, x, hi, w):
    if isinstance(conv, UniGCNIIConv):
        return conv(x, x.detach(), hi, w, M)
    return conv(x, hi, w, M)


@pytest.mark.parametrize("make", LAYERS)
def test_cached_layer_equals_uncached_and_follows_in_place_changes(make):
    torch.manual_seed(0)
    plain = make(False).double()
    torch.manual_seed(0)
    cached = make(True).double()
    hi, w = HI.clone(), W.double().requires_grad_(True)
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    for _ in range(2):  # the second call uses the kept incidence
        a, b = _call(plain, x, hi, w), _call(cached, x, hi, w)
        assert torch.allclose(a, b)
    ga = torch.autograd.grad(a.sum(), (x, w))
    gb = torch.autograd.grad(b.sum(), (x, w))
    assert all(torch.allclose(p, q) for p, q in zip(ga, gb))
    assert ga[1].abs().sum() > 0  # differentiable in the hyperedge weights
    hi[0, 1] = 4  # in place: the cached layer must rebuild
    assert torch.allclose(_call(plain, x, hi, w), _call(cached, x, hi, w))


def test_hypergcn_passed_graph_kept_rebuilt_and_learnable():
    conv = HyperGCNConv(3, 4, bias=False).double()
    x = torch.randn(N, 3, dtype=torch.float64)
    edge_index = torch.tensor([[0, 1, 1, 2, 3], [1, 0, 2, 1, 3]])
    value = torch.tensor([0.5, 0.5, 0.25, 0.25, 1.0], dtype=torch.float64)
    A = torch.zeros(N, N, dtype=torch.float64)
    A[edge_index[0], edge_index[1]] = value
    h = x @ conv.lin.weight.T
    out = conv(x, HI, graph=(edge_index, value))
    assert torch.allclose(out, A @ h)
    assert len(conv._mats) == 1
    conv(x, HI, graph=(edge_index, value))
    assert len(conv._mats) == 1  # same tensors: the CSR matrix is reused
    value[2] = 2.0  # in place: rebuilt
    A[1, 2] = 2.0
    assert torch.allclose(conv(x, HI, graph=(edge_index, value)), A @ h)
    learn = value.clone().requires_grad_(True)  # learnable values: gather/scatter, with gradients
    out = conv(x, HI, graph=(edge_index, learn))
    assert torch.allclose(out, A @ h)
    out.sum().backward()
    assert learn.grad is not None and learn.grad.abs().sum() > 0


def test_inference_tensors_are_not_kept():
    """Inference tensors carry no version counter: their CSR matrices are built, not kept."""
    conv, cache = HyperGCNConv(3, 4, fast=True), IncidenceCache(cached=True)
    x = torch.randn(N, 3)
    with torch.inference_mode():  # the FastHyperGCN graph is made of inference tensors
        out = conv(x, HI, None, M)
        assert torch.allclose(conv(x, HI, None, M), out)
        hi = HI.clone()
        assert cache(hi, N, M, torch.float32) is not cache(hi, N, M, torch.float32)
    assert len(conv._mats) == 0 and len(cache._mats) == 0
