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

    def poisoned(cfg):
        data = real(cfg)
        x = data.x.clone()
        x[3, 0] = float("nan")
        data.x = x
        return data

    monkeypatch.setattr(base_node, "load_hypergraph", poisoned)
    assert main([*SMALL, f"out_dir={tmp_path / 'runs'}"]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err or "non-finite" in err or "NaN" in err, err
    assert torch.isfinite(real(__import__("omegaconf").OmegaConf.create({"name": "synthetic_hsbm"})).x).all()


def test_help_lists_models_datasets_and_keys(capsys):
    with pytest.raises(SystemExit):
        main(["--help", "task=distillation"])
    out = capsys.readouterr().out
    assert "models:" in out and "edhnn" in out and "datasets:" in out and "walmart-trips" in out
    assert "keys of task 'distillation'" in out and "teacher:" in out


def test_label_out_of_range_is_named(tmp_path, capsys, monkeypatch):
    import hypergraph.tasks.base_node as base_node

    real = base_node.load_hypergraph

    def bad_label(cfg):
        data = real(cfg)
        data.num_classes = int(data.y.max()) + 1
        y = data.y.clone()
        y[7] = 50
        data.y = y
        return data

    monkeypatch.setattr(base_node, "load_hypergraph", bad_label)
    assert main([*SMALL, f"out_dir={tmp_path / 'runs'}"]) == 2
    assert "node 7 has label 50, outside [0, " in capsys.readouterr().err


def test_garbage_checkpoint_is_one_line(tmp_path, capsys):
    bad = tmp_path / "garbage.ckpt"
    bad.write_text("not a checkpoint\n")
    assert main([*SMALL, f"ckpt_path={bad}", f"out_dir={tmp_path / 'runs'}"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "is not a readable checkpoint" in err
    assert not (tmp_path / "runs").exists()


def test_no_litlogger_advertisement(tmp_path, capfd):
    assert main([*SMALL, "trainer.enable_progress_bar=false", f"out_dir={tmp_path / 'runs'}"]) == 0
    out = capfd.readouterr()
    text = out.out + out.err
    assert "try installing [litlogger]" not in text and "LeafSpec" not in text
