"""``python -m hypergraph.sweep``: grid / random points, selection on validation only, the best
config written atomically with its search header and reloadable by the runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import OmegaConf

import hypergraph.sweep as sweep_mod
from hypergraph.config import ConfigError
from hypergraph.sweep import grid_points, main, paired_margin, parse_space
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
    fake = {8: ([0.4, 0.4], 0.99), 16: ([0.68, 0.72], 0.10), 32: ([0.52, 0.48], 0.50)}
    calls = []

    def fake_run(cfg):
        calls.append((int(cfg.model.hidden_channels), list(cfg.seeds)))
        vals, test = fake[int(cfg.model.hidden_channels)]
        summary = {
            "val_acc": {"mean": sum(vals) / 2, "std": 0.02, "n": 2},
            "test_acc": {"mean": test, "std": 0.0, "n": 2},
        }
        return {"summary": summary, "per_seed": [{"val_acc": v, "test_acc": test} for v in vals]}

    monkeypatch.setattr(sweep_mod, "run", fake_run)
    out = tmp_path / "best.yaml"
    local = ["dataset.root=/abs/data", "num_threads=1", "trainer.devices=2"]
    argv = [*TINY, *local, "--space", "model.hidden_channels=8,16,32", "--seeds", "3..4", "--out", str(out)]
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
    # a 0.2 margin on 2 seeds (differences 0.16 and 0.24: t = 5) is not separated at 1 degree of freedom
    assert "best - runner-up (model.hidden_channels=32), paired by seed: +0.2000 (se 0.0400)" in header
    assert "better on 2 of 2 seeds; NOT separated (t = 5.00 <= 6.31" in header
    assert "model.hidden_channels=32: 0.5000 ± 0.0200 (0.5200 0.4800)" in header  # per-seed values kept
    with pytest.raises(ConfigError, match="validation metric"):
        sweep_mod.sweep(None, TINY, {"model.hidden_channels": ["8"]}, metric="test_acc")
    assert main([*TINY, "--space", "model.hidden_channels=8", "--seeds", "1", "1"]) == 2  # a clear error
    assert len(calls) == 3  # nothing ran


def test_paired_margin():
    m = paired_margin([0.80, 0.82], [0.79, 0.80])  # differences 0.01, 0.02
    assert m["diff"] == pytest.approx(0.015) and m["se"] == pytest.approx(0.005)
    assert m["t"] == pytest.approx(3.0) and m["t_crit"] == pytest.approx(6.3138, abs=1e-4)
    assert not m["separated"] and m["wins"] == 2 and m["n"] == 2
    # five seeds, differences 0.010-0.020: t = 8.6 > 2.13
    m = paired_margin([0.81, 0.82, 0.815, 0.812, 0.818], [0.80] * 5)
    assert m["separated"] and m["t_crit"] == pytest.approx(2.1318, abs=1e-4)
    # the winner loses on one seed of three: mean 0.01, differences 0.03, 0.03, -0.03
    m = paired_margin([0.83, 0.83, 0.77], [0.80] * 3)
    assert m["wins"] == 2 and not m["separated"]
    assert paired_margin([0.9, 0.7], [0.8, 0.6])["t"] == float("inf")  # the same positive difference
    assert paired_margin([0.9, 0.8], [0.8, 0.7])["separated"]  # the same up to rounding: t ~ 1e15
    one = paired_margin([0.9], [0.1])
    assert not one["separated"] and one["n"] == 1 and one["se"] != one["se"]  # NaN
    assert not paired_margin([0.5, 0.6], [0.5, 0.6])["separated"]  # a tie
    with pytest.raises(ValueError, match="equal"):
        paired_margin([0.1, 0.2], [0.1])


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
    # the paired margin is the difference of the two trials' means (same seeds on both)
    margin = [line for line in printed.splitlines() if line.startswith("best - runner-up")]
    assert len(margin) == 1 and margin[0] in out.read_text()
    diff = float(margin[0].split("paired by seed: ")[1].split()[0])
    assert diff == pytest.approx(max(scores) - min(scores), abs=2e-4)
    written = OmegaConf.to_container(OmegaConf.load(out))
    base = OmegaConf.to_container(OmegaConf.load(REPO / "configs" / "default.yaml"))
    assert set(written) <= set(base) | {k.split(".")[0] for k in TINY}  # no resolved defaults added
    assert "loader" not in written and "deterministic" not in written.get("trainer", {})
    assert not list(tmp_path.glob("zoo/.*.part"))  # the atomic write left no temporary behind
