"""Bad input to the config runner: one line ``error: ...``, exit status 2, no run folder left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hypergraph.train import main

SMALL = ["dataset.num_nodes=120", "dataset.num_hyperedges=60", "trainer.max_epochs=2"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["config=nope.yaml"], "config file 'nope.yaml' not found"),
        (["config=configs"], "is a folder"),
        (["model.hidden_channels=abc"], "model.hidden_channels' must be a number"),
        (["model.hidden_channels=12.5"], "must be an integer"),
        (["optim.lr=fast"], "optim.lr' must be a number"),
        (["trainer.max_epochs=abc"], "trainer.max_epochs' must be a number"),
        (["trainer.max_epochs=0"], "max_epochs must be >= 1"),
        (["seeds=[]"], "seeds is empty"),
        (["model.hidden=16"], "hidden_channels"),
        (["resume=true"], "resume=true needs run_dir"),
        (
            ["dataset.name=cocitation-cora", "dataset.root=/nonexistent", "dataset.download=false"],
            "not found",
        ),
        (["ckpt_path=/nonexistent.ckpt"], "is not a file"),
        # model errors: one line naming the model, no run folder (a traceback before)
        (["model.hidden_channels=0"], "model.hidden_channels must be >= 1, got 0"),
        (["model.hidden_channels=-4"], "model.hidden_channels must be >= 1, got -4"),
        (["model.num_layers=0"], "num_layers must be >= 1, got 0"),
        (["model.dropout=1.5"], "model.dropout must be in [0, 1], got 1.5"),
        (["model.name=unigat", "model.heads=3"], "must be a positive multiple of heads (3)"),
    ],
)
def test_bad_input_is_one_line(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    small = SMALL[2:] if any(a.startswith("dataset.name=") for a in args) else SMALL
    assert main([*small, *args, f"out_dir={tmp_path / 'runs'}"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_yaml_list_and_resume_mismatch(tmp_path, capsys):
    f = tmp_path / "list.yaml"
    f.write_text("- 1\n- 2\n")
    assert main([f"config={f}"]) == 2 and "must hold a mapping" in capsys.readouterr().err
    run_dir = tmp_path / "run"
    base = [*SMALL, "trainer.enable_progress_bar=false", f"run_dir={run_dir}"]
    assert main(base) == 0
    capsys.readouterr()
    assert main([*base, "model.name=mlp", "resume=true"]) == 2  # a finished HGNN run is not an MLP run
    assert "differs from the run" in capsys.readouterr().err
    assert "name: hgnn" in (run_dir / "config.yaml").read_text()  # the record is not rewritten
    assert main(base) == 2  # a second run into the same folder
    assert "already holds a run" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main([*SMALL, f"run_dir={tmp_path / 'empty'}", "resume=true"]) == 2
    assert "holds no run (no config.yaml); nothing to resume" in capsys.readouterr().err
    assert list((tmp_path / "empty").iterdir()) == []
    # regression: resume=true with a run_dir that does not exist trained from scratch
    assert main([*SMALL, f"run_dir={tmp_path / 'missing'}", "resume=true"]) == 2
    assert "holds no run" in capsys.readouterr().err and not (tmp_path / "missing").exists()


def test_run_folder_is_locked(tmp_path, capsys):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / ".lock").write_text(str(os.getppid()))  # a live process holds it
    assert main([*SMALL, f"run_dir={run_dir}"]) == 2
    assert "in use by another run" in capsys.readouterr().err
    (run_dir / ".lock").write_text("999999999")  # stale: taken over
    assert main([*SMALL, "trainer.enable_progress_bar=false", f"run_dir={run_dir}"]) == 0
    assert not (run_dir / ".lock").exists()


def test_nan_features_fail_clearly(tmp_path, capsys, monkeypatch):
    import torch

    import hypergraph.tasks.base_node as base_node

    real = base_node.load_hypergraph

    def poisoned(cfg, seed):
        data = real(cfg, seed)
        x = data.x.clone()
        x[3, 0] = float("nan")
        data.x = x
        return data

    monkeypatch.setattr(base_node, "load_hypergraph", poisoned)
    assert main([*SMALL, f"out_dir={tmp_path / 'runs'}"]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err or "non-finite" in err or "NaN" in err, err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
    assert torch.isfinite(
        real(__import__("omegaconf").OmegaConf.create({"name": "synthetic_hsbm"}), 0).x
    ).all()


def test_help_lists_models_datasets_and_keys(capsys):
    with pytest.raises(SystemExit):
        main(["--help", "task=distillation"])
    out = capsys.readouterr().out
    assert "models:" in out and "edhnn" in out and "datasets:" in out and "walmart-trips" in out
    assert "keys of task 'distillation'" in out and "teacher:" in out


def test_label_out_of_range_is_named(tmp_path, capsys, monkeypatch):
    import hypergraph.tasks.base_node as base_node

    real = base_node.load_hypergraph

    def bad_label(cfg, seed):
        data = real(cfg, seed)
        data.num_classes = int(data.y.max()) + 1
        y = data.y.clone()
        y[7] = 50
        data.y = y
        return data

    monkeypatch.setattr(base_node, "load_hypergraph", bad_label)
    assert main([*SMALL, f"out_dir={tmp_path / 'runs'}"]) == 2
    assert "node 7 has label 50, outside [0, " in capsys.readouterr().err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_garbage_checkpoint_is_one_line(tmp_path, capsys):
    bad = tmp_path / "garbage.ckpt"
    bad.write_text("not a checkpoint\n")
    assert main([*SMALL, f"ckpt_path={bad}", f"out_dir={tmp_path / 'runs'}"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "is not a readable checkpoint" in err
    assert not (tmp_path / "runs").exists()


def test_no_litlogger_advertisement(tmp_path, capfd):
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # pytest would hide a warning from capfd
        warnings.simplefilter("always")
        assert main([*SMALL, "trainer.enable_progress_bar=false", f"out_dir={tmp_path / 'runs'}"]) == 0
    out = capfd.readouterr()
    text = out.out + out.err
    assert "try installing [litlogger]" not in text and "LeafSpec" not in text
    assert not [w for w in caught if "LeafSpec" in str(w.message)]


# ------------------------------------------------------------------ more cases of issue 14
def test_hidden_channels_sets_the_width(tmp_path):
    """Regression: ``model.hidden_channels=16`` was recorded in config.yaml and ignored (64)."""
    import torch

    run_dir = tmp_path / "run"
    args = [*SMALL, "model.hidden_channels=16", "trainer.enable_progress_bar=false"]
    assert main([*args, f"run_dir={run_dir}"]) == 0
    state = torch.load(run_dir / "seed_0" / "checkpoints" / "best.ckpt", weights_only=True)["state_dict"]
    widths = sorted({int(w.shape[0]) for w in state.values() if w.dim() == 2})
    assert 16 in widths and 64 not in widths, widths
    assert "hidden_channels: 16" in (run_dir / "config.yaml").read_text()


def test_nan_features_in_a_users_file_name_the_file(tmp_path, capsys):
    import numpy as np

    data = tmp_path / "data"
    data.mkdir()
    x = np.ones((6, 3), dtype=np.float32)
    x[4, 1] = np.nan
    hi = np.array([[0, 1, 2, 3, 4, 5], [0, 0, 1, 1, 2, 2]])
    np.savez(data / "mine.npz", hyperedge_index=hi, x=x, y=np.array([0, 1, 0, 1, 0, 1]))
    args = [
        "dataset.name=mine",
        f"dataset.root={data}",
        "trainer.max_epochs=2",
        f"out_dir={tmp_path / 'runs'}",
    ]
    with pytest.warns(UserWarning, match="unverified"):
        assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "mine.npz: node features x[4] (node 4)" in err and "nan" in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_data_root_that_is_a_file_is_one_line(tmp_path, capsys):
    f = tmp_path / "data.txt"
    f.write_text("not a folder")
    args = ["dataset.name=cocitation-cora", f"dataset.root={f}", "trainer.max_epochs=2"]
    assert main([*args, f"out_dir={tmp_path / 'runs'}"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is a file, not a folder" in err, err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_shipped_citeseer_config_offline_is_one_line(tmp_path, capsys, monkeypatch):
    """Regression: the shipped config without a network was a 40-line URLError traceback."""
    import urllib.error

    from hypergraph.datasets import download

    def offline(url, timeout=None):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(download.download_url, "__defaults__", (60.0, offline))
    monkeypatch.setenv("HYPERGRAPH_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    args = ["config=configs/hgnn_cocitation_citeseer.yaml", f"out_dir={tmp_path / 'runs'}"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "could not download" in err and "Temporary failure" in err, err
    assert "cocitation-citeseer" in err and "To fix" in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]  # no partial download


def test_resumed_seed_keeps_its_whole_metrics_csv(tmp_path):
    """Regression: a resumed seed's metrics.csv lost the epochs before the interruption."""
    import csv

    run_dir = tmp_path / "run"
    base = [*SMALL[:2], "trainer.enable_progress_bar=false", f"run_dir={run_dir}"]
    assert main([*base, "trainer.max_epochs=3"]) == 0
    (run_dir / "seed_0" / "metrics.json").unlink()  # as if killed after the last checkpoint
    (run_dir / "results.json").unlink()
    assert main([*base, "trainer.max_epochs=5", "resume=true"]) == 0
    logs = run_dir / "seed_0" / "logs"
    assert sorted(p.name for p in logs.glob("metrics*.csv")) == ["metrics.csv"]
    rows = list(csv.DictReader(open(logs / "metrics.csv", newline="")))
    train_epochs = [int(r["epoch"]) for r in rows if r.get("train_loss")]
    assert train_epochs == [0, 1, 2, 3, 4]
    tested = [r for r in rows if r.get("test_acc")]
    assert len(tested) == 1 and int(tested[0]["epoch"]) == 5  # the first run's test rows are dropped


def test_non_finite_metric_is_no_result(tmp_path, capsys, monkeypatch):
    """Regression: a diverged run (NaN loss) reported its test_acc as a result."""
    from hypergraph.registry import TASKS

    spec = TASKS.get("node_classification")
    monkeypatch.setattr(
        spec, "run", lambda cfg, seed, seed_dir, ckpt: {"val_acc": 0.5, "test_acc": float("nan")}
    )
    assert main([*SMALL, f"out_dir={tmp_path / 'runs'}"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: RunError: seed 0: metric(s) ['test_acc'] are not finite (training diverged?)", err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
