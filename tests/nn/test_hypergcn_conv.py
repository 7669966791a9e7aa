import pytest
import torch

import hypergraph.nn.conv.hypergcn_conv as HG
from hypergraph.nn.conv.hypergcn_conv import HyperGCNConv, hypergcn_graph
from hypergraph.nn.models.hypergcn import HyperGCN

HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5  # node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates
HI_WIDE = torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]])  # N=4 < M=7, node 2 isolated, e6 empty


def reference_operator(signal, hi, n, m, w, mediators, seed):
    """Loop over hyperedges as in malllabiisc/HyperGCN ``Laplacian`` (tests only), with our
    conventions: weights w_e, singletons skipped; returns the dense D^-1/2 (A + I) D^-1/2."""
    r = torch.rand(signal.size(1), generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    p = signal.double() @ r
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    A = torch.zeros(n, n, dtype=torch.float64)
    for e in range(m):
        members = [int(v) for v, f in hi.t() if int(f) == e]
        if len(members) < 2:
            continue
        s = members[int(torch.argmax(p[members]))]
        i = members[int(torch.argmin(p[members]))]
        assert s != i  # random data: no ties
        if mediators:
            c = 2 * len(members) - 3
            A[s, i] += w[e] / c
            A[i, s] += w[e] / c
            for k in members:
                if k not in (s, i):
                    for a, b in ((s, k), (i, k), (k, s), (k, i)):
                        A[a, b] += w[e] / c
        else:
            A[s, i] += w[e] / len(members)
            A[i, s] += w[e] / len(members)
    A = A + torch.eye(n, dtype=torch.float64)
    d = A.sum(1).pow(-0.5)
    return d[:, None] * A * d[None, :]


def to_dense(graph, n):
    out = torch.zeros(n, n, dtype=torch.float64)
    out.index_put_((graph[0][0], graph[0][1]), graph[1].double(), accumulate=True)
    return out


@pytest.mark.parametrize("hi, n, m", [(HI, N, M), (HI_WIDE, 4, 7)])
@pytest.mark.parametrize("mediators", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fast", [False, True])
def test_layer_equals_loop_reference(hi, n, m, mediators, weighted, fast):
    torch.manual_seed(0)
    conv = HyperGCNConv(3, 4, mediators=mediators, fast=fast, seed=7)
    torch.nn.init.normal_(conv.bias)
    w = torch.rand(m) + 0.5 if weighted else None
    x = torch.randn(n, 3)
    h = x.double() @ conv.lin.weight.double().T
    L = reference_operator(x if fast else h, hi, n, m, w, mediators, seed=7)
    out = conv(x, hi, w, m)
    assert out.shape == (n, 4) and torch.isfinite(out).all()
    assert torch.allclose(out.double(), L @ h + conv.bias.double(), atol=1e-5)
    iso = (torch.bincount(hi[0], minlength=n) == 0).nonzero().view(-1)
    assert torch.allclose(out[iso], (h[iso] + conv.bias.double()).float(), atol=1e-6)  # only self-loop


def test_weights_mediators_and_singletons():
    """|e| = 2 with mediators: weight 1 (2|e|-3 = 1); without: 1/|e|; |e| = 3: 1/3 on each of the
    three links; singletons add nothing; hyperedges add up."""
    hi = torch.tensor([[0, 1, 1, 2, 3, 2], [0, 0, 1, 1, 1, 2]])  # {0,1}, {1,2,3}, {2}
    x = torch.tensor([[0.0], [1.0], [3.0], [2.0]])  # projections ordered like x (r > 0)
    for mediators, w01, w123 in ((True, 1.0, 1 / 3), (False, 0.5, 1 / 3)):
        ei, val = hypergcn_graph(x, hi, 3, mediators=mediators, generator=torch.Generator().manual_seed(0))
        A = torch.zeros(4, 4, dtype=torch.float64)
        A[0, 1] = A[1, 0] = w01
        A[1, 2] = A[2, 1] = w123  # argmin 1, argmax 2
        if mediators:
            A[3, 1] = A[1, 3] = A[3, 2] = A[2, 3] = w123  # mediator 3
        A += torch.eye(4, dtype=torch.float64)
        d = A.sum(1).pow(-0.5)
        assert torch.allclose(to_dense((ei, val), 4), d[:, None] * A * d[None, :], atol=1e-6)


def test_ties_pick_distinct_extremes():
    hi = torch.tensor([[2, 0, 3, 1], [0, 0, 0, 0]])
    x = torch.ones(4, 2)  # all projections equal
    ei, val = hypergcn_graph(x, hi, 1, mediators=False)
    off = ei[0] != ei[1]
    assert ei[:, off].tolist() == [[0, 3], [3, 0]]  # smallest id among maxima, largest among minima
    ei, val = hypergcn_graph(x, hi, 1, mediators=True)
    A = to_dense((ei, val), 4)
    assert A[0, 3] > 0 and A[1, 0] > 0 and A[1, 3] > 0 and A[2, 0] > 0 and A[1, 2] == 0


def test_projection_is_reproducible_and_redrawn():
    torch.manual_seed(0)
    hi = torch.stack([torch.arange(8), torch.zeros(8, dtype=torch.long)])  # one hyperedge of 8 nodes
    conv = HyperGCNConv(3, 8, mediators=False, fast=False, seed=3)
    x = torch.randn(8, 3)
    outs = [conv(x, hi) for _ in range(10)]
    assert any(not torch.allclose(outs[0], o) for o in outs[1:])  # a new projection per call
    conv.reset_parameters()
    conv2 = HyperGCNConv(3, 8, mediators=False, fast=False, seed=3)
    conv2.load_state_dict(conv.state_dict())
    assert all(torch.equal(conv(x, hi), conv2(x, hi)) for _ in range(3))


def test_fast_graph_cached_and_invalidated(monkeypatch):
    calls = []
    real = HG.hypergcn_graph
    monkeypatch.setattr(HG, "hypergcn_graph", lambda *a, **k: calls.append(1) or real(*a, **k))
    conv = HyperGCNConv(3, 2, fast=True)
    x, hi = torch.randn(N, 3), HI.clone()
    a = conv(x, hi)
    assert torch.equal(a, conv(x, hi)) and len(calls) == 1
    x.mul_(2.0)  # new input features: rebuilt
    conv(x, hi)
    assert len(calls) == 2
    hi[0, 0] = 5  # in-place structure change: rebuilt
    conv(x, hi)
    assert len(calls) == 3
    conv(x, hi, torch.ones(M))
    assert len(calls) == 4


def test_gradcheck():
    torch.manual_seed(0)
    x = torch.randn(N, 3, dtype=torch.float64, requires_grad=True)
    fast = HyperGCNConv(3, 2, fast=True).double()
    assert torch.autograd.gradcheck(lambda t: fast(t, HI, None, M, graph=fast.graph(x.detach(), HI)), (x,))
    slow = HyperGCNConv(3, 2, fast=False).double()

    def f(t):
        slow.generator.manual_seed(0)  # the same projection at every evaluation
        return slow(t, HI, None, M)

    assert torch.autograd.gradcheck(f, (x,))
    f(x).sum().backward()
    assert slow.lin.weight.grad is not None and x.grad is not None


def test_reset_parameters_repr_and_errors():
    conv = HyperGCNConv(16, 32)
    before = conv.lin.weight.clone()
    with torch.no_grad():
        conv.bias.fill_(3.0)
    conv.reset_parameters()
    assert not torch.equal(before, conv.lin.weight) and torch.all(conv.bias == 0)
    assert str(conv) == "HyperGCNConv(16, 32, mediators=True, fast=False)"
    assert HyperGCNConv(2, 3, bias=False).bias is None
    with pytest.raises(ValueError, match="hyperedge_weight"):
        conv(torch.randn(N, 16), HI, torch.ones(3), M)


@pytest.mark.parametrize("fast", [True, False])
def test_model_forward_backward_and_hidden(fast, monkeypatch):
    calls = []
    real = HG.hypergcn_graph
    monkeypatch.setattr(HG, "hypergcn_graph", lambda *a, **k: calls.append(1) or real(*a, **k))
    torch.manual_seed(0)
    model = HyperGCN(3, 8, 4, num_layers=3, batch_norm=True, fast=fast)
    x = torch.randn(N, 3)
    out, hidden = model(x, HI, return_hidden=True)
    assert out.shape == (N, 4) and hidden.shape == (N, 8)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model(x, HI)
    assert len(calls) == (1 if fast else 6)  # fast: one graph from x, shared by all layers
    model.eval()
    if fast:
        assert torch.equal(model(x, HI), model(x, HI))
    assert "num_layers=3" in repr(model)
    with pytest.raises(ValueError, match="num_layers"):
        HyperGCN(3, 8, 4, num_layers=0)
