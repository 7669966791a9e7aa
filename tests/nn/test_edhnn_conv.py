import pytest
import torch
import torch.nn.functional as F
from torch_geometric.utils import scatter

from hypergraph.nn.conv.edhnn_conv import EDHNNConv
from hypergraph.nn.models.edhnn import EDHNN

HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5  # node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates
W = torch.tensor([1.0, 2.0, 0.5, 3.0, 1.5])
HI_WIDE = torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]])  # N=4 < M=7: node 2 isolated,
N_WIDE, M_WIDE = 4, 7  # hyperedge 6 empty
GRAPHS = [(HI, N, M), (HI_WIDE, N_WIDE, M_WIDE)]


def inv(t):
    out = t.pow(-1.0)
    out[t == 0] = 0
    return out


def randomise(module):
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if "norm" in name or name.endswith("bias"):
                p.normal_()


def ref_mlp(mlp, x):
    """ED-HNN's (= AllSet's) MLP from the parameters: [LN] (Linear ReLU LN)* Linear."""
    if mlp.num_layers == 0:
        return x
    if isinstance(mlp.input_norm, torch.nn.LayerNorm):
        x = F.layer_norm(x, x.shape[-1:], mlp.input_norm.weight, mlp.input_norm.bias)
    for i, lin in enumerate(mlp.lins):
        x = x @ lin.weight.T + lin.bias
        if i < len(mlp.lins) - 1:
            x = x.relu()
            if isinstance(mlp.norms[i], torch.nn.LayerNorm):
                x = F.layer_norm(x, x.shape[-1:], mlp.norms[i].weight, mlp.norms[i].bias)
    return x


def reference(conv, x, hi, n, m, x0):
    """Dense closed form: H as a matrix, the per-incidence message as an [N, M, C] tensor."""
    H = torch.zeros(n, m, dtype=torch.float64)
    H[hi[0], hi[1]] = 1.0
    mean = conv.aggr == "mean"
    me = H.T @ ref_mlp(conv.mlp1, x)
    if mean:
        me = inv(H.sum(0)).unsqueeze(-1) * me
    if conv.mlp2 is None:
        xv = H @ me
    else:
        pair = torch.cat([x.unsqueeze(1).expand(n, m, -1), me.unsqueeze(0).expand(n, m, -1)], -1)
        xv = (H.unsqueeze(-1) * ref_mlp(conv.mlp2, pair)).sum(1)
    if mean:
        xv = inv(H.sum(1)).unsqueeze(-1) * xv
    if conv.alpha != 0:
        xv = (1 - conv.alpha) * xv + conv.alpha * x0
    return ref_mlp(conv.mlp3, xv)


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("aggr", ["mean", "sum"])
@pytest.mark.parametrize("layers", [(1, 1, 1), (2, 2, 2), (0, 0, 1), (0, 2, 0)])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_layer_equals_dense_closed_form(hi, n, m, aggr, layers, alpha):
    torch.manual_seed(0)
    conv = EDHNNConv(4, 4, *layers, aggr=aggr, alpha=alpha).double()
    randomise(conv)
    x = torch.randn(n, 4, dtype=torch.float64)
    x0 = torch.randn(n, 4, dtype=torch.float64)
    out = conv(x, hi, num_hyperedges=m, x0=x0)
    assert out.shape == (n, 4)
    assert torch.allclose(out, reference(conv, x, hi, n, m, x0), atol=1e-10)
    w = torch.rand(m, dtype=torch.float64) + 0.5  # weights are ignored, as in ED-HNN
    assert torch.allclose(conv(x, hi, w, m, x0=x0), out)


def test_in_out_channels_differ_and_x0_defaults_to_x():
    torch.manual_seed(0)
    conv = EDHNNConv(3, 5, norm="none", alpha=0.0).double()
    x = torch.randn(N, 3, dtype=torch.float64)
    assert torch.allclose(conv(x, HI, num_hyperedges=M), reference(conv, x, HI, N, M, None))
    with pytest.raises(ValueError, match="x0 must have shape"):
        EDHNNConv(3, 5, alpha=0.5).double()(x, HI)  # default x0 = x has the wrong width
    same = EDHNNConv(4, 4, alpha=0.5).double()
    x = torch.randn(N, 4, dtype=torch.float64)
    assert torch.allclose(same(x, HI), same(x, HI, x0=x))
    with pytest.raises(ValueError, match="0-layer mlp1"):
        EDHNNConv(3, 5, mlp1_layers=0)
    with pytest.raises(ValueError, match="aggr"):
        EDHNNConv(3, 5, aggr="max")


def test_mean_of_means_by_hand():
    """Cora recipe (mlp 0/0/1, mean, alpha 0) with an identity last layer: node 0 lies in
    e0={0,1} and e1={0,2}: x'_0 = (mean(1, 3) + mean(1, 5)) / 2 = 2.5."""
    conv = EDHNNConv(1, 1, 0, 0, 1, alpha=0.0, norm="none", input_norm=False)
    with torch.no_grad():
        conv.mlp3.lins[0].weight.fill_(1.0)
        conv.mlp3.lins[0].bias.zero_()
    hi = torch.tensor([[0, 1, 0, 2], [0, 0, 1, 1]])
    out = conv(torch.tensor([[1.0], [3.0], [5.0]]), hi)
    assert torch.allclose(out[:, 0], torch.tensor([2.5, 2.0, 3.0]))


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("aggr", ["mean", "sum"])
@pytest.mark.parametrize("mlp2_layers", [1, 2, 3])
@pytest.mark.parametrize("norm, input_norm", [("ln", True), ("ln", False), ("none", True), ("bn", True)])
def test_folded_incidence_mlp_equals_the_direct_form(hi, n, m, aggr, mlp2_layers, norm, input_norm):
    """The layer never runs mlp2's first or last matmul per incidence; the direct form does.
    In training mode with dropout both draw the same masks, so they agree there too."""
    torch.manual_seed(0)
    conv = EDHNNConv(
        3, 4, 1, mlp2_layers, 1, aggr=aggr, alpha=0.0, dropout=0.3, norm=norm, input_norm=input_norm
    )
    randomise(conv)
    x = torch.randn(n, 3) * 3 + 2  # a mean far from 0 stresses the folded LayerNorm statistics
    v, e = hi
    for training in (False, True):
        conv.train(training)
        torch.manual_seed(5)
        out = conv(x, hi, num_hyperedges=m)
        torch.manual_seed(5)
        me = scatter(conv.mlp1(x)[v], e, 0, dim_size=m, reduce=aggr)
        direct = scatter(conv.mlp2(torch.cat([x[v], me[e]], -1)), v, 0, dim_size=n, reduce=aggr)
        assert torch.allclose(out, conv.mlp3(direct), atol=1e-5, rtol=1e-4), (training, norm)


def test_gradcheck_x_and_x0():
    torch.manual_seed(0)
    conv = EDHNNConv(3, 3, 2, 2, 2, alpha=0.4).double()
    randomise(conv)
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    x0 = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: conv(a, HI, num_hyperedges=M, x0=b), (x, x0))
    conv(x, HI, x0=x0).pow(2).sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in conv.parameters())


@pytest.mark.parametrize("aggr", ["mean", "sum"])
def test_permutation_equivariance(aggr):
    torch.manual_seed(0)
    conv = EDHNNConv(3, 3, 2, 2, 1, aggr=aggr, alpha=0.5).double()
    randomise(conv)
    x = torch.randn(N, 3, dtype=torch.float64)
    out = conv(x, HI, num_hyperedges=M)
    cols = torch.randperm(HI.size(1), generator=torch.Generator().manual_seed(3))
    assert torch.allclose(conv(x, HI[:, cols], num_hyperedges=M), out, atol=1e-12)
    g = torch.Generator().manual_seed(4)
    p, q = torch.randperm(N, generator=g), torch.randperm(M, generator=g)
    x_new = torch.empty_like(x)
    x_new[p] = x
    out_new = conv(x_new, torch.stack([p[HI[0]], q[HI[1]]]), num_hyperedges=M)
    assert torch.allclose(out_new[p], out, atol=1e-12)


def test_no_nan_for_empty_hyperedges_and_isolated_nodes():
    torch.manual_seed(0)
    conv = EDHNNConv(3, 3, 2, 2, 2, alpha=0.0)
    x = torch.randn(N_WIDE, 3, requires_grad=True)
    out = conv(x, HI_WIDE, num_hyperedges=M_WIDE)
    assert torch.isfinite(out).all()
    # isolated node 2 aggregates nothing: mlp3 of zero
    assert torch.allclose(out[2], conv.mlp3(torch.zeros(1, 3))[0])
    out.sum().backward()
    assert torch.isfinite(x.grad).all()
    y = conv(x.detach(), torch.empty(2, 0, dtype=torch.long), num_hyperedges=M_WIDE)
    assert torch.isfinite(y).all()


def test_reset_parameters_and_repr():
    conv = EDHNNConv(16, 32)
    with torch.no_grad():
        for p in conv.parameters():
            p.fill_(0.3)
    conv.reset_parameters()
    for name, p in conv.named_parameters():
        if "norm" in name:
            assert torch.all(p == (1.0 if name.endswith("weight") else 0.0))
        else:
            assert not torch.all(p == 0.3), name
    assert str(conv) == "EDHNNConv(16, 32, aggr=mean, alpha=0.5)"
    assert EDHNNConv(4, 4, mlp2_layers=0).mlp2 is None


# ------------------------------------------------------------------ model


@pytest.mark.parametrize("share", [True, False])
@pytest.mark.parametrize(
    "kw",
    [{}, dict(num_layers=3, mlp1_layers=2, mlp2_layers=2, mlp3_layers=2, alpha=0.5, classifier_layers=2)],
)
def test_model_forward_backward_hidden(share, kw):
    torch.manual_seed(0)
    model = EDHNN(3, 8, 4, share_weights=share, **kw)
    x = torch.randn(N, 3)
    out, hidden = model(x, HI, W, return_hidden=True)
    assert out.shape == (N, 4) and hidden.shape == (N, 8)
    out.logsumexp(-1).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    assert len(model.convs) == (1 if share else model.num_layers)
    model.eval()
    a = model(x, HI, num_hyperedges=M)
    assert torch.equal(a, model(x, HI, W, M))
    h = h0 = model.lin_in(x).relu()
    for i in range(model.num_layers):
        h = model.convs[0 if share else i](h, HI, x0=h0).relu()
    assert torch.allclose(a, model.classifier(h), atol=1e-6)
    assert f"num_layers={model.num_layers}" in repr(model)


def test_model_defaults_follow_edhnn_cora_recipe():
    m = EDHNN(10, 256, 7)
    conv = m.convs[0]
    assert m.num_layers == 1 and conv.mlp1.num_layers == 0 and conv.mlp2 is None
    assert conv.mlp3.num_layers == 1 and conv.aggr == "mean" and conv.alpha == 0.0
    assert m.classifier.num_layers == 1 and m.input_dropout == m.dropout == 0.5
    assert EDHNN(10, 8, 7, input_dropout=0.2).input_dropout == 0.2
    with pytest.raises(ValueError, match="num_layers"):
        EDHNN(10, 8, 7, num_layers=0)
