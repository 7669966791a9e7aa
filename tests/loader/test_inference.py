import pytest
import torch
from torch_geometric.utils import scatter

from hypergraph.data.generators import hypergraph_sbm
from hypergraph.loader.inference import (
    NodeChunk,
    chunked_inference,
    inference_steps,
    register_inference_steps,
)
from hypergraph.nn.conv.hgnn_conv import HGNNConv
from hypergraph.nn.models.hgnn import HGNN, HGNNP
from hypergraph.nn.models.mlp import MLP


@pytest.fixture
def hg():
    n, m = 150, 90
    g = hypergraph_sbm(n, 3, m, mean_size=4.0, num_features=6, seed=4)
    hi = g.hyperedge_index
    g.hyperedge_index = hi[:, (hi[0] != 0) & (hi[1] != m - 1)]  # node 0 isolated, hyperedge m-1 empty
    g.hyperedge_weight = torch.rand(m, generator=torch.Generator().manual_seed(1)) + 0.5
    return g


def trained_bn(model, hg):
    model.train()
    model(hg.x, hg.hyperedge_index, hg.hyperedge_weight, hg.num_hyperedges)  # BatchNorm statistics
    return model


@pytest.mark.parametrize("model_cls", [HGNN, HGNNP, MLP])
@pytest.mark.parametrize("chunk_size", [1, 16, 1000])
def test_chunked_equals_full_batch(hg, model_cls, chunk_size):
    torch.manual_seed(0)
    model = trained_bn(model_cls(6, 8, 3, num_layers=3, batch_norm=True, dropout=0.5), hg)
    out = chunked_inference(model, hg, chunk_size=chunk_size)
    assert model.training  # mode restored
    model.eval()
    with torch.no_grad():
        full = model(hg.x, hg.hyperedge_index, hg.hyperedge_weight, hg.num_hyperedges)
    assert out.shape == full.shape
    assert torch.allclose(out, full, atol=1e-5)
    assert not torch.isnan(out).any()


def test_tensor_arguments_and_unweighted(hg):
    torch.manual_seed(0)
    model = HGNN(6, 8, 3).eval()
    full = model(hg.x, hg.hyperedge_index)
    out = chunked_inference(model, x=hg.x, hyperedge_index=hg.hyperedge_index, chunk_size=40)
    assert torch.allclose(out, full, atol=1e-5)
    conv = HGNNConv(6, 4)  # a single layer is a model too
    assert torch.allclose(
        chunked_inference(conv, hg, chunk_size=7),
        conv(hg.x, hg.hyperedge_index, hg.hyperedge_weight, hg.num_hyperedges),
        atol=1e-5,
    )


class SumMeanModel(torch.nn.Module):
    """A toy plug-in: x' = mean over hyperedges e of v of (sum of members' features of e)."""

    def forward(self, x, hyperedge_index, *args, **kwargs):
        v, e = hyperedge_index
        M = int(e.max()) + 1
        he = scatter(x[v], e, 0, dim_size=M, reduce="sum")
        return scatter(he[e], v, 0, dim_size=x.size(0), reduce="mean")

    def inference_steps(self):
        return [SumMeanStep(), torch.tanh]


class SumMeanStep:
    def node_to_hyperedge(self, x, chunk: NodeChunk):
        v, e = chunk.hyperedge_index
        return e, x[v]

    def hyperedge_to_node(self, x, messages, chunk: NodeChunk):
        v, e = chunk.hyperedge_index
        return scatter(messages[e], v, 0, dim_size=chunk.num_nodes, reduce="mean")


def test_layerwise_protocol_plugs_in(hg):
    model = SumMeanModel()
    out = chunked_inference(model, hg, chunk_size=13)
    full = torch.tanh(model(hg.x, hg.hyperedge_index))
    assert torch.allclose(out, full, atol=1e-5)


def test_registered_adapter_and_errors(hg):
    class Doubler(torch.nn.Module):
        def forward(self, x, *args):
            return 2 * x

    with pytest.raises(TypeError, match="chunked inference"):
        inference_steps(Doubler())
    register_inference_steps(Doubler)(lambda model: [lambda h: 2 * h])
    assert torch.equal(chunked_inference(Doubler(), hg, chunk_size=50), 2 * hg.x)
    with pytest.raises(ValueError, match="chunk_size"):
        chunked_inference(HGNN(6, 4, 2), hg, chunk_size=0)
