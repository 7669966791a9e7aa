import pytest
import torch
import torch.nn.functional as F

import hypergraph.nn.conv._clique_expansion as CE
from hypergraph.nn.conv._clique_expansion import CliqueExpansionCache
from hypergraph.nn.models.cegnn import CEGAT, CEGCN

HI = torch.tensor([[0, 1, 2, 1, 3, 4, 0, 2, 3, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4]])
N, M = 6, 5  # node 5 isolated; hyperedge 3 a singleton; hyperedges 0 and 4 duplicates
HI_WIDE = torch.tensor([[0, 1, 0, 1, 3, 0, 1], [0, 0, 1, 2, 3, 4, 5]])  # N=4 < M=7, node 2 isolated, e6 empty


def dense_adjacency(hi, n, m, w=None):
    H = torch.zeros(n, m, dtype=torch.float64)
    H[hi[0], hi[1]] = 1.0
    w = torch.ones(m, dtype=torch.float64) if w is None else w.double()
    A = H @ torch.diag(w) @ H.T
    A.fill_diagonal_(0.0)
    return A


def gcn_operator(A):
    A = A + torch.eye(A.size(0), dtype=torch.float64)
    d = A.sum(1).pow(-0.5)
    return d[:, None] * A * d[None, :]


@pytest.mark.parametrize("hi, n, m", [(HI, N, M), (HI_WIDE, 4, 7)])
@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("with_w", [False, True])
def test_cegcn_equals_closed_form(hi, n, m, weighted, with_w):
    torch.manual_seed(0)
    w = torch.rand(m) + 0.5 if with_w else None
    model = CEGCN(3, 8, 4, num_layers=2, weighted=weighted).eval()
    for conv in model.convs:
        torch.nn.init.normal_(conv.bias)
    x = torch.randn(n, 3)
    A = dense_adjacency(hi, n, m, w if weighted else None)
    if not weighted:
        A = (A > 0).double()
    L = gcn_operator(A)
    c0, c1 = model.convs
    h = F.relu(L @ (x.double() @ c0.lin.weight.double().T) + c0.bias.double())
    ref = L @ (h @ c1.lin.weight.double().T) + c1.bias.double()
    out, hidden = model(x, hi, w, m, return_hidden=True)
    assert out.shape == (n, 4) and hidden.shape == (n, 8)
    assert torch.allclose(out.double(), ref, atol=1e-5)
    assert torch.allclose(hidden.double(), h, atol=1e-5)


def loop_gat(x, edges, conv):
    """Per-node Python-loop GAT (one head, self-loops added) on a directed edge list (tests only)."""
    n = x.size(0)
    h = x.double() @ conv.lin.weight.double().T
    a_src, a_dst = conv.att_src.double().view(-1), conv.att_dst.double().view(-1)
    out = torch.zeros_like(h)
    for v in range(n):
        nbrs = sorted({int(u) for u, t in edges.t() if int(t) == v and int(u) != v} | {v})
        s = torch.stack([F.leaky_relu(h[u] @ a_src + h[v] @ a_dst, 0.2) for u in nbrs])
        a = torch.softmax(s, 0)
        out[v] = sum(a[k] * h[u] for k, u in enumerate(nbrs))
    return out + conv.bias.double()


@pytest.mark.parametrize("hi, n, m", [(HI, N, M), (HI_WIDE, 4, 7)])
def test_cegat_equals_per_node_loop(hi, n, m):
    torch.manual_seed(0)
    model = CEGAT(3, 8, 4, num_layers=1).eval()
    torch.nn.init.normal_(model.convs[0].bias)
    x = torch.randn(n, 3)
    A = dense_adjacency(hi, n, m)
    edges = (A > 0).nonzero().t()
    assert torch.allclose(model(x, hi, None, m).double(), loop_gat(x, edges, model.convs[0]), atol=1e-5)


def test_cegat_heads_and_hidden():
    torch.manual_seed(0)
    model = CEGAT(3, 8, 4, num_layers=3, heads=2, output_heads=3, batch_norm=True, attention_dropout=0.1)
    x = torch.randn(N, 3)
    out, hidden = model(x, HI, return_hidden=True)
    assert out.shape == (N, 4) and hidden.shape == (N, 16)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.eval()
    assert torch.equal(model(x, HI), model(x, HI))
    assert repr(model) == "CEGAT(3, 4, num_layers=3)"


def test_cegcn_smoke_and_isolated_node():
    torch.manual_seed(0)
    model = CEGCN(3, 8, 4, num_layers=3, batch_norm=True)
    x = torch.randn(N, 3)
    out, hidden = model(x, HI, return_hidden=True)
    assert out.shape == (N, 4) and hidden.shape == (N, 8) and torch.isfinite(out).all()
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    one = CEGCN(3, 8, 4, num_layers=1).eval()
    c = one.convs[0]
    assert torch.allclose(one(x, HI)[5], c.lin(x[5]) + c.bias, atol=1e-6)  # isolated: self-loop only
    assert repr(model) == "CEGCN(3, 4, num_layers=3)"
    with pytest.raises(ValueError, match="num_layers"):
        CEGCN(3, 8, 4, num_layers=0)
    with pytest.raises(ValueError, match="num_layers"):
        CEGAT(3, 8, 4, num_layers=0)


def test_expansion_cached_per_structure(monkeypatch):
    calls = []
    real = CE.clique_expansion
    monkeypatch.setattr(CE, "clique_expansion", lambda *a, **k: calls.append(1) or real(*a, **k))
    model = CEGCN(3, 8, 4).eval()
    ref = CEGCN(3, 8, 4).eval()
    ref.load_state_dict(model.state_dict())
    x, hi = torch.randn(N, 3), HI.clone()
    other = torch.tensor([[0, 1, 4], [0, 0, 0]])
    for _ in range(3):
        model(x, hi)
        model(x, other)
    assert len(calls) == 2  # one expansion per hypergraph
    hi[0, 0] = 5  # in-place change: rebuilt
    out = model(x, hi)
    assert len(calls) == 3
    ref.expansion.reset_cache()
    assert torch.allclose(out, ref(x, hi), atol=1e-6)
    calls.clear()
    w = torch.ones(M)
    model(x, hi, w)
    w.mul_(2.0)
    model(x, hi, w)
    assert len(calls) == 2  # new weight tensor, then its in-place change
    small = CliqueExpansionCache(max_cached=1)
    small(hi, N)
    small(other, N)
    assert len(small._graphs) == 1
    model.reset_parameters()
    assert len(model.expansion._graphs) == 0


def test_max_edges_refuses_an_expansion_too_large_for_its_messages():
    # HI's expansion: {0,1,2} (twice) and {1,3,4} give 6 pairs, {0,2} is one of them: 12 directed edges
    edge_index, _ = CliqueExpansionCache(gcn=False, max_edges=None)(HI, N, None, M)
    assert edge_index.size(1) == 12
    assert CliqueExpansionCache(gcn=False, max_edges=12)(HI, N, None, M)[0].size(1) == 12  # at the limit
    with pytest.raises(ValueError, match=r"has 12 directed edges, above max_edges=11.*model.max_edges"):
        CliqueExpansionCache(gcn=False, max_edges=11)(HI, N, None, M)  # checked after building
    big = torch.stack([torch.arange(100), torch.zeros(100, dtype=torch.long)])  # one hyperedge of 100
    with pytest.raises(ValueError, match=r"at least 9,900 directed edges, above max_edges=1,000"):
        CEGAT(3, 4, 2, max_edges=1000)(torch.randn(100, 3), big, None, 1)  # refused before building
    with pytest.raises(ValueError, match="max_edges must be >= 0"):
        CEGCN(3, 4, 2, max_edges=-1)
    assert CEGCN(3, 4, 2, max_edges=None)(torch.randn(100, 3), big, None, 1).shape == (100, 2)
