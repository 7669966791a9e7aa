"""The node_degree / hyperedge_degree overrides of the operators and layers (used by mini-batches)."""

import pytest
import torch

from hypergraph.data.ops import build_operator, propagate
from hypergraph.nn.conv.hgnn_conv import HGNNConv
from hypergraph.nn.conv.hgnnp_conv import HGNNPConv

HI = torch.tensor([[0, 1, 2, 1, 3, 0, 2], [0, 0, 0, 1, 1, 2, 2]])
N, M = 5, 4  # node 4 isolated, hyperedge 3 empty
W = torch.tensor([1.0, 2.0, 0.5, 3.0])


def dense(kind, dv, de, w):
    H = torch.zeros(N, M, dtype=torch.float64)
    H[HI[0], HI[1]] = 1.0

    def inv(t, p=1.0):
        return torch.where(t > 0, t.double().pow(-p), torch.zeros((), dtype=torch.float64))

    if kind == "hgnn":
        return (
            torch.diag(inv(dv, 0.5)) @ H @ torch.diag(w.double() * inv(de)) @ H.T @ torch.diag(inv(dv, 0.5))
        )
    return torch.diag(inv(dv)) @ H @ torch.diag(w.double() * inv(de)) @ H.T


@pytest.mark.parametrize("kind", ["hgnn", "hgnnp"])
def test_operator_and_propagate_use_given_degrees(kind):
    dv = torch.tensor([3.0, 1.5, 2.0, 4.0, 0.0])
    de = torch.tensor([5.0, 2.0, 3.0, 0.0])
    x = torch.randn(N, 3)
    ref = dense(kind, dv, de, W) @ x.double()
    op = build_operator(kind, HI, N, M, W, node_degree=dv, hyperedge_degree=de)
    assert torch.allclose((op @ x).double(), ref, atol=1e-5)
    out = propagate(kind, x, HI, N, M, W, node_degree=dv, hyperedge_degree=de)
    assert torch.allclose(out.double(), ref, atol=1e-5)
    # only one of them given: the other is computed from the incidences
    local_dv = torch.zeros(N).index_add_(0, HI[0], W[HI[1]])
    ref = dense(kind, local_dv, de, W) @ x.double()
    assert torch.allclose(propagate(kind, x, HI, N, M, W, hyperedge_degree=de).double(), ref, atol=1e-5)
    with pytest.raises(ValueError, match="node_degree must have shape"):
        propagate(kind, x, HI, N, M, W, node_degree=torch.ones(N + 1))
    with pytest.raises(ValueError, match="hyperedge_degree must have shape"):
        build_operator(kind, HI, N, M, W, hyperedge_degree=torch.ones(M - 1))


@pytest.mark.parametrize("cls", [HGNNConv, HGNNPConv])
@pytest.mark.parametrize("cached", [False, True])
def test_layers_accept_degrees_and_cache_follows_them(cls, cached):
    torch.manual_seed(0)
    conv = cls(3, 2, cached=cached)
    ref_conv = cls(3, 2)
    ref_conv.load_state_dict(conv.state_dict())
    x = torch.randn(N, 3)
    dv = torch.tensor([3.0, 1.5, 2.0, 4.0, 0.0])
    de = torch.tensor([5.0, 2.0, 3.0, 0.0])
    a = conv(x, HI, W, M, node_degree=dv, hyperedge_degree=de)
    kind = cls.kind
    expect = dense(kind, dv, de, W) @ conv.lin(x).double() + conv.bias.double()
    assert torch.allclose(a.double(), expect, atol=1e-5)
    plain = conv(x, HI, W, M)  # without degrees: the local ones, not the cached batch operator
    assert torch.allclose(plain, ref_conv(x, HI, W, M), atol=1e-6)
    assert not torch.allclose(plain, a, atol=1e-4)
    dv.mul_(2.0)  # in-place change of the degrees rebuilds a cached operator
    b = conv(x, HI, W, M, node_degree=dv, hyperedge_degree=de)
    assert torch.allclose(b, ref_conv(x, HI, W, M, node_degree=dv, hyperedge_degree=de), atol=1e-6)
    assert not torch.allclose(a, b, atol=1e-4)
