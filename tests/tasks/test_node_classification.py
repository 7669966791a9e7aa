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


def _toy_labelled(root):
    """A 6-node Benson-lab labelled folder (user data: loaded unverified, with a warning)."""
    folder = root / "toy"
    folder.mkdir()
    (folder / "hyperedges-toy.txt").write_text("1,2,3\n3,4\n4,5,6\n6\n")
    (folder / "node-labels-toy.txt").write_text("1\n1\n2\n2\n1\n2\n")
    (folder / "label-names-toy.txt").write_text("a\nb\n")
    return folder


def test_feature_seed_seed_draws_the_label_noise_features_per_run(tmp_path):
    _toy_labelled(tmp_path)
    base = ["dataset.name=toy", f"dataset.root={tmp_path}", "dataset.feature_noise=0.6"]
    per_run = load_config(None, [*base, "dataset.feature_seed=seed"])
    with pytest.warns(UserWarning):
        x0, x1 = (prepare_node_data(per_run, s).x for s in (0, 1))
        fixed1 = load_config(None, [*base, "dataset.feature_seed=1"])
        y0, y1 = (prepare_node_data(fixed1, s).x for s in (0, 1))
    assert not torch.equal(x0, x1)  # a new draw for each run ...
    assert torch.equal(x1, y1) and torch.equal(y0, y1)  # ... equal to the fixed draw of that seed


@pytest.mark.parametrize("value", ["banana", "1.5", "true"])
def test_feature_seed_must_be_an_integer_or_seed(tmp_path, value):
    _toy_labelled(tmp_path)
    with pytest.raises(ValueError, match="dataset.feature_seed must be an integer or 'seed'"):
        load_config(None, ["dataset.name=toy", f"dataset.root={tmp_path}", f"dataset.feature_seed={value}"])
