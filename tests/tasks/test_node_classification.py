import pytest
import torch
from conftest import require_data

from hypergraph.data.features import structural_features
from hypergraph.data.generators import hypergraph_sbm
from hypergraph.tasks.base_node import prepare_node_data
from hypergraph.train import load_config


def test_missing_features_fail_unless_structural_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path))
    root = require_data("hypergcn/cocitation-pubmed.npz")
    cfg = load_config(None, ["dataset.name=cocitation-pubmed", f"dataset.root={root}"])
    with pytest.raises(ValueError, match="has no node features in this copy; set features.kind"):
        prepare_node_data(cfg, 0)
    cfg = load_config(
        None,
        ["dataset.name=cocitation-pubmed", f"dataset.root={root}", "features.kind=random", "features.dim=8"],
    )
    data = prepare_node_data(cfg, 0)
    assert data.x.shape == (19717, 8)


def test_prepare_node_data_masks_and_self_loops():
    cfg = load_config(
        None,
        [
            "dataset.num_nodes=300",
            "dataset.num_hyperedges=50",
            "preprocess.self_loops=isolated",
            "split.kind=per_class",
            "split.num_train_per_class=5",
            "split.num_val_per_class=10",
        ],
    )
    data = prepare_node_data(cfg, 0)
    assert int(data.train_mask.sum()) == 25 and int(data.val_mask.sum()) == 50
    assert bool((torch.bincount(data.hyperedge_index[0], minlength=300) > 0).all())  # no isolated node left


def test_structural_features():
    hg = hypergraph_sbm(num_nodes=200, num_hyperedges=120, seed=0)
    spec = structural_features(hg, "spectral", dim=8)
    assert spec.shape == (200, 8) and torch.isfinite(spec).all()
    # leading eigenvectors are orthogonal
    gram = spec.T @ spec / 200
    assert torch.allclose(gram, torch.eye(8), atol=1e-3)
    assert torch.equal(structural_features(hg, "onehot"), torch.eye(200))
    with pytest.raises(ValueError, match="unknown feature kind"):
        structural_features(hg, "magic")


def test_onehot_refused_for_large_graphs():
    from hypergraph.data import Hypergraph

    big = Hypergraph(hyperedge_index=torch.zeros(2, 0, dtype=torch.long), num_nodes=20_001, num_hyperedges=0)
    with pytest.raises(ValueError, match="onehot features need an N x N matrix"):
        structural_features(big, "onehot")
