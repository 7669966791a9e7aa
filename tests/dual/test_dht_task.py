"""Task ``graph_classification``: CV folds, the config runner on a MUTAG slice, the OGB path
offline on a generated OGB-format dataset, and config validation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import require_data
from omegaconf import OmegaConf

from hypergraph.datasets.ogb_graph import load_ogbg, make_synthetic_ogbg
from hypergraph.tasks.graph_classification import run, tu_fold_indices
from hypergraph.train import ConfigError, load_config, main


def test_fold_indices_partition():
    y = np.array([0] * 30 + [1] * 20)
    tests = []
    for k in range(10):
        s = tu_fold_indices(y, k, 10, split_seed=3)
        allidx = np.concatenate([s["train"], s["valid"], s["test"]])
        assert sorted(allidx.tolist()) == list(range(50))  # disjoint and covering
        prev = tu_fold_indices(y, (k - 1) % 10, 10, split_seed=3)
        assert np.array_equal(s["valid"], prev["test"])  # validation = the previous fold
        assert y[s["test"]].sum() == 2  # stratified
        tests.append(s["test"])
    assert sorted(np.concatenate(tests).tolist()) == list(range(50))


@pytest.fixture
def mutag_root(tmp_path) -> Path:
    from test_dht_tu import _mutag_slice

    src = require_data("tu/MUTAG/MUTAG_A.txt") / "tu" / "MUTAG"
    _mutag_slice(src, tmp_path / "data" / "tu" / "MUTAG40", 40, name="MUTAG40")
    return tmp_path / "data"


def test_runner_runs_all_folds_and_prints_mean_std(mutag_root, tmp_path, capsys):
    rc = main(
        [
            "config=configs/hyperdrop_mutag.yaml",
            f"dataset.root={mutag_root}",
            "dataset.name=MUTAG40",
            "dataset.folds=4",
            "dataset.batch_size=16",
            "seeds=[0,1,2,3]",
            "model.hidden_channels=16",
            "trainer.max_epochs=2",
            "optim.warmup_epochs=1",
            f"out_dir={tmp_path / 'runs'}",
        ]
    )
    assert rc == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("test_acc "))
    assert line.endswith("(4 seeds)")
    import json

    res = json.loads(next((tmp_path / "runs").glob("*/results.json")).read_text())
    accs = [m["test_acc"] for m in res["per_seed"]]
    mean = float(np.mean(accs))
    std = float(np.std(accs))
    assert line == f"test_acc {mean:.4f} ± {std:.4f} (4 seeds)"  # mean ± std over the folds


def test_ogb_path_offline_rocauc(tmp_path):
    meta = make_synthetic_ogbg(tmp_path / "ogbg_synth", num_graphs=48, seed=1)
    ds, split = load_ogbg("ogbg-molhiv", meta_dict=meta)
    assert len(ds) == 48 and set(split) == {"train", "valid", "test"}
    cfg = load_config(
        overrides=[
            "task=graph_classification",
            "dataset.name=ogbg-molhiv",
            "dataset.batch_size=16",
            "model.hidden_channels=16",
            "model.ratio=0.5",
            "trainer.max_epochs=2",
            "optim.warmup_epochs=1",
        ]
    )
    cfg.dataset.meta_dict = meta  # the generated folder stands in for the download
    metrics = run(cfg, 0, tmp_path / "seed_0", None)
    assert 0.0 <= metrics["test_rocauc"] <= 1.0 and 0.0 <= metrics["val_rocauc"] <= 1.0
    assert math.isfinite(metrics["val_loss"])


def test_hypercluster_and_gcn_configs_build(mutag_root, tmp_path):
    for cfg_file in ("configs/hypercluster_mutag.yaml", "configs/gcn_mutag.yaml"):
        cfg = load_config(
            cfg_file,
            [
                f"dataset.root={mutag_root}",
                "dataset.name=MUTAG40",
                "dataset.folds=4",
                "seeds=[1]",
                "model.hidden_channels=8",
                "trainer.max_epochs=1",
                "optim.patience=0",
            ],
        )
        metrics = run(cfg, 1, tmp_path / Path(cfg_file).stem, None)
        assert 0.0 <= metrics["test_acc"] <= 1.0


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["dataset.bogus=1"], "unknown key"),
        (["seeds=[10]"], r"fold indices in \[0, 10\)"),
        (["model.foo=2"], "unknown key"),
        (["model.name=gat"], "unknown model.name for graph classification"),
        (["model.in_channels=3"], "set from the dataset"),
        (["trainer.max_epoch=3"], "unknown key"),
    ],
)
def test_config_validation(overrides, message):
    with pytest.raises((ConfigError, KeyError, ValueError), match=message):
        load_config("configs/hyperdrop_mutag.yaml", overrides)


def test_all_dual_configs_load():
    for f in sorted(Path("configs").glob("*.yaml")):
        if f.name.startswith(("hyperdrop_", "gcn_", "hypercluster_")):
            cfg = load_config(str(f))
            assert cfg.task == "graph_classification" and list(cfg.seeds) == list(range(10))
            OmegaConf.to_container(cfg, resolve=True)
