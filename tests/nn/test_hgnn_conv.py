import pytest
import torch
from torch_geometric.nn import HypergraphConv

from hypergraph.nn.conv import HGNNConv, HGNNPConv

HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5  # node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates
W = torch.tensor([1.0, 2.0, 0.5, 3.0, 1.5])
HI_WIDE = torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]])  # N=4 < M=7, node 2 isolated


def inv(t, p=1.0):
    out = t.pow(-p)
    out[t == 0] = 0
    return out


def reference(kind, x, hi, n, m, w, conv):
    H = torch.zeros(n, m, dtype=torch.float64)
    H[hi[0], hi[1]] = 1.0
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    Dv, De = H @ w, H.sum(0)
    XT = x.double() @ conv.lin.weight.double().T
    if kind == "hgnn":
        L = torch.diag(inv(Dv, 0.5)) @ H @ torch.diag(w * inv(De)) @ H.T @ torch.diag(inv(Dv, 0.5))
    else:
        L = torch.diag(inv(Dv)) @ H @ torch.diag(w * inv(De)) @ H.T
    return L @ XT + conv.bias.double()


@pytest.mark.parametrize("cls, kind", [(HGNNConv, "hgnn"), (HGNNPConv, "hgnnp")])
@pytest.mark.parametrize("hi, n, m", [(HI, N, M), (HI_WIDE, 4, 7)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("cached", [False, True])
def test_layer_equals_closed_form(cls, kind, hi, n, m, weighted, cached):
    torch.manual_seed(0)
    conv = cls(3, 4, cached=cached)
    torch.nn.init.normal_(conv.bias)
    w = torch.rand(m) + 0.5 if weighted else None
    x = torch.randn(n, 3)
    ref = reference(kind, x, hi, n, m, w, conv)
    for _ in range(2):  # second call uses the cache when cached=True
        out = conv(x, hi, w, num_hyperedges=m)
        assert out.shape == (n, 4)
        assert torch.allclose(out.double(), ref, atol=1e-5)
    iso = (torch.bincount(hi[0], minlength=n) == 0).nonzero().view(-1)
    assert torch.allclose(out[iso], conv.bias.expand(len(iso), -1))  # isolated nodes get the bias


@pytest.mark.parametrize("cls", [HGNNConv, HGNNPConv])
def test_gradients_cached_and_weight_learnable(cls):
    torch.manual_seed(0)
    conv = cls(3, 2, cached=True).double()
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: conv(t, HI, W.double(), M), (x,))
    w = W.double().clone().requires_grad_(True)  # learnable weights: differentiable path
    assert torch.autograd.gradcheck(lambda t, ww: conv(t, HI, ww, M), (x, w))
    out = conv(x, HI, w, M).sum()
    out.backward()
    assert conv.lin.weight.grad is not None and w.grad is not None and x.grad is not None


def test_cache_invalidated_when_structure_changes():
    conv = HGNNConv(3, 2, cached=True)
    x = torch.randn(N, 3)
    a = conv(x, HI)
    w = torch.ones(M)
    b = conv(x, HI, w)
    assert torch.allclose(a, b, atol=1e-6)
    w.mul_(3.0)  # in-place change must rebuild the operator
    c = conv(x, HI, w)
    d = HGNNConv(3, 2)
    d.load_state_dict(conv.state_dict())
    assert torch.allclose(c, d(x, HI, w), atol=1e-6)


def test_reset_parameters_reinitialises_and_repr():
    conv = HGNNPConv(16, 32)
    before = conv.lin.weight.clone()
    with torch.no_grad():
        conv.bias.fill_(3.0)
    conv.reset_parameters()
    assert not torch.equal(before, conv.lin.weight) and torch.all(conv.bias == 0)
    assert str(conv) == "HGNNPConv(16, 32)" and str(HGNNConv(2, 3)) == "HGNNConv(2, 3)"
    assert HGNNConv(2, 3, bias=False).bias is None


def test_pyg_hypergraphconv_ignores_weights_between_propagations():
    """PyG's HypergraphConv computes D^-1 H B^-1 H^T (W only in D): equal to ours with unit
    weights, different (and not the HCHA/HGNN+ formula) with weights."""
    torch.manual_seed(0)
    ours = HGNNPConv(3, 2)
    pyg = HypergraphConv(3, 2)
    with torch.no_grad():
        pyg.lin.weight.copy_(ours.lin.weight)
        pyg.bias.copy_(ours.bias)
    x = torch.randn(5, 3)
    hi = HI[:, HI[0] < 5]
    assert torch.allclose(ours(x, hi, num_hyperedges=M), pyg(x, hi, num_edges=M), atol=1e-5)
    w = torch.tensor([1.0, 4.0, 0.5, 3.0, 2.0])
    ref = reference("hgnnp", x, hi, 5, M, w, ours).float()
    assert torch.allclose(ours(x, hi, w, M), ref, atol=1e-5)
    assert not torch.allclose(pyg(x, hi, w, num_edges=M), ref, atol=1e-3)


def test_hgnnp_divides_by_weighted_degree_not_multiplies():
    """DHG's weighted mean multiplies by the weight sum; ours divides (a mean)."""
    conv = HGNNPConv(1, 1, bias=False)
    with torch.no_grad():
        conv.lin.weight.fill_(1.0)
    hi = torch.tensor([[0, 1, 0, 2], [0, 0, 1, 1]])  # e0={0,1} w=2, e1={0,2} w=3
    x = torch.tensor([[1.0], [3.0], [5.0]])
    out = conv(x, hi, torch.tensor([2.0, 3.0]))
    # node 0: (2 * mean(1,3) + 3 * mean(1,5)) / (2 + 3) = (4 + 9) / 5
    assert torch.isclose(out[0, 0], torch.tensor(13.0 / 5.0))
