import pytest
import torch

from hypergraph.nn.models import HGNN, HGNNP, MLP

HI = torch.tensor([[0, 1, 2, 2, 3], [0, 0, 0, 1, 1]])


@pytest.mark.parametrize("cls", [HGNN, HGNNP])
def test_hgnn_models(cls):
    m = cls(4, 8, 3, num_layers=3, batch_norm=True)
    x = torch.randn(5, 4)
    out, hidden = m(x, HI, return_hidden=True)
    assert out.shape == (5, 3) and hidden.shape == (5, 8)
    m.eval()
    assert torch.equal(m(x, HI), m(x, HI))
    assert "num_layers=3" in repr(m)
    with pytest.raises(ValueError, match="num_layers"):
        cls(4, 8, 3, num_layers=0)


def test_mlp_ignores_structure():
    m = MLP(4, 8, 3, batch_norm=True).eval()
    x = torch.randn(5, 4)
    assert torch.equal(m(x), m(x, HI, None, 2))
    assert m(x).shape == (5, 3)


def test_layers_share_one_cached_operator():
    m = HGNN(4, 8, 3, num_layers=3, cached=True).eval()
    x = torch.randn(5, 4)
    out = m(x, HI)
    ops = {id(conv.propagation._op) for conv in m.convs}
    assert len(ops) == 1 and m.convs[0].propagation._op is not None
    ref = HGNN(4, 8, 3, num_layers=3, cached=False).eval()
    ref.load_state_dict(m.state_dict())
    assert torch.allclose(out, ref(x, HI), atol=1e-6)
