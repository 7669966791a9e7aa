import pytest
import torch
import torch.nn.functional as F
from torch_geometric.nn import HypergraphConv

from hypergraph.nn.conv.hcha_conv import HCHAConv
from hypergraph.nn.models.hcha import HCHA

HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5  # node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates
HI_WIDE = torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]])  # N=4 < M=7, node 2 isolated, e6 empty


def inv(t, p=1.0):
    out = t.pow(-p)
    out[t == 0] = 0
    return out


def dense(hi, n, m):
    H = torch.zeros(n, m, dtype=torch.float64)
    H[hi[0], hi[1]] = 1.0
    return H


def closed_form(x, hi, n, m, w, conv):
    H = dense(hi, n, m)
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    Dv, De = H @ w, H.sum(0)
    XT = x.double() @ conv.lin.weight.double().T
    mid = H @ torch.diag(w * inv(De)) @ H.T
    if conv.symdegnorm:
        L = torch.diag(inv(Dv, 0.5)) @ mid @ torch.diag(inv(Dv, 0.5))
    else:
        L = torch.diag(inv(Dv)) @ mid
    return L @ XT + conv.bias.double()


def loop_attention(x, hi, n, m, w, conv, attr=None):
    """Per-node Python-loop reference of HCHA attention (tests only)."""
    H, C = conv.heads, conv.out_channels
    x = x.double()
    Th = conv.lin.weight.double().T
    att = conv.att.double()[0]  # [H, 2C]
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    members = [[int(v) for v, e in hi.t() if int(e) == j] for j in range(m)]
    edges_of = [[int(e) for v, e in hi.t() if int(v) == i] for i in range(n)]
    xt = (x @ Th).view(n, H, C)
    if attr is None:
        z = torch.stack(
            [xt[mem].mean(0) if mem else torch.zeros(H, C, dtype=torch.float64) for mem in members]
        )
    else:
        z = (attr.double() @ Th).view(m, H, C)
    alpha = {}
    for v in range(n):
        if not edges_of[v]:
            continue
        s = torch.stack([(torch.cat([xt[v], z[e]], -1) * att).sum(-1) for e in edges_of[v]])
        a = torch.softmax(F.leaky_relu(s, conv.negative_slope), dim=0)  # over e ∋ v, per head
        for k, e in enumerate(edges_of[v]):
            alpha[(v, e)] = a[k]
    dv = torch.zeros(n, H, dtype=torch.float64)  # per head
    de = torch.zeros(m, H, dtype=torch.float64)
    for v in range(n):
        for e in edges_of[v]:
            incidence = conv.attention_degree == "incidence"
            dv[v] += w[e] * (1.0 if incidence else alpha[(v, e)])
            de[e] += 1.0 if incidence else alpha[(v, e)]
    if conv.symdegnorm:
        left = right = inv(dv, 0.5)
    else:
        left, right = inv(dv), torch.ones(n, H, dtype=torch.float64)
    me = torch.zeros(m, H, C, dtype=torch.float64)
    for e in range(m):
        for v in members[e]:
            me[e] += (alpha[(v, e)] * right[v]).unsqueeze(-1) * xt[v]
        me[e] *= (w[e] * inv(de[e])).unsqueeze(-1)
    out = torch.zeros(n, H, C, dtype=torch.float64)
    for v in range(n):
        for e in edges_of[v]:
            out[v] += alpha[(v, e)].unsqueeze(-1) * me[e]
        out[v] *= left[v].unsqueeze(-1)
    out = out.reshape(n, H * C) if conv.concat else out.mean(1)
    return out + conv.bias.double()


@pytest.mark.parametrize("hi, n, m", [(HI, N, M), (HI_WIDE, 4, 7)])
@pytest.mark.parametrize("symdegnorm", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("cached", [False, True])
def test_layer_equals_closed_form(hi, n, m, symdegnorm, weighted, cached):
    torch.manual_seed(0)
    conv = HCHAConv(3, 4, symdegnorm=symdegnorm, cached=cached)
    torch.nn.init.normal_(conv.bias)
    w = torch.rand(m) + 0.5 if weighted else None
    x = torch.randn(n, 3)
    ref = closed_form(x, hi, n, m, w, conv)
    for _ in range(2):  # the second call uses the cache when cached=True
        out = conv(x, hi, w, num_hyperedges=m)
        assert out.shape == (n, 4)
        assert torch.allclose(out.double(), ref, atol=1e-5)
    iso = (torch.bincount(hi[0], minlength=n) == 0).nonzero().view(-1)
    assert len(iso) == 1 and torch.allclose(out[iso], conv.bias.expand(len(iso), -1))


@pytest.mark.parametrize("hi, n, m", [(HI, N, M), (HI_WIDE, 4, 7)])
@pytest.mark.parametrize("symdegnorm", [False, True])
@pytest.mark.parametrize("concat", [True, False])
@pytest.mark.parametrize("with_attr", [False, True])
@pytest.mark.parametrize("degree", ["attention", "incidence"])
def test_attention_equals_per_node_loop(hi, n, m, symdegnorm, concat, with_attr, degree):
    torch.manual_seed(1)
    conv = HCHAConv(
        3, 4, symdegnorm=symdegnorm, use_attention=True, heads=2, concat=concat, attention_degree=degree
    )
    torch.nn.init.normal_(conv.bias)
    torch.nn.init.normal_(conv.att)
    w = torch.rand(m) + 0.5
    x = torch.randn(n, 3)
    attr = torch.randn(m, 3) if with_attr else None
    out = conv(x, hi, w, m, hyperedge_attr=attr)
    assert out.shape == (n, 8 if concat else 4)
    assert torch.isfinite(out).all()
    assert torch.allclose(out.double(), loop_attention(x, hi, n, m, w, conv, attr), atol=1e-5)


def test_attention_equals_pyg_edge_mode_with_unit_weights_and_attr():
    """Softmax over the hyperedges of each node is PyG's attention_mode="edge" (its default "node"
    normalises over the nodes of each hyperedge instead)."""
    torch.manual_seed(0)
    ours = HCHAConv(3, 4, use_attention=True, heads=2, attention_degree="incidence")
    pyg = HypergraphConv(3, 4, use_attention=True, attention_mode="edge", heads=2)
    with torch.no_grad():
        pyg.lin.weight.copy_(ours.lin.weight)
        pyg.att.copy_(ours.att)
        ours.bias.normal_()
        pyg.bias.copy_(ours.bias)
    x, attr = torch.randn(5, 3), torch.randn(M, 3)
    hi = HI[:, HI[0] < 5]
    assert torch.allclose(ours(x, hi, None, M, attr), pyg(x, hi, hyperedge_attr=attr, num_edges=M), atol=1e-5)
    pyg.attention_mode = "node"
    assert not torch.allclose(
        ours(x, hi, None, M, attr), pyg(x, hi, hyperedge_attr=attr, num_edges=M), atol=1e-3
    )


def test_attention_dropout_only_in_training():
    conv = HCHAConv(3, 4, use_attention=True, attention_dropout=0.9)
    x = torch.randn(N, 3)
    conv.eval()
    assert torch.equal(conv(x, HI), conv(x, HI))
    conv.train()
    torch.manual_seed(0)
    assert not torch.allclose(conv(x, HI), conv.eval()(x, HI))


def test_applies_weights_where_pyg_does_not():
    """PyG's HypergraphConv computes D^-1 H B^-1 H^T (w only in D): equal to ours with unit weights,
    different with weights, where ours is D^-1 H W B^-1 H^T."""
    torch.manual_seed(0)
    ours = HCHAConv(3, 2)
    pyg = HypergraphConv(3, 2)
    with torch.no_grad():
        pyg.lin.weight.copy_(ours.lin.weight)
        ours.bias.normal_()
        pyg.bias.copy_(ours.bias)
    x = torch.randn(5, 3)
    hi = HI[:, HI[0] < 5]
    assert torch.allclose(ours(x, hi, num_hyperedges=M), pyg(x, hi, num_edges=M), atol=1e-5)
    w = torch.tensor([1.0, 4.0, 0.5, 3.0, 2.0])
    ref = closed_form(x, hi, 5, M, w, ours).float()
    assert torch.allclose(ours(x, hi, w, M), ref, atol=1e-5)
    assert not torch.allclose(pyg(x, hi, w, num_edges=M), ref, atol=1e-3)


@pytest.mark.parametrize("symdegnorm", [False, True])
def test_gradcheck(symdegnorm):
    torch.manual_seed(0)
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    w = (torch.rand(M, dtype=torch.float64) + 0.5).requires_grad_(True)
    conv = HCHAConv(3, 2, symdegnorm=symdegnorm, cached=True).double()
    assert torch.autograd.gradcheck(lambda t: conv(t, HI, w.detach(), M), (x,))
    assert torch.autograd.gradcheck(lambda t, ww: conv(t, HI, ww, M), (x, w))
    att = HCHAConv(3, 2, symdegnorm=symdegnorm, use_attention=True, heads=2).double()
    assert torch.autograd.gradcheck(lambda t, ww: att(t, HI, ww, M), (x, w))
    out = att(x, HI, w, M).sum()
    out.backward()
    assert att.att.grad is not None and att.lin.weight.grad is not None and w.grad is not None


def test_reset_parameters_repr_and_errors():
    conv = HCHAConv(16, 32, use_attention=True, heads=2)
    before, att = conv.lin.weight.clone(), conv.att.clone()
    with torch.no_grad():
        conv.bias.fill_(3.0)
    conv.reset_parameters()
    assert not torch.equal(before, conv.lin.weight) and not torch.equal(att, conv.att)
    assert torch.all(conv.bias == 0) and conv.bias.numel() == 64
    assert str(HCHAConv(16, 32)) == "HCHAConv(16, 32)"
    assert str(HCHAConv(2, 3, symdegnorm=True)) == "HCHAConv(2, 3, symdegnorm=True)"
    assert str(conv) == "HCHAConv(16, 32, heads=2)"
    assert HCHAConv(2, 3, bias=False).bias is None
    assert HCHAConv(2, 3, use_attention=True, heads=4, concat=False).bias.numel() == 3
    with pytest.raises(ValueError, match="use_attention"):
        HCHAConv(2, 3, heads=2)
    with pytest.raises(ValueError, match="attention_degree"):
        HCHAConv(2, 3, use_attention=True, attention_degree="pyg")
    with pytest.raises(ValueError, match="cached"):
        HCHAConv(2, 3, use_attention=True, cached=True)
    with pytest.raises(ValueError, match="hyperedge_attr"):
        HCHAConv(3, 2, use_attention=True)(torch.randn(N, 3), HI, None, M, torch.randn(M, 4))
    with pytest.raises(ValueError, match="hyperedge_weight"):
        HCHAConv(3, 2)(torch.randn(N, 3), HI, torch.ones(4), M)


@pytest.mark.parametrize(
    "kw", [{}, {"symdegnorm": True, "cached": True}, {"use_attention": True, "heads": 2}]
)
def test_model_forward_backward_and_hidden(kw):
    torch.manual_seed(0)
    model = HCHA(3, 8, 4, num_layers=3, batch_norm=True, **kw)
    x = torch.randn(N, 3)
    out, hidden = model(x, HI, return_hidden=True)
    width = 8 * kw.get("heads", 1)
    assert out.shape == (N, 4) and hidden.shape == (N, width)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.eval()
    assert torch.equal(model(x, HI), model(x, HI))
    assert "num_layers=3" in repr(model)
    if kw.get("cached"):
        assert len({id(c.propagation) for c in model.convs}) == 1
    with pytest.raises(ValueError, match="num_layers"):
        HCHA(3, 8, 4, num_layers=0)


def test_model_uses_hyperedge_attr_in_first_layer():
    torch.manual_seed(0)
    model = HCHA(3, 8, 4, use_attention=True).eval()
    x, attr = torch.randn(N, 3), torch.randn(M, 3)
    assert not torch.allclose(model(x, HI, hyperedge_attr=attr), model(x, HI))
