"""The ``distillation`` task end to end on a tiny synthetic hypergraph, and its config checks."""

from __future__ import annotations

import csv
import math

import pytest
import torch

from hypergraph.data.generators import hypergraph_sbm
from hypergraph.data.splits import per_class_split
from hypergraph.distill.protocol import production_split, row_normalize
from hypergraph.train import ConfigError, load_config, run

torch.set_num_threads(1)

TINY = [
    "task=distillation",
    "dataset.num_nodes=240",
    "dataset.num_classes=3",
    "dataset.num_hyperedges=120",
    "dataset.num_features=16",
    "dataset.feature_signal=1.0",
    "split.num_train_per_class=5",
    "split.num_val_per_class=10",
    "trainer.max_epochs=3",
    "trainer.enable_progress_bar=false",
    "trainer.enable_model_summary=false",
    "num_threads=1",
]


def test_transductive_run_reports_every_method(tmp_path) -> None:
    cfg = load_config(None, [*TINY, f"run_dir={tmp_path}"])
    res = run(cfg)
    m = res["per_seed"][0]
    for name in ("hgnn", "mlp", "lighthgnn", "lighthgnn_plus"):
        assert 0.0 <= m[f"acc_{name}"] <= 1.0
        assert math.isfinite(m[f"topo_{name}"]) and m[f"topo_{name}"] > 0
    assert m["test_acc"] == m["acc_lighthgnn_plus"]
    assert 0.0 <= m["mean_reliability"] <= 1.0
    # the exported TorchScript student reloads and predicts from x alone
    scripted = torch.jit.load(str(tmp_path / "seed_0" / "lighthgnn_plus_student.pt"))
    assert scripted(torch.randn(5, 16)).shape == (5, 3)


def test_teacher_trains_on_neighbour_batches(tmp_path, monkeypatch) -> None:
    """loader.kind=neighbor: the teacher's training batches come from a neighbour loader (15
    training nodes, 4 per batch: 4 steps an epoch, not 1); every method is still reported."""
    from hypergraph.loader import HypergraphNeighborLoader
    from hypergraph.tasks.base_node import NodeDataModule

    loaders, make = [], NodeDataModule.train_dataloader

    def recording(dm: NodeDataModule) -> object:
        loaders.append(make(dm))
        return loaders[-1]

    monkeypatch.setattr(NodeDataModule, "train_dataloader", recording)
    over = ["loader.kind=neighbor", "loader.batch_size=4", "loader.num_neighbors=[5,5]"]
    m = run(load_config(None, [*TINY, *over, "distill.export=false", f"run_dir={tmp_path}"]))["per_seed"][0]
    assert len(loaders) == 1 and isinstance(loaders[0], HypergraphNeighborLoader)  # the teacher's only
    for name in ("hgnn", "mlp", "lighthgnn", "lighthgnn_plus"):
        assert 0.0 <= m[f"acc_{name}"] <= 1.0
    rows = list(csv.DictReader(open(tmp_path / "seed_0" / "hgnn" / "logs" / "metrics.csv")))
    assert len({int(r["step"]) for r in rows if r.get("train_loss")}) == 3 * 4
    assert any(r.get("train_seeds_per_s") and float(r["train_seeds_per_s"]) > 0 for r in rows)


@pytest.mark.parametrize("override", ["loader.bogus=1", "loader.kind=foo"])
def test_bad_loader_is_refused_as_in_node_classification(override: str) -> None:
    errors = []
    for task in ("node_classification", "distillation"):
        with pytest.raises(ValueError, match="loader") as err:  # ConfigError is a ValueError
            load_config(None, [f"task={task}", override])
        errors.append(str(err.value))
    assert errors[0] == errors[1]


def test_production_run_reports_three_accuracies(tmp_path) -> None:
    cfg = load_config(
        None, [*TINY, "setting=production", "distill.methods=[lighthgnn_plus]", f"run_dir={tmp_path}"]
    )
    m = run(cfg)["per_seed"][0]
    for kind in ("trans", "ind", "prod"):
        for name in ("hgnn", "lighthgnn_plus"):
            assert 0.0 <= m[f"{kind}_{name}"] <= 1.0
    assert m["test_acc"] == m["prod_lighthgnn_plus"]


def test_production_split_holds_out_test_nodes_only() -> None:
    hg = hypergraph_sbm(num_nodes=300, num_classes=3, num_hyperedges=100, seed=0)
    for k, v in per_class_split(hg.y, 5, 10, seed=0).items():
        hg[k] = v
    sub, ind = production_split(hg, 0.9, seed=0)
    n_test = int(hg.test_mask.sum())
    assert int(ind.sum()) == int(n_test * 0.9)
    assert bool(hg.test_mask[ind].all())
    assert sub.num_nodes == 300 - int(ind.sum())
    assert not bool(ind[sub.node_id].any())
    assert int(sub.train_mask.sum()) == 15 and int(sub.val_mask.sum()) == 30
    assert torch.equal(sub.y, hg.y[sub.node_id])
    deg = torch.bincount(sub.hyperedge_index[0], minlength=sub.num_nodes)
    assert bool((deg > 0).all())  # isolated observed nodes got a singleton hyperedge
    size = torch.bincount(sub.hyperedge_index[1], minlength=sub.num_hyperedges)
    assert bool((size > 0).all())  # emptied hyperedges were dropped
    sub.validate_structure()


def test_row_normalize() -> None:
    x = torch.tensor([[1.0, 3.0], [0.0, 0.0]])
    assert row_normalize(x).tolist() == [[0.25, 0.75], [0.0, 0.0]]


@pytest.mark.parametrize(
    "override,match",
    [
        ("teacher.lrr=0.1", "teacher"),
        ("teacher.model.hiden=3", "hiden"),
        ("student.model.name=hgnn", "MLP"),
        ("distill.methods=[mlp,glnn]", "distill.methods"),
        ("distill.primary=lighthgnn_plus", "primary"),
        ("distill.loss_form=js", "loss_form"),
        ("setting=inductive", "setting"),
        ("production.test_ind_ratio=1.0", "test_ind_ratio"),
        ("distill.tau=0", "tau"),
        ("teacher.ckpt=/nonexistent/teacher.ckpt", "teacher.ckpt"),
    ],
)
def test_bad_config_is_refused(override: str, match: str) -> None:
    extra = ["distill.methods=[mlp]"] if "primary" in override else []
    with pytest.raises((KeyError, ValueError, FileNotFoundError, ConfigError), match=match):
        load_config(None, ["task=distillation", *extra, override])


def test_shipped_configs_load() -> None:
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    paths = sorted(repo.glob("configs/lighthgnn_*.yaml"))
    assert len(paths) >= 8
    for p in paths:
        cfg = load_config(str(p))
        assert cfg.task == "distillation"
        if cfg.dataset.name in ("cocitation-pubmed", "coauthorship-dblp"):
            assert cfg.features.kind != "raw"  # no features offline: must say so


def test_teacher_from_checkpoint(tmp_path) -> None:
    """A teacher given as a NodeClassification-style checkpoint is used as is, not retrained."""
    from hypergraph.nn.models import HGNN
    from hypergraph.tasks.base_node import prepare_node_data

    torch.manual_seed(0)
    teacher = HGNN(16, 32, 3)
    path = tmp_path / "teacher.ckpt"
    torch.save({"state_dict": {f"model.{k}": v for k, v in teacher.state_dict().items()}}, path)
    args = [*TINY, "distill.methods=[lighthgnn]", "distill.primary=lighthgnn", f"teacher.ckpt={path}"]
    cfg = load_config(None, [*args, f"run_dir={tmp_path / 'run'}"])
    m = run(cfg)["per_seed"][0]
    data = prepare_node_data(cfg, 0)
    with torch.no_grad():
        logits = teacher.eval()(data.x, data.hyperedge_index, None, data.num_hyperedges)
    expected = float((logits[data.test_mask].argmax(-1) == data.y[data.test_mask]).float().mean())
    assert m["acc_hgnn"] == pytest.approx(expected)
    assert not (tmp_path / "run" / "seed_0" / "hgnn").exists()  # no teacher training happened
