import pytest
import torch
import torch.nn.functional as F

from hypergraph.nn.conv.alldeepsets_conv import AllDeepSetsConv, SetMLP
from hypergraph.nn.conv.allsettransformer_conv import AllSetTransformerConv
from hypergraph.nn.models.allset import AllDeepSets, AllSetTransformer

HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5  # node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates
W = torch.tensor([1.0, 2.0, 0.5, 3.0, 1.5])
HI_WIDE = torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]])  # N=4 < M=7: node 2 isolated,
N_WIDE, M_WIDE = 4, 7  # hyperedge 6 empty
GRAPHS = [(HI, N, M), (HI_WIDE, N_WIDE, M_WIDE)]
FLOWS = ["node_to_hyperedge", "hyperedge_to_node"]


def inv(t):
    out = t.pow(-1.0)
    out[t == 0] = 0
    return out


def dense_h(hi, n, m):
    H = torch.zeros(n, m, dtype=torch.float64)
    H[hi[0], hi[1]] = 1.0
    return H


def randomise(module):
    """Non-trivial LayerNorm affines and biases, so their placement is tested."""
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if "norm" in name or name.endswith("bias"):
                p.normal_()


def ref_mlp(mlp, x):
    """AllSet's MLP written out from the parameters: [LN] (Linear ReLU LN)* Linear."""
    if mlp.num_layers == 0:
        return x
    if isinstance(mlp.input_norm, torch.nn.LayerNorm):
        x = F.layer_norm(x, x.shape[-1:], mlp.input_norm.weight, mlp.input_norm.bias)
    for i, lin in enumerate(mlp.lins):
        x = x @ lin.weight.T + lin.bias
        if i < len(mlp.lins) - 1:
            x = x.relu()
            norm = mlp.norms[i]
            if isinstance(norm, torch.nn.LayerNorm):
                x = F.layer_norm(x, x.shape[-1:], norm.weight, norm.bias)
    return x


def sources(flow, n, m, f=3, seed=0):
    torch.manual_seed(seed)
    return torch.randn(n if flow == "node_to_hyperedge" else m, f, dtype=torch.float64)


def call(conv, x, hi, n, m, w=None):
    return conv(x, hi, w, num_hyperedges=m, num_nodes=n)


# ---------------------------------------------------------------- AllDeepSets


def deepsets_reference(conv, x, hi, n, m):
    H = dense_h(hi, n, m)
    A = H.T if conv.flow == "node_to_hyperedge" else H  # [targets, sources]
    h = ref_mlp(conv.enc, x).relu()
    s = A @ h
    if conv.aggr == "mean":
        s = inv(A.sum(1)).unsqueeze(-1) * s
    return ref_mlp(conv.dec, s)


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("aggr", ["sum", "mean"])
@pytest.mark.parametrize("mlp_layers, norm", [(2, "ln"), (1, "ln"), (3, "none")])
def test_deepsets_equals_dense_closed_form(hi, n, m, flow, aggr, mlp_layers, norm):
    conv = AllDeepSetsConv(3, 4, hidden_channels=5, mlp_layers=mlp_layers, aggr=aggr, norm=norm, flow=flow)
    conv = conv.double()
    randomise(conv)
    x = sources(flow, n, m)
    out = call(conv, x, hi, n, m)
    assert out.shape == ((m if flow == "node_to_hyperedge" else n), 4)
    assert torch.allclose(out, deepsets_reference(conv, x, hi, n, m), atol=1e-10)
    w = torch.rand(m, dtype=torch.float64) + 0.5  # weights are ignored, as in AllSet
    assert torch.allclose(call(conv, x, hi, n, m, w), out)


def test_deepsets_zero_mlp_layers_is_plain_sum():
    conv = AllDeepSetsConv(3, 3, mlp_layers=0).double()
    x = sources("node_to_hyperedge", N, M)
    assert torch.allclose(conv(x, HI, num_hyperedges=M), dense_h(HI, N, M).T @ x.relu())
    with pytest.raises(ValueError, match="mlp_layers=0"):
        AllDeepSetsConv(3, 4, mlp_layers=0)


def test_deepsets_empty_targets_get_decoder_of_zero():
    conv = AllDeepSetsConv(3, 4).double()
    randomise(conv)
    x = sources("node_to_hyperedge", N_WIDE, M_WIDE)
    out = conv(x, HI_WIDE, num_hyperedges=M_WIDE)
    assert torch.allclose(out[6], conv.dec(torch.zeros(1, 4, dtype=torch.float64))[0])
    e = sources("hyperedge_to_node", N_WIDE, M_WIDE)
    back = AllDeepSetsConv(3, 4, flow="hyperedge_to_node").double()
    out = back(e, HI_WIDE, num_nodes=N_WIDE)
    assert torch.allclose(out[2], back.dec(torch.zeros(1, 4, dtype=torch.float64))[0])


# ---------------------------------------------------------- AllSetTransformer


def transformer_reference(conv, x, hi, n, m):
    """Per-target Python loop: softmax over the members of each set, one head at a time."""
    if conv.flow == "node_to_hyperedge":
        src, dst, T = hi[0].tolist(), hi[1].tolist(), m
    else:
        src, dst, T = hi[1].tolist(), hi[0].tolist(), n
    H, C = conv.heads, conv.head_channels
    K = (x @ conv.lin_key.weight.T + conv.lin_key.bias).view(-1, H, C)
    V = (x @ conv.lin_value.weight.T + conv.lin_value.bias).view(-1, H, C)
    rows = []
    for t in range(T):
        members = [s for s, d in zip(src, dst) if d == t]
        heads = []
        for h in range(H):
            o = torch.zeros(C, dtype=x.dtype)
            if members:
                score = F.leaky_relu(K[members, h] @ conv.seed[h], 0.2)
                a = torch.softmax(score, 0)
                o = (a.unsqueeze(-1) * V[members, h]).sum(0)
            heads.append(conv.seed[h] + o)
        y = torch.cat(heads)
        y = F.layer_norm(y, (H * C,), conv.norm0.weight, conv.norm0.bias)
        z = F.layer_norm(y + ref_mlp(conv.mlp, y).relu(), (H * C,), conv.norm1.weight, conv.norm1.bias)
        rows.append(z)
    return torch.stack(rows)


@pytest.mark.parametrize("hi, n, m", GRAPHS)
@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("heads", [1, 2])
@pytest.mark.parametrize("mlp_layers", [1, 2])
def test_transformer_equals_loop_reference(hi, n, m, flow, heads, mlp_layers):
    torch.manual_seed(0)
    conv = AllSetTransformerConv(3, 4, heads=heads, mlp_layers=mlp_layers, flow=flow).double()
    randomise(conv)
    x = sources(flow, n, m)
    out, alpha = conv(x, hi, None, m, n, return_attention=True)
    assert out.shape == ((m if flow == "node_to_hyperedge" else n), 4) and alpha.shape == (hi.size(1), heads)
    assert torch.allclose(out, transformer_reference(conv, x, hi, n, m), atol=1e-10)
    dst = hi[1] if flow == "node_to_hyperedge" else hi[0]
    sums = torch.zeros(out.size(0), heads, dtype=torch.float64).index_add_(0, dst, alpha)
    nonempty = torch.bincount(dst, minlength=out.size(0)) > 0
    assert torch.allclose(sums[nonempty], torch.ones_like(sums[nonempty]))
    w = torch.rand(m, dtype=torch.float64) + 0.5  # weights are ignored, as in AllSet
    assert torch.allclose(call(conv, x, hi, n, m, w), out)


def test_transformer_empty_sets_get_seed_only_output():
    conv = AllSetTransformerConv(3, 4, heads=2).double()
    randomise(conv)
    x = sources("node_to_hyperedge", N_WIDE, M_WIDE)
    out = conv(x, HI_WIDE, num_hyperedges=M_WIDE)
    y = conv.norm0(conv.seed.reshape(1, -1))
    expected = conv.norm1(y + conv.mlp(y).relu())[0]
    assert torch.allclose(out[6], expected)
    assert not torch.allclose(out[0], expected)


def test_transformer_attention_prefers_high_scoring_member():
    """One set {a, b}: the member whose key aligns with the seed gets the larger weight."""
    conv = AllSetTransformerConv(2, 2, heads=1).double()
    with torch.no_grad():
        conv.lin_key.weight.copy_(torch.eye(2))
        conv.lin_key.bias.zero_()
        conv.seed.copy_(torch.tensor([[1.0, 0.0]]))
    x = torch.tensor([[3.0, 0.0], [-1.0, 0.0]], dtype=torch.float64)
    _, alpha = conv(x, torch.tensor([[0, 1], [0, 0]]), return_attention=True)
    # scores: leaky_relu(3) = 3, leaky_relu(-1) = -0.2
    assert torch.allclose(alpha[:, 0], torch.softmax(torch.tensor([3.0, -0.2], dtype=torch.float64), 0))


def test_transformer_rejects_bad_heads_and_layers():
    with pytest.raises(ValueError, match="multiple of heads"):
        AllSetTransformerConv(3, 5, heads=2)
    with pytest.raises(ValueError, match="mlp_layers"):
        AllSetTransformerConv(3, 4, mlp_layers=0)


# ------------------------------------------------------------- both layers


def make(kind, flow):
    torch.manual_seed(0)
    if kind == "deepsets":
        conv = AllDeepSetsConv(3, 4, flow=flow)
    else:
        conv = AllSetTransformerConv(3, 4, heads=2, flow=flow)
    conv = conv.double()
    randomise(conv)
    return conv


@pytest.mark.parametrize("kind", ["deepsets", "transformer"])
@pytest.mark.parametrize("flow", FLOWS)
def test_gradcheck(kind, flow):
    conv = make(kind, flow)
    x = sources(flow, N, M).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda t: call(conv, t, HI, N, M), (x,))
    call(conv, x, HI, N, M).pow(2).sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in conv.parameters())


@pytest.mark.parametrize("kind", ["deepsets", "transformer"])
@pytest.mark.parametrize("flow", FLOWS)
def test_permutation_invariance_and_equivariance(kind, flow):
    conv = make(kind, flow)
    x = sources(flow, N, M)
    out = call(conv, x, HI, N, M)
    # member order inside the incidence list does not matter
    cols = torch.randperm(HI.size(1), generator=torch.Generator().manual_seed(3))
    assert torch.allclose(call(conv, x, HI[:, cols], N, M), out, atol=1e-12)
    # relabelling nodes (p) and hyperedges (q) permutes the outputs accordingly
    g = torch.Generator().manual_seed(4)
    p, q = torch.randperm(N, generator=g), torch.randperm(M, generator=g)
    hi = torch.stack([p[HI[0]], q[HI[1]]])
    src_perm, dst_perm = (p, q) if flow == "node_to_hyperedge" else (q, p)
    x_new = torch.empty_like(x)
    x_new[src_perm] = x
    out_new = call(conv, x_new, hi, N, M)
    assert torch.allclose(out_new[dst_perm], out, atol=1e-12)


@pytest.mark.parametrize("kind", ["deepsets", "transformer"])
@pytest.mark.parametrize("flow", FLOWS)
def test_no_nan_for_empty_hyperedges_and_isolated_nodes(kind, flow):
    conv = make(kind, flow).float()
    x = sources(flow, N_WIDE, M_WIDE).float().requires_grad_(True)
    out = call(conv, x, HI_WIDE, N_WIDE, M_WIDE)
    assert out.shape[0] == (M_WIDE if flow == "node_to_hyperedge" else N_WIDE)
    assert torch.isfinite(out).all()
    out.sum().backward()
    assert torch.isfinite(x.grad).all()
    empty = torch.empty(2, 0, dtype=torch.long)  # no incidences at all
    y = conv(x.detach(), empty, num_hyperedges=M_WIDE, num_nodes=N_WIDE)
    assert torch.isfinite(y).all() and torch.allclose(y, y[:1].expand_as(y))


@pytest.mark.parametrize("kind", ["deepsets", "transformer"])
def test_sizes_and_bad_input(kind):
    conv = make(kind, "node_to_hyperedge")
    x = sources("node_to_hyperedge", N, M)
    assert conv(x, HI).shape[0] == M  # max id + 1
    assert conv(x, HI, W.double()).shape[0] == M  # from the weights
    assert conv(x, HI, num_hyperedges=M + 2).shape[0] == M + 2  # trailing empty hyperedges
    with pytest.raises(ValueError, match=r"shape \[2, nnz\]"):
        conv(x, HI[0])
    with pytest.raises(ValueError, match="node id"):
        conv(x[:3], HI)
    with pytest.raises(ValueError, match="hyperedge id"):
        conv(x, HI, num_hyperedges=3)
    with pytest.raises(ValueError, match="negative id"):
        conv(x, torch.cat([HI, torch.tensor([[0], [-1]])], 1), num_hyperedges=M)
    back = make(kind, "hyperedge_to_node")
    e = sources("hyperedge_to_node", N, M)
    assert back(e, HI).shape[0] == 5  # nodes up to the largest id: pass num_nodes for isolated
    assert back(e, HI, num_nodes=N).shape[0] == N
    with pytest.raises(ValueError, match="num_hyperedges=4"):
        back(e, HI, num_hyperedges=4)
    with pytest.raises(ValueError, match="flow"):
        AllDeepSetsConv(3, 4, flow="sideways")


def test_reset_parameters_and_repr():
    for conv in (AllDeepSetsConv(16, 32), AllSetTransformerConv(16, 32, heads=4)):
        with torch.no_grad():
            for p in conv.parameters():
                p.fill_(0.3)
        conv.reset_parameters()
        for name, p in conv.named_parameters():
            if "norm" in name:  # LayerNorm back to the identity affine
                assert torch.all(p == (1.0 if name.endswith("weight") else 0.0)), name
            else:  # linear maps and the seed re-drawn
                assert not torch.all(p == 0.3), name
    assert str(AllDeepSetsConv(16, 32)) == "AllDeepSetsConv(16, 32, flow=node_to_hyperedge)"
    assert (
        str(AllSetTransformerConv(16, 32, heads=4, flow="hyperedge_to_node"))
        == "AllSetTransformerConv(16, 32, heads=4, flow=hyperedge_to_node)"
    )
    assert str(SetMLP(3, 5, 4, 2)) == "SetMLP(3, 4, num_layers=2, norm=ln)"
    with pytest.raises(ValueError, match="norm"):
        SetMLP(3, 5, 4, 2, norm="group")


# ------------------------------------------------------------------ models


@pytest.mark.parametrize("cls, kw", [(AllDeepSets, {}), (AllSetTransformer, {"heads": 2})])
@pytest.mark.parametrize("num_layers, classifier_layers", [(1, 1), (2, 2)])
def test_models_forward_backward_hidden(cls, kw, num_layers, classifier_layers):
    torch.manual_seed(0)
    model = cls(3, 8, 4, num_layers=num_layers, classifier_layers=classifier_layers, **kw)
    x = torch.randn(N, 3)
    out, hidden = model(x, HI, W, return_hidden=True)
    assert out.shape == (N, 4) and hidden.shape == (N, 8)
    out.logsumexp(-1).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.eval()
    a = model(x, HI, num_hyperedges=M)
    assert torch.equal(a, model(x, HI, W, M))  # weights ignored
    # eval forward is the plain composition of the layers
    h = x
    for v2e, e2v in zip(model.v2e, model.e2v):
        h = e2v(v2e(h, HI, num_hyperedges=M).relu(), HI, num_nodes=N).relu()
    assert torch.allclose(a, model.classifier(h), atol=1e-6)
    assert f"num_layers={num_layers}" in repr(model)
    with pytest.raises(ValueError, match="num_layers"):
        cls(3, 8, 4, num_layers=0, **kw)


def test_models_defaults_follow_allset_scripts():
    m = AllSetTransformer(10, 256, 7)
    assert len(m.v2e) == 1 and m.v2e[0].heads == 4 and m.input_dropout == 0.2 and m.dropout == 0.5
    assert m.classifier.num_layers == 1
    d = AllDeepSets(10, 64, 7)
    assert d.v2e[0].aggr == "sum" and d.v2e[0].enc.num_layers == 2
    assert isinstance(d.v2e[0].enc.input_norm, torch.nn.LayerNorm)
