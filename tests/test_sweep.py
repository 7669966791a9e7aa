"""``python -m hypergraph.sweep``: grid / random points, selection on validation only, the best
config written atomically with its search header and reloadable by the runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import OmegaConf

import hypergraph.sweep as sweep_mod
from hypergraph.config import ConfigError
from hypergraph.sweep import grid_points, main, parse_space
from hypergraph.train import load_config

REPO = Path(__file__).resolve().parents[1]
TINY = ["dataset.num_nodes=60", "dataset.num_hyperedges=30", "trainer.max_epochs=2"]


def test_parse_space_and_grid():
    space = parse_space(["model.hidden_channels=8,16,8", "optim.lr=0.1,0.01"])
    assert space == {"model.hidden_channels": ["8", "16"], "optim.lr": ["0.1", "0.01"]}
    full = grid_points(space, None)
    assert len(full) == 4 and full[0] == {"model.hidden_channels": "8", "optim.lr": "0.1"}
    assert full[-1] == {"model.hidden_channels": "16", "optim.lr": "0.01"}
    assert grid_points(space, 10) == full  # more trials than points: the whole grid
    a, b = grid_points(space, 2, seed=3), grid_points(space, 2, seed=3)
    assert a == b and len(a) == 2 and a[0] != a[1] and all(p in full for p in a)
    for bad in (["x"], ["a="], ["seeds=0,1"], ["test_acc=1,2"]):
        with pytest.raises(ConfigError):
            parse_space(bad)
    with pytest.raises(ConfigError, match="trials"):
        grid_points(space, 0)


def test_selects_on_validation_never_test(tmp_path, monkeypatch):
    """Fake results: validation prefers width 16, test prefers width 8; 16 must win."""
    fake = {8: (0.4, 0.99), 16: (0.7, 0.10), 32: (0.5, 0.50)}
    calls = []

    def fake_run(cfg):
        calls.append((int(cfg.model.hidden_channels), list(cfg.seeds)))
        val, test = fake[int(cfg.model.hidden_channels)]
        summary = {
            "val_acc": {"mean": val, "std": 0.0, "n": 2},
            "test_acc": {"mean": test, "std": 0.0, "n": 2},
        }
        return {"summary": summary}

    monkeypatch.setattr(sweep_mod, "run", fake_run)
    out = tmp_path / "best.yaml"
    local = ["dataset.root=/abs/data", "num_threads=1", "trainer.devices=2"]
    argv = [*TINY, *local, "--space", "model.hidden_channels=8,16,32", "--seeds", "3", "4", "--out", str(out)]
    assert main(argv) == 0
    assert calls == [(8, [3, 4]), (16, [3, 4]), (32, [3, 4])]
    cfg = load_config(str(out))
    assert cfg.model.hidden_channels == 16 and cfg.trainer.max_epochs == 2 and list(cfg.seeds) == [0]
    # the run-local overrides ran the trials but stay out of the file (only its header names them);
    # without a base file the file is the resolved config, so those keys hold their defaults
    written = OmegaConf.load(out)
    assert "root" not in written.dataset and written.num_threads is None and written.trainer.devices == 1
    text = out.read_text()
    assert "run-local, not written: dataset.root=/abs/data num_threads=1 trainer.devices=2" in text
    assert "full grid" in text and "model.hidden_channels in {8, 16, 32}" in text
    assert "Best: model.hidden_channels=16 -> val_acc 0.7000" in text and "seeds [3, 4]" in text
    header = text.split("\ntask:")[0]
    assert "0.99" not in header and "test_acc" not in header
    with pytest.raises(ConfigError, match="validation metric"):
        sweep_mod.sweep(None, TINY, {"model.hidden_channels": ["8"]}, metric="test_acc")


def test_real_sweep_on_synthetic_hsbm(tmp_path, capsys):
    out = tmp_path / "zoo" / "hgnn_tiny.yaml"
    argv = [
        f"config={REPO / 'configs' / 'default.yaml'}",
        *TINY,
        "num_threads=1",  # run-local: not written
        "--space",
        "model.hidden_channels=4,8",
        "optim.lr=0.01,0.05",
    ]
    argv += ["--trials", "2", "--seeds", "0", "1", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    trials = [line for line in printed.splitlines() if line.startswith("trial ")]
    assert len(trials) == 2 and "wrote" in printed
    scores = [float(line.split("val_acc ")[1].split()[0]) for line in trials]
    cfg = load_config(str(out))
    best = trials[max(range(2), key=lambda i: (scores[i], -i))]
    assert (
        f"model.hidden_channels={cfg.model.hidden_channels} " in best and f"optim.lr={cfg.optim.lr} " in best
    )
    assert "random search (search seed 0), 2 of 4 points" in out.read_text()
    written = OmegaConf.to_container(OmegaConf.load(out))
    base = OmegaConf.to_container(OmegaConf.load(REPO / "configs" / "default.yaml"))
    assert set(written) <= set(base) | {k.split(".")[0] for k in TINY}  # no resolved defaults added
    assert "loader" not in written and "deterministic" not in written.get("trainer", {})
    assert not list(tmp_path.glob("zoo/.*.part"))  # the atomic write left no temporary behind
