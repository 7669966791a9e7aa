"""The UniGNN family (UniGCN, UniGAT, UniGIN, UniSAGE, UniGCNII) against dense closed forms."""

import math

import pytest
import torch
import torch.nn.functional as F

from hypergraph.nn.conv.unigat_conv import UniGATConv
from hypergraph.nn.conv.unigcn_conv import UniGCNConv, unigcn_propagate
from hypergraph.nn.conv.unigcnii_conv import UniGCNIIConv
from hypergraph.nn.conv.unigin_conv import UniGINConv
from hypergraph.nn.conv.unisage_conv import UniSAGEConv
from hypergraph.nn.models.unignn import UniGAT, UniGCN, UniGCNII, UniGIN, UniSAGE

# node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates
HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5
W = torch.tensor([1.0, 2.0, 0.5, 3.0, 1.5])
# N=4 < M=7: node 2 isolated, singletons 1..5, hyperedge 6 empty
HI_WIDE = torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]])
GRAPHS = [(HI, N, M), (HI_WIDE, 4, 7)]


def inv(t, p=1.0):
    out = t.pow(-p)
    out[t == 0] = 0
    return out


def dense(hi, n, m, w):
    H = torch.zeros(n, m, dtype=torch.float64)
    H[hi[0], hi[1]] = 1.0
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    return H, w


def mean_op(H):
    """A = D_e^{-1} H^T: node signal to hyperedge member means."""
    return torch.diag(inv(H.sum(0))) @ H.T


def unigcn_dense(H, w):
    dv = H @ w
    dbar = inv(H.sum(0)) * (H.T @ dv)
    return torch.diag(inv(dv, 0.5)) @ H @ torch.diag(w * inv(dbar, 0.5)) @ mean_op(H)


def lin(x, layer):
    return x.double() @ layer.weight.double().T


def randomise_bias(conv):
    with torch.no_grad():
        torch.nn.init.normal_(conv.bias)


# --------------------------------------------------------------------------- UniGCN


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("weighted", [False, True])
def test_unigcn_equals_closed_form(hi, n, m, weighted):
    torch.manual_seed(0)
    conv = UniGCNConv(3, 4)
    randomise_bias(conv)
    w = torch.rand(m) + 0.5 if weighted else None
    x = torch.randn(n, 3)
    H, wd = dense(hi, n, m, w)
    ref = unigcn_dense(H, wd) @ lin(x, conv.lin) + conv.bias.double()
    out = conv(x, hi, w, num_hyperedges=m)
    assert out.shape == (n, 4)
    assert torch.allclose(out.double(), ref, atol=1e-5)
    iso = (torch.bincount(hi[0], minlength=n) == 0).nonzero().view(-1)
    assert torch.allclose(out[iso], conv.bias.expand(len(iso), -1))


def test_unigcn_unit_weights_are_the_paper_formula():
    """Per node, by hand: x'_v = d_v^{-1/2} sum_e dbar_e^{-1/2} mean_{u in e} x_u (W = I)."""
    conv = UniGCNConv(1, 1, bias=False)
    with torch.no_grad():
        conv.lin.weight.fill_(1.0)
    hi = torch.tensor([[0, 1, 0, 2, 3], [0, 0, 1, 1, 1]])  # e0={0,1}, e1={0,2,3}
    x = torch.tensor([[1.0], [2.0], [4.0], [8.0]])
    d = torch.tensor([2.0, 1.0, 1.0, 1.0])
    dbar = torch.tensor([(2 + 1) / 2, (2 + 1 + 1) / 3])
    h = torch.tensor([1.5, 13.0 / 3])
    x0 = (h[0] / dbar[0].sqrt() + h[1] / dbar[1].sqrt()) / d[0].sqrt()
    out = conv(x, hi)
    assert torch.isclose(out[0, 0], x0)
    assert torch.isclose(out[3, 0], h[1] / dbar[1].sqrt())
    # a unit weight vector is the same as none; weight 2 on e1 doubles its message and d_0 = 3
    assert torch.allclose(conv(x, hi, torch.ones(2)), out)
    d0 = 3.0
    dbar2 = torch.tensor([(d0 + 1) / 2, (d0 + 2 + 2) / 3])
    x0w = (h[0] / dbar2[0].sqrt() + 2 * h[1] / dbar2[1].sqrt()) / math.sqrt(d0)
    assert torch.isclose(conv(x, hi, torch.tensor([1.0, 2.0]))[0, 0], x0w)


# --------------------------------------------------------------------------- UniGIN


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("weighted", [False, True])
def test_unigin_equals_closed_form(hi, n, m, weighted):
    torch.manual_seed(0)
    conv = UniGINConv(3, 4, eps=0.3)
    randomise_bias(conv)
    w = torch.rand(m) + 0.5 if weighted else None
    x = torch.randn(n, 3)
    H, wd = dense(hi, n, m, w)
    L = 1.3 * torch.eye(n, dtype=torch.float64) + H @ torch.diag(wd) @ mean_op(H)
    ref = L @ lin(x, conv.lin) + conv.bias.double()
    assert torch.allclose(conv(x, hi, w, m).double(), ref, atol=1e-5)


def test_unigin_eps_trainable_or_fixed():
    a = UniGINConv(3, 2, eps=0.5, train_eps=True)
    b = UniGINConv(3, 2, eps=0.5, train_eps=False)
    assert isinstance(a.eps, torch.nn.Parameter) and "eps" in dict(a.named_parameters())
    assert "eps" not in dict(b.named_parameters()) and "eps" in dict(b.named_buffers())
    x = torch.randn(N, 3)
    a(x, HI).sum().backward()
    assert a.eps.grad is not None and a.eps.grad.abs().item() > 0
    with torch.no_grad():
        a.eps.fill_(7.0)
    a.reset_parameters()
    assert a.eps.item() == 0.5


def dhg_unigin(x, hi, m, eps, W_):
    """DHG's UniGINConv.forward as found in dhg/nn/convs/hypergraphs/unignn_conv.py:
    X = theta(X); Y = hg.v2e(X, aggr="mean"); X = (1 + eps) * hg.e2v(Y, aggr="sum") + X."""
    X = x @ W_.T
    H, _ = dense(hi, x.size(0), m, None)
    Y = mean_op(H) @ X
    return (1 + eps) * (H @ Y) + X


def test_unigin_eps_on_the_node_not_on_the_hyperedge_sum():
    """DHG issue #46: DHG multiplies the hyperedge sum by (1 + eps); the paper multiplies x_v."""
    conv = UniGINConv(1, 1, eps=1.0, train_eps=False, bias=False).double()
    with torch.no_grad():
        conv.lin.weight.fill_(1.0)
    hi = torch.tensor([[0, 1], [0, 0]])  # e0 = {0, 1}
    x = torch.tensor([[1.0], [3.0]], dtype=torch.float64)
    out = conv(x, hi)
    # paper: (1 + eps) x_0 + h_e0 = 2 * 1 + 2 = 4;  DHG: (1 + eps) h_e0 + x_0 = 2 * 2 + 1 = 5
    assert torch.allclose(out, torch.tensor([[4.0], [8.0]], dtype=torch.float64))
    dhg = dhg_unigin(x, hi, 1, 1.0, conv.lin.weight)
    assert torch.allclose(dhg, torch.tensor([[5.0], [7.0]], dtype=torch.float64))
    # on the general fixture: ours = paper's closed form != DHG's, and they agree at eps = 0
    torch.manual_seed(0)
    conv = UniGINConv(3, 2, eps=0.7, train_eps=False, bias=False).double()
    x = torch.randn(N, 3, dtype=torch.float64)
    H, _ = dense(HI, N, M, None)
    paper = (1.7 * torch.eye(N, dtype=torch.float64) + H @ mean_op(H)) @ lin(x, conv.lin)
    ours = conv(x, HI, num_hyperedges=M)
    assert torch.allclose(ours, paper, atol=1e-10)
    assert not torch.allclose(ours, dhg_unigin(x, HI, M, 0.7, conv.lin.weight), atol=1e-2)
    conv0 = UniGINConv(3, 2, eps=0.0, train_eps=False, bias=False).double()
    conv0.lin.load_state_dict(conv.lin.state_dict())
    assert torch.allclose(conv0(x, HI, None, M), dhg_unigin(x, HI, M, 0.0, conv.lin.weight))


# --------------------------------------------------------------------------- UniSAGE


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("aggr", ["sum", "mean"])
@pytest.mark.parametrize("concat", [True, False])
def test_unisage_equals_closed_form(hi, n, m, weighted, aggr, concat):
    torch.manual_seed(0)
    conv = UniSAGEConv(3, 4, aggr=aggr, concat=concat)
    randomise_bias(conv)
    w = torch.rand(m) + 0.5 if weighted else None
    x = torch.randn(n, 3)
    H, wd = dense(hi, n, m, w)
    agg = H @ torch.diag(wd) @ mean_op(H) @ x.double()
    if aggr == "mean":
        agg = torch.diag(inv(H @ wd)) @ agg
    if concat:  # W (x || AGG) with W = [W_1 | W_2]
        Wcat = torch.cat([conv.lin_self.weight, conv.lin_neigh.weight], dim=1).double()
        ref = torch.cat([x.double(), agg], dim=1) @ Wcat.T
    else:
        ref = (x.double() + agg) @ conv.lin_self.weight.double().T
    ref = ref + conv.bias.double()
    assert torch.allclose(conv(x, hi, w, m).double(), ref, atol=1e-5)


def test_unisage_rejects_unknown_aggregation():
    with pytest.raises(ValueError, match="aggr"):
        UniSAGEConv(3, 2, aggr="max")


# --------------------------------------------------------------------------- UniGAT


def unigat_loop(conv, x, hi, n, m, w, a_v=None):
    """Per-node Python-loop reference of UniGAT (paper formula, eval mode). ``a_v=0`` gives the
    hyperedge-only scores of DHG / the reference code."""
    K, C = conv.heads, conv.out_channels
    xw = lin(x, conv.lin).view(n, K, C)
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    att_v = conv.att_v.double()[0] if a_v is None else a_v
    att_e = conv.att_e.double()[0]
    members = [hi[0][hi[1] == j].tolist() for j in range(m)]
    out = torch.zeros(n, K, C, dtype=torch.float64)
    for v in range(n):
        edges = hi[1][hi[0] == v].tolist()
        if not edges:
            continue
        for k in range(K):
            h = [xw[members[j], k].mean(0) for j in edges]
            logits = torch.stack(
                [F.leaky_relu(att_v[k] @ xw[v, k] + att_e[k] @ hj, conv.negative_slope) for hj in h]
            )
            alpha = torch.softmax(logits, 0)
            out[v, k] = sum(alpha[i] * w[j] * h[i] for i, j in enumerate(edges))
    out = out.reshape(n, K * C) if conv.concat else out.mean(1)
    return out + conv.bias.double()


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("heads, concat", [(1, True), (3, True), (3, False)])
def test_unigat_equals_loop_reference(hi, n, m, weighted, heads, concat):
    torch.manual_seed(0)
    conv = UniGATConv(3, 2, heads=heads, concat=concat, dropout=0.5).eval()
    randomise_bias(conv)
    with torch.no_grad():  # larger attention vectors: logits on both sides of zero
        conv.att_v.mul_(3.0)
        conv.att_e.mul_(3.0)
    w = torch.rand(m) + 0.5 if weighted else None
    x = torch.randn(n, 3)
    out = conv(x, hi, w, m)
    assert out.shape == (n, heads * 2 if concat else 2)
    assert torch.allclose(out.double(), unigat_loop(conv, x, hi, n, m, w), atol=1e-5)


def test_unigat_uses_the_node_attention_vector():
    """DHG issue #46: DHG's UniGATConv defines atten_dst (a_1) but never uses it, so its output
    cannot depend on a_1.  Ours does, and equals the closed form with alpha computed from both
    terms.  Hand example: node 0 in e0 = {0, 1} and e1 = {0, 2}, W = 1, a_2 = 1."""
    conv = UniGATConv(1, 1, bias=False).double()
    with torch.no_grad():
        conv.lin.weight.fill_(1.0)
        conv.att_e.fill_(1.0)
        conv.att_v.fill_(0.0)
    hi = torch.tensor([[0, 1, 0, 2], [0, 0, 1, 1]])
    x = torch.tensor([[1.0], [3.0], [-3.0]], dtype=torch.float64)  # h_e0 = 2, h_e1 = -1

    def closed_form(a1):
        logits = F.leaky_relu(torch.tensor([a1 * 1.0 + 2.0, a1 * 1.0 - 1.0]), 0.2)
        alpha = torch.softmax(logits.double(), 0)
        return alpha[0] * 2.0 + alpha[1] * -1.0

    out0 = conv(x, hi)[0, 0]
    assert torch.isclose(out0, closed_form(0.0))  # = DHG's hyperedge-only attention
    with torch.no_grad():
        conv.att_v.fill_(0.5)
    out1 = conv(x, hi)[0, 0]
    assert torch.isclose(out1, closed_form(0.5))
    assert not torch.isclose(out1, out0, atol=1e-3)  # DHG's output would be unchanged
    # the same on the general fixture: changing a_1 changes the output; zeroing it gives the
    # hyperedge-only scores of DHG / the reference code
    torch.manual_seed(1)
    conv = UniGATConv(3, 2, heads=2).eval()
    with torch.no_grad():
        conv.att_v.mul_(3.0)
        conv.att_e.mul_(3.0)
    x = torch.randn(N, 3)
    ours = conv(x, HI, None, M)
    assert torch.allclose(ours.double(), unigat_loop(conv, x, HI, N, M, None), atol=1e-5)
    dhg_like = unigat_loop(conv, x, HI, N, M, None, a_v=torch.zeros(2, 2, dtype=torch.float64))
    assert not torch.allclose(ours.double(), dhg_like, atol=1e-3)
    with torch.no_grad():
        conv.att_v.mul_(-1.0)
    assert not torch.allclose(conv(x, HI, None, M), ours, atol=1e-3)


def test_unigat_attention_dropout_only_in_training():
    torch.manual_seed(0)
    conv = UniGATConv(3, 2, heads=2, dropout=0.9)
    x = torch.randn(N, 3)
    a, b = conv(x, HI), conv(x, HI)
    assert not torch.allclose(a, b)
    conv.eval()
    assert torch.equal(conv(x, HI), conv(x, HI))


# --------------------------------------------------------------------------- UniGCNII


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("layer", [1, 4])
def test_unigcnii_equals_closed_form(hi, n, m, weighted, layer):
    torch.manual_seed(0)
    conv = UniGCNIIConv(3, alpha=0.2, lamda=0.7, layer=layer)
    w = torch.rand(m) + 0.5 if weighted else None
    x, x0 = torch.randn(n, 3), torch.randn(n, 3)
    H, wd = dense(hi, n, m, w)
    beta = math.log(0.7 / layer + 1)
    assert conv.beta == pytest.approx(beta)
    Xi = 0.8 * unigcn_dense(H, wd) @ x.double() + 0.2 * x0.double()
    ref = (1 - beta) * Xi + beta * lin(Xi, conv.lin)
    assert torch.allclose(conv(x, x0, hi, w, m).double(), ref, atol=1e-5)


def test_unigcnii_argument_checks():
    with pytest.raises(ValueError, match="alpha"):
        UniGCNIIConv(3, alpha=1.5)
    with pytest.raises(ValueError, match="lamda"):
        UniGCNIIConv(3, lamda=0.0)
    with pytest.raises(ValueError, match="layer"):
        UniGCNIIConv(3, layer=0)
    with pytest.raises(ValueError, match="x_0"):
        UniGCNIIConv(3)(torch.randn(N, 3), torch.randn(N, 2), HI)


# --------------------------------------------------------------------------- all layers

LAYERS = [
    lambda: UniGCNConv(3, 2),
    lambda: UniGATConv(3, 2, heads=2),
    lambda: UniGINConv(3, 2, eps=0.4),
    lambda: UniSAGEConv(3, 2, aggr="mean"),
    lambda: UniSAGEConv(3, 2, concat=False),
]


@pytest.mark.parametrize("make", LAYERS)
def test_gradcheck_in_features_and_weights(make):
    torch.manual_seed(0)
    conv = make().double().eval()
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    w = W.double().clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda t, ww: conv(t, HI, ww, M), (x, w))


def test_gradcheck_unigcnii():
    torch.manual_seed(0)
    conv = UniGCNIIConv(3, layer=2).double()
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    x0 = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    w = W.double().clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda a, b, ww: conv(a, b, HI, ww, M), (x, x0, w))
    assert torch.autograd.gradcheck(lambda a: unigcn_propagate(a, HI_WIDE, None, 7), (x[:4],))


@pytest.mark.parametrize("make", LAYERS + [lambda: UniGCNIIConv(3)])
def test_no_nan_on_isolated_nodes_and_empty_hyperedges(make):
    conv = make()
    x = torch.randn(4, 3)
    out = conv(x, x, HI_WIDE, None, 7) if isinstance(conv, UniGCNIIConv) else conv(x, HI_WIDE, None, 7)
    assert torch.isfinite(out).all()
    empty = torch.empty(2, 0, dtype=torch.long)  # no incidences at all
    out = conv(x, x, empty) if isinstance(conv, UniGCNIIConv) else conv(x, empty)
    assert torch.isfinite(out).all()


def test_bad_structure_inputs_are_named():
    conv = UniGCNConv(3, 2)
    x = torch.randn(N, 3)
    with pytest.raises(ValueError, match="hyperedge_index"):
        conv(x, HI[0])
    with pytest.raises(TypeError, match="int64"):
        conv(x, HI.int())
    with pytest.raises(ValueError, match="hyperedge_weight"):
        conv(x, HI, torch.ones(M + 1), M)


def test_reset_parameters_and_repr():
    torch.manual_seed(0)
    for conv in (UniGCNConv(4, 3), UniGINConv(4, 3), UniSAGEConv(4, 3), UniGATConv(4, 3, heads=2)):
        before = {k: v.clone() for k, v in conv.state_dict().items()}
        with torch.no_grad():
            conv.bias.fill_(3.0)
        conv.reset_parameters()
        assert torch.all(conv.bias == 0)
        weights = [k for k in before if "weight" in k or k.startswith("att")]
        assert weights and all(not torch.equal(before[k], conv.state_dict()[k]) for k in weights)
    gat = UniGATConv(4, 3, heads=2)
    att = gat.att_v.clone()
    gat.reset_parameters()
    assert not torch.equal(att, gat.att_v)
    ii = UniGCNIIConv(4)
    wt = ii.lin.weight.clone()
    ii.reset_parameters()
    assert not torch.equal(wt, ii.lin.weight)
    assert str(UniGCNConv(16, 32)) == "UniGCNConv(16, 32)"
    assert str(UniGINConv(16, 32)) == "UniGINConv(16, 32)"
    assert str(UniGATConv(16, 32, heads=4)) == "UniGATConv(16, 32, heads=4)"
    assert str(UniSAGEConv(16, 32)) == "UniSAGEConv(16, 32, aggr='sum')"
    assert str(UniGCNIIConv(16, alpha=0.1, lamda=0.5, layer=1)) == "UniGCNIIConv(16, alpha=0.1, beta=0.4055)"
    assert UniGCNConv(2, 3, bias=False).bias is None and UniSAGEConv(2, 3, bias=False).bias is None
    assert UniGATConv(2, 3, heads=2, concat=False).bias.shape == (3,)


# --------------------------------------------------------------------------- models


@pytest.mark.parametrize(
    "make, hidden_dim",
    [
        (lambda: UniGCN(4, 8, 3, num_layers=3), 8),
        (lambda: UniGAT(4, 8, 3, num_layers=3, heads=2, attention_dropout=0.3), 8),
        (lambda: UniGIN(4, 8, 3, num_layers=3), 8),
        (lambda: UniSAGE(4, 8, 3, num_layers=3, aggr="mean"), 8),
        (lambda: UniGCNII(4, 8, 3, num_layers=3), 8),
    ],
)
def test_models_contract(make, hidden_dim):
    torch.manual_seed(0)
    m = make()
    x = torch.randn(N, 4)
    out, hidden = m(x, HI, W, M, return_hidden=True)
    assert out.shape == (N, 3) and hidden.shape == (N, hidden_dim)
    m.eval()
    assert torch.equal(m(x, HI, W, M), m(x, HI, W, M))
    assert torch.allclose(m(x, HI, W, M, return_hidden=True)[0], m(x, HI, W, M))
    assert "num_layers=3" in repr(m)
    loss = m(x, HI).sum()
    loss.backward()
    assert all(p.grad is not None for p in m.parameters() if p.requires_grad)


def test_model_argument_checks():
    for cls in (UniGCN, UniGAT, UniGIN, UniSAGE, UniGCNII):
        with pytest.raises(ValueError, match="num_layers"):
            cls(4, 8, 3, num_layers=0)
    with pytest.raises(ValueError, match="multiple of heads"):
        UniGAT(4, 10, 3, heads=4)


def test_unigat_model_heads_and_unigcnii_layers():
    m = UniGAT(4, 16, 3, heads=4)
    assert m.convs[0].heads == 4 and m.convs[0].out_channels == 4 and m.convs[-1].heads == 1
    ii = UniGCNII(4, 8, 3, num_layers=3, alpha=0.2, lamda=0.9)
    assert [c.layer for c in ii.convs] == [1, 2, 3]
    assert [c.beta for c in ii.convs] == pytest.approx([math.log(0.9 / k + 1) for k in (1, 2, 3)])
    groups = ii.param_groups()
    assert [g["weight_decay"] for g in groups] == [0.01, 5e-4]
    n_params = sum(p.numel() for g in groups for p in g["params"])
    assert n_params == sum(p.numel() for p in ii.parameters())
    assert {id(p) for p in groups[0]["params"]} == {id(c.lin.weight) for c in ii.convs}
