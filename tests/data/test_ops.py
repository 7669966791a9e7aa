import pytest
import torch

from hypergraph.data import (
    build_operator,
    hyperedge_degree,
    incidence_matrix,
    incidence_scipy,
    node_degree,
    propagate,
)

# 6 nodes (node 5 isolated), 7 hyperedges (> N nodes is not needed here; see M > N case below),
# with a singleton and a duplicate hyperedge.
HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5
W = torch.tensor([1.0, 2.0, 0.5, 3.0, 1.5])


def dense_H(hi, n, m):
    H = torch.zeros(n, m, dtype=torch.float64)
    H[hi[0], hi[1]] = 1.0
    return H


def inv(t, p=1.0):
    out = t.pow(-p)
    out[t == 0] = 0
    return out


def closed_form(kind, hi, n, m, w):
    H = dense_H(hi, n, m)
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    Dv = H @ w
    De = H.sum(0)
    if kind == "hgnn":
        return (
            torch.diag(inv(Dv, 0.5))
            @ H
            @ torch.diag(w)
            @ torch.diag(inv(De))
            @ H.T
            @ torch.diag(inv(Dv, 0.5))
        )
    return torch.diag(inv(Dv)) @ H @ torch.diag(w) @ torch.diag(inv(De)) @ H.T


CASES = [
    (HI, N, M, None),
    (HI, N, M, W),
    # more hyperedges than nodes, an empty hyperedge (id 6) and node 2 isolated
    (torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]]), 4, 7, None),
    (torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]]), 4, 7, torch.arange(1.0, 8.0)),
]


def test_degrees():
    assert torch.equal(hyperedge_degree(HI, M), torch.tensor([3.0, 3, 2, 1, 3]))
    assert torch.allclose(
        node_degree(HI, N, W), torch.tensor([1 + 0.5 + 1.5, 1 + 2 + 1.5, 1 + 0.5 + 1.5, 2 + 3, 2, 0])
    )


@pytest.mark.parametrize("kind", ["hgnn", "hgnnp"])
@pytest.mark.parametrize("hi, n, m, w", CASES)
def test_operator_matches_closed_form(kind, hi, n, m, w):
    ref = closed_form(kind, hi, n, m, w)
    op = build_operator(kind, hi, n, m, w, dtype=torch.float64)
    assert torch.allclose(op.to_dense(), ref, atol=1e-12)
    x = torch.randn(n, 3, dtype=torch.float64)
    assert torch.allclose(op @ x, ref @ x, atol=1e-12)
    assert torch.allclose(propagate(kind, x, hi, n, m, w), ref @ x, atol=1e-12)


@pytest.mark.parametrize("kind", ["hgnn", "hgnnp"])
def test_gradients(kind):
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    w = W.double().clone().requires_grad_(True)
    op = build_operator(kind, HI, N, M, W, dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda t: op @ t, (x,))
    assert torch.autograd.gradcheck(lambda t, ww: propagate(kind, t, HI, N, M, ww), (x, w))


def test_incidence_formats_agree():
    H = incidence_matrix(HI, N, M).to_dense()
    assert torch.equal(H, dense_H(HI, N, M).float())
    assert (incidence_scipy(HI, N, M).toarray() == H.numpy()).all()
    assert torch.equal(incidence_matrix(HI, N, M, layout=torch.sparse_coo).to_dense(), H)


def test_unknown_operator():
    with pytest.raises(ValueError, match="unknown operator 'foo'"):
        build_operator("foo", HI, N, M)


def test_inv_pow_is_zero_at_zero_with_a_zero_gradient():
    """Regression: ``t.pow(-p).masked_fill(t == 0, 0)`` back-propagated 0 * inf = NaN at a zero
    degree, which turned every parameter upstream of it NaN."""
    from hypergraph.data.ops import inv_pow

    t = torch.tensor([0.0, 4.0, 0.25, 0.0], dtype=torch.float64, requires_grad=True)
    for p in (1.0, 0.5, -1.5):
        out = inv_pow(t, p)
        assert torch.equal(out.detach(), torch.tensor([0.0, 4.0**-p, 0.25**-p, 0.0], dtype=torch.float64))
        (grad,) = torch.autograd.grad(out.sum(), t)
        expect = torch.tensor([0.0, -p * 4.0 ** (-p - 1), -p * 0.25 ** (-p - 1), 0.0], dtype=torch.float64)
        assert torch.allclose(grad, expect)


def test_a_zero_weight_hyperedge_gives_finite_gradients():
    """Node 4 lies only in hyperedge 1; at weight 0 its degree is 0 and its row is 0, and the
    gradients of x and w are finite (they were NaN for every weight)."""
    w = W.clone()
    w[1] = 0.0
    w.requires_grad_(True)
    x = torch.randn(N, 3, requires_grad=True)
    for kind in ("hgnn", "hgnnp"):
        out = propagate(kind, x, HI, N, M, w)
        assert torch.equal(out[4], torch.zeros(3)), kind
        gx, gw = torch.autograd.grad(out.square().sum(), (x, w))
        assert torch.isfinite(gx).all() and torch.isfinite(gw).all(), kind
        assert gw.abs().sum() > 0, kind


@pytest.mark.parametrize("fn", ["build", "propagate"])
def test_out_of_range_ids_are_named(fn):
    x = torch.randn(N, 2)
    call = {
        "build": lambda hi, m: build_operator("hgnn", hi, N, m),
        "propagate": lambda hi, m: propagate("hgnnp", x, hi, N, m),
    }[fn]
    with pytest.raises(ValueError, match="node id 6 but num_nodes is 6"):
        call(torch.tensor([[0, 6], [0, 1]]), M)
    with pytest.raises(ValueError, match="hyperedge id 5 but num_hyperedges is 5"):
        call(torch.tensor([[0, 1], [0, 5]]), M)
    with pytest.raises(ValueError, match="negative id"):
        call(torch.tensor([[0, -1], [0, 1]]), M)
