import pytest
import torch
import torch.nn.functional as F

from hypergraph.nn.conv.hnhn_conv import HNHNConv
from hypergraph.nn.models.hnhn import HNHN

HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5  # node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates
HI_WIDE = torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]])  # N=4 < M=7, node 2 isolated, e6 empty


def pow0(t, p):
    out = t.pow(p)
    out[t == 0] = 0
    return out


def closed_form(x, hi, n, m, w, conv, act=None):
    H = torch.zeros(n, m, dtype=torch.float64)
    H[hi[0], hi[1]] = 1.0
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    dv, size = H @ w, H.sum(0)
    A = torch.diag(pow0(dv, conv.alpha))  # node weights d_v^alpha
    Z = torch.diag(pow0(H.T @ A.diagonal(), -1.0)) @ H.T @ A @ (x.double() @ conv.lin_v2e.weight.double().T)
    Z = Z + conv.lin_v2e.bias.double()
    if act is not None:
        Z = act(Z)
    B = torch.diag(w * pow0(size, conv.beta))  # hyperedge weights w_e |e|^beta
    out = torch.diag(pow0(H @ B.diagonal(), -1.0)) @ H @ B @ (Z @ conv.lin_e2v.weight.double().T)
    return out + conv.lin_e2v.bias.double(), Z


def randomise_biases(conv):
    with torch.no_grad():
        conv.lin_v2e.bias.normal_()
        conv.lin_e2v.bias.normal_()


@pytest.mark.parametrize("hi, n, m", [(HI, N, M), (HI_WIDE, 4, 7)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("act", [None, F.relu])
@pytest.mark.parametrize("alpha, beta", [(-0.5, -1.5), (0.0, 0.0), (1.0, -0.5)])
def test_layer_equals_closed_form(hi, n, m, weighted, act, alpha, beta):
    torch.manual_seed(0)
    conv = HNHNConv(3, 4, hidden_channels=5, alpha=alpha, beta=beta)
    randomise_biases(conv)
    w = torch.rand(m) + 0.5 if weighted else None
    x = torch.randn(n, 3)
    ref, Z = closed_form(x, hi, n, m, w, conv, act)
    out = conv(x, hi, w, m, activation=act)
    assert out.shape == (n, 4) and torch.isfinite(out).all()
    assert torch.allclose(out.double(), ref, atol=1e-5)
    z = conv.node_to_edge(x, hi, w, m)
    assert z.shape == (m, 5)
    assert torch.allclose((z if act is None else act(z)).double(), Z, atol=1e-5)
    iso = (torch.bincount(hi[0], minlength=n) == 0).nonzero().view(-1)
    assert len(iso) == 1 and torch.allclose(out[iso], conv.lin_e2v.bias.expand(len(iso), -1))
    empty = (torch.bincount(hi[1], minlength=m) == 0).nonzero().view(-1)
    assert torch.allclose(z[empty], conv.lin_v2e.bias.expand(len(empty), -1))  # empty hyperedge: b_v


def test_alpha_zero_beta_zero_is_mean_of_means():
    conv = HNHNConv(1, 1, alpha=0.0, beta=0.0, bias=False)
    with torch.no_grad():
        conv.lin_v2e.weight.fill_(1.0)
        conv.lin_e2v.weight.fill_(1.0)
    hi = torch.tensor([[0, 1, 0, 2], [0, 0, 1, 1]])
    x = torch.tensor([[1.0], [3.0], [5.0]])
    out = conv(x, hi)
    assert torch.isclose(out[0, 0], torch.tensor((2.0 + 3.0) / 2))  # mean of the hyperedge means


def test_defaults_reproduce_allset_normalisation():
    """AllSet's generate_norm_HNHN with --HNHN_alpha -1.5 --HNHN_beta -0.5 (its names): node→edge
    weights DV**beta, edge→node weights DE**alpha.  Our alpha=-0.5 (nodes), beta=-1.5 (hyperedges)."""
    torch.manual_seed(0)
    conv = HNHNConv(3, 2, hidden_channels=4)
    assert (conv.alpha, conv.beta) == (-0.5, -1.5)
    x = torch.randn(5, 3)
    hi = HI[:, HI[0] < 5]
    H = torch.zeros(5, M)
    H[hi[0], hi[1]] = 1.0
    DV, DE = H.sum(1), H.sum(0)
    allset_alpha, allset_beta = -1.5, -0.5
    D_v_beta, D_e_beta = DV**allset_beta, H.T @ DV**allset_beta
    D_e_alpha, D_v_alpha = DE**allset_alpha, H @ DE**allset_alpha
    z = (H.T @ (D_v_beta[:, None] * conv.lin_v2e(x))) / D_e_beta[:, None]  # AllSet: bias inside
    z = F.relu(z)
    ref = (H @ (D_e_alpha[:, None] * conv.lin_e2v(z))) / D_v_alpha[:, None]
    assert torch.allclose(conv(x, hi, activation=F.relu), ref, atol=1e-5)


def test_gradcheck():
    torch.manual_seed(0)
    conv = HNHNConv(3, 2, hidden_channels=4).double()
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    w = (torch.rand(M, dtype=torch.float64) + 0.5).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda t, ww: conv(t, HI, ww, M, activation=torch.tanh), (x, w))
    conv(x, HI, w, M, activation=F.relu).sum().backward()
    assert conv.lin_v2e.weight.grad is not None and conv.lin_e2v.bias.grad is not None and w.grad is not None


def test_reset_parameters_repr_and_errors():
    conv = HNHNConv(16, 32)
    before = conv.lin_v2e.weight.clone()
    randomise_biases(conv)
    conv.reset_parameters()
    assert not torch.equal(before, conv.lin_v2e.weight)
    assert torch.all(conv.lin_v2e.bias == 0) and torch.all(conv.lin_e2v.bias == 0)
    assert conv.hidden_channels == 32 and str(conv) == "HNHNConv(16, 32)"
    assert str(HNHNConv(2, 3, hidden_channels=8)) == "HNHNConv(2, 3, hidden_channels=8)"
    assert HNHNConv(2, 3, bias=False).lin_e2v.bias is None
    with pytest.raises(ValueError, match="hyperedge_weight"):
        conv(torch.randn(N, 16), HI, torch.ones(3), M)
    with pytest.raises(ValueError, match="hyperedge_index"):
        conv(torch.randn(N, 16), HI[0])


@pytest.mark.parametrize("num_layers", [1, 3])
def test_model_forward_backward_and_hidden(num_layers):
    torch.manual_seed(0)
    model = HNHN(3, 8, 4, num_layers=num_layers, batch_norm=True)
    x = torch.randn(N, 3)
    out, hidden = model(x, HI, return_hidden=True)
    assert out.shape == (N, 4) and hidden.shape == (N, 8 if num_layers > 1 else 3)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.eval()
    assert torch.equal(model(x, HI), model(x, HI))
    assert f"num_layers={num_layers}" in repr(model)
    lin = HNHN(3, 8, 4, num_layers=1, nonlinear_inbetween=False).eval()
    ref = HNHNConv(3, 4, hidden_channels=8)
    ref.load_state_dict(lin.convs[0].state_dict())
    assert torch.allclose(lin(x, HI), ref(x, HI), atol=1e-6)
    with pytest.raises(ValueError, match="num_layers"):
        HNHN(3, 8, 4, num_layers=0)
