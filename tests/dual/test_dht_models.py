"""EHGNN, HyperDrop, HyperCluster and the graph-classification networks on tiny graphs."""

from __future__ import annotations

import math

import pytest
import torch
from torch_geometric.data import Batch, Data

from hypergraph.data.transforms import dual_incidence
from hypergraph.nn import (
    EHGNNConv,
    HyperCluster,
    HyperClusterAutoencoder,
    HyperClusterNet,
    HyperDrop,
    HyperDropNet,
)


def _graph(n: int, m: int, seed: int, e_dim: int = 3) -> Data:
    g = torch.Generator().manual_seed(seed)
    ei = torch.randint(0, n, (2, m), generator=g)
    return Data(
        x=torch.randn(n, 5, generator=g),
        edge_index=ei,
        edge_attr=torch.randn(m, e_dim, generator=g),
        y=torch.tensor([seed % 2]),
    )


def _dense_M(edge_index: torch.Tensor, n: int) -> torch.Tensor:
    m = edge_index.size(1)
    M = torch.zeros(n, m)
    M[edge_index[0], torch.arange(m)] = 1
    M[edge_index[1], torch.arange(m)] = 1
    return M


def test_ehgnn_is_row_normalised_dual_conv():
    """E' = D^-1 M^T B^-1 M E Theta + b (paper form), D = dual-node degree, B = node degree."""
    torch.manual_seed(0)
    data = _graph(6, 9, 0)
    conv = EHGNNConv(3, 4)
    out = conv(data.edge_attr, data.edge_index, 6)
    M = _dense_M(data.edge_index, 6)
    D = M.sum(0)
    B = M.sum(1)
    Binv = torch.where(B > 0, 1 / B, torch.zeros_like(B))
    ref = torch.diag(1 / D) @ M.t() @ torch.diag(Binv) @ M @ conv.conv.lin(data.edge_attr) + conv.conv.bias
    torch.testing.assert_close(out, ref)


def test_ehgnn_symmetric_option():
    torch.manual_seed(0)
    data = _graph(6, 9, 1)
    conv = EHGNNConv(3, 4, kind="hgnn")
    out = conv(data.edge_attr, data.edge_index, 6)
    M = _dense_M(data.edge_index, 6)
    Dis = M.sum(0).pow(-0.5)
    B = M.sum(1)
    Binv = torch.where(B > 0, 1 / B, torch.zeros_like(B))
    ref = torch.diag(Dis) @ M.t() @ torch.diag(Binv) @ M @ torch.diag(Dis) @ conv.conv.lin(data.edge_attr)
    torch.testing.assert_close(out, ref + conv.conv.bias)
    with pytest.raises(ValueError, match="unknown EHGNN kind"):
        EHGNNConv(3, 4, kind="gat")


def test_hyperdrop_keeps_top_ceil_ratio_per_graph():
    torch.manual_seed(0)
    batch = Batch.from_data_list([_graph(5, 7, 0), _graph(4, 3, 1), _graph(6, 10, 2)])
    e = torch.randn(batch.edge_index.size(1), 3)
    drop = HyperDrop(3, ratio=0.5)
    edge_batch = batch.batch[batch.edge_index[0]]
    e2, ei2, w, perm = drop(e, batch.edge_index, edge_batch, batch.num_nodes)
    kept = torch.bincount(edge_batch[perm], minlength=3).tolist()
    assert kept == [math.ceil(0.5 * 7), math.ceil(0.5 * 3), math.ceil(0.5 * 10)]
    score = torch.tanh(drop.score(e, batch.edge_index, batch.num_nodes).view(-1))
    for g in range(3):  # the kept edges are the highest-scoring ones of their graph
        mask = edge_batch == g
        kept_scores = score[perm][edge_batch[perm] == g]
        assert kept_scores.min() >= score[mask].topk(kept[g]).values.min() - 1e-7
    torch.testing.assert_close(w, score[perm].clamp(0, 1))
    assert torch.equal(ei2, batch.edge_index[:, perm]) and torch.equal(e2, e[perm])
    w.sum().backward()  # the scorer is trained through the edge weights
    assert drop.score.conv.lin.weight.grad is not None


def test_hyperdropnet_never_drops_nodes_and_trains():
    torch.manual_seed(0)
    batch = Batch.from_data_list([_graph(5, 8, s) for s in range(4)])
    net = HyperDropNet(5, 3, hidden_channels=16, out_channels=2, ratio=0.5)
    out = net(batch)
    assert out.shape == (4, 2)
    torch.nn.functional.cross_entropy(out, batch.y).backward()
    assert all(p.grad is not None for n, p in net.named_parameters() if "drops.1" not in n)
    # GCN baseline: same path, no edge branch; no edge features: edges start as ones
    gcn = HyperDropNet(5, 0, hidden_channels=16, out_channels=2, use_ehgnn=False)
    assert len(gcn.edge_convs) == 0 and len(gcn.drops) == 0
    del batch.edge_attr
    assert HyperDropNet(5, 0, hidden_channels=16, out_channels=2, ratio=0.7)(batch).shape == (4, 2)


def test_hypercluster_assignment():
    torch.manual_seed(0)
    batch = Batch.from_data_list([_graph(5, 6, 0, 8), _graph(3, 2, 1, 8), _graph(4, 0, 2, 8)])
    pool = HyperCluster(8, num_clusters=3, cluster=True)
    eb = batch.batch[batch.edge_index[0]]
    out, C, mask = pool(batch.edge_attr, batch.edge_index, eb, batch.num_nodes, 3)
    assert out.shape == (3, 3, 8) and C.shape == (3, 6, 3)
    torch.testing.assert_close(C[mask].sum(-1), torch.ones(int(mask.sum())))  # each edge assigned
    assert torch.all(C[~mask] == 0)
    att = HyperCluster(8, num_clusters=3, cluster=False, heads=2)
    out2, C2, _ = att(
        batch.edge_attr, batch.edge_index, eb, batch.num_nodes, 3, dual_incidence(batch.edge_index)
    )
    assert torch.isfinite(out2).all()  # the edgeless graph gives finite output
    torch.testing.assert_close(C2[0].sum(0), torch.ones(3))  # each cluster attends over edges
    net = HyperClusterNet(5, 8, hidden_channels=16, out_channels=2, num_clusters=3)
    net(batch).sum().backward()


def test_hypercluster_autoencoder_reconstructs_bond_types():
    """Edge reconstruction through 3 clusters per graph beats the majority bond type on MUTAG."""
    from conftest import require_data

    from hypergraph.datasets.tu import load_tu

    ds = load_tu("MUTAG", require_data("tu/MUTAG/MUTAG_A.txt"))
    batch = Batch.from_data_list([ds[i] for i in range(24)])
    target = batch.edge_attr.argmax(-1)
    majority = torch.bincount(target).max().item() / target.numel()
    torch.manual_seed(0)
    model = HyperClusterAutoencoder(4, 32, 4, num_clusters=3)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(60):
        loss = torch.nn.functional.cross_entropy(model(batch), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    acc = (model(batch).argmax(-1) == target).float().mean().item()
    assert acc > majority + 0.1, (acc, majority)
