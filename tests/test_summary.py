"""``python -m hypergraph.summary``: pooling the seeds of one config run in several runner calls."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from hypergraph.summary import collect_seeds, compare_paired, main
from hypergraph.train import main as train_main

FAST = [
    "trainer.max_epochs=3",
    "trainer.enable_progress_bar=false",
    "dataset.num_nodes=80",
    "dataset.num_hyperedges=40",
]


def _fake_run(d: Path, seeds: dict[int, float], **changes) -> Path:
    cfg = {
        "task": "node_classification",
        "seeds": sorted(seeds),
        "run_dir": str(d),
        "num_threads": 1,
        "dataset": {"name": "x", "root": "/a"},
        "split": {"kind": "random", "train": 0.5},
        "trainer": {"max_epochs": 200, "devices": 1},
    }
    conf = OmegaConf.create(cfg)
    for key, value in changes.items():  # dataset__root -> dataset.root
        OmegaConf.update(conf, key.replace("__", "."), value)
    d.mkdir(parents=True)
    (d / "config.yaml").write_text(OmegaConf.to_yaml(conf))
    for s, acc in seeds.items():
        (d / f"seed_{s}").mkdir()
        (d / f"seed_{s}" / "metrics.json").write_text(json.dumps({"val_acc": acc + 0.01, "test_acc": acc}))
    return d


def test_pools_runs_of_one_config(tmp_path, capsys):
    a = _fake_run(tmp_path / "a", {0: 0.60, 1: 0.62})
    # where and how it ran may differ (folder, threads, data root, devices); the seeds too
    b = _fake_run(tmp_path / "b", {3: 0.64, 2: 0.66}, num_threads=2, dataset__root="/b", trainer__devices=2)
    (b / "seed_4").mkdir()  # unfinished: no metrics.json
    seeds, notes = collect_seeds([a, b])
    assert sorted(seeds) == [0, 1, 2, 3] and seeds[3]["test_acc"] == 0.64
    assert main([str(a), str(b), "--metric", "test_acc", "--percent"]) == 0
    out = capsys.readouterr().out
    # mean 63.00, population std sqrt(5)/100 * 100 = 2.236
    assert "test_acc 63.00 ± 2.24 (4 seeds; per seed 60.00 62.00 66.00 64.00)" in out
    assert f"{b}: seeds 2 3" in out and "val_acc" not in out
    assert main([str(a), str(b), "--seeds", "0..1"]) == 0
    assert "test_acc 0.6100 ± 0.0100 (2 seeds; per seed 0.6000 0.6200)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "make_b, args, match",
    [
        (
            lambda d: _fake_run(d, {2: 0.7}, trainer__max_epochs=500),
            [],
            r"another config.*trainer.max_epochs",
        ),
        (lambda d: _fake_run(d, {2: 0.7}, dataset__name="y"), [], r"dataset.name \('x' -> 'y'\)"),
        (lambda d: _fake_run(d, {1: 0.7}), [], "seed 1 has different metrics"),
        (lambda d: _fake_run(d, {2: 0.7}), ["--seeds", "0..3"], r"seed\(s\) \[3\] not finished"),
        (lambda d: _fake_run(d, {2: 0.7}), ["--metric", "test_f1"], "unknown metric"),
        (lambda d: d.mkdir(), [], "holds no run"),
        (lambda d: _fake_run(d, {2: 0.7}), ["--versus", "x"], "holds no run"),
    ],
)
def test_refuses_what_cannot_be_pooled(tmp_path, capsys, make_b, args, match):
    a = _fake_run(tmp_path / "a", {0: 0.60, 1: 0.62})
    make_b(tmp_path / "b")
    assert main([str(a), str(tmp_path / "b"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and re.search(match, err), err


def test_a_folder_given_twice_is_refused(tmp_path, capsys):
    a = _fake_run(tmp_path / "a", {0: 0.60})
    assert main([str(a), str(tmp_path / "." / "a")]) == 2
    assert "given twice" in capsys.readouterr().err


def test_same_seed_twice_with_the_same_metrics_counts_once(tmp_path, capsys):
    a = _fake_run(tmp_path / "a", {0: 0.60, 1: 0.62})
    b = _fake_run(tmp_path / "b", {1: 0.62, 2: 0.64})
    assert main([str(a), str(b), "--metric", "test_acc"]) == 0
    out = capsys.readouterr().out
    assert "seed 1 is in" in out and "counted once" in out and "(3 seeds;" in out


def test_split_runner_calls_equal_one_call(tmp_path, capsys):
    """Seeds 0 and 1 run as two runner calls pool to what one call of both prints."""
    assert train_main([*FAST, "seeds=[0,1]", f"run_dir={tmp_path / 'one'}"]) == 0
    whole = [line for line in capsys.readouterr().out.splitlines() if line.startswith("test_acc ")]
    for s in (0, 1):
        assert train_main([*FAST, f"seeds=[{s}]", f"run_dir={tmp_path / f'part{s}'}", "num_threads=1"]) == 0
    capsys.readouterr()
    assert main([str(tmp_path / "part1"), str(tmp_path / "part0"), "--metric", "test_acc"]) == 0
    pooled = [line for line in capsys.readouterr().out.splitlines() if line.startswith("test_acc ")]
    assert len(whole) == 1 and pooled[0].startswith(whole[0].removesuffix("(2 seeds)"))


def test_versus_pairs_two_models_by_seed(tmp_path, capsys):
    from scipy.stats import ttest_rel

    a = _fake_run(tmp_path / "a", {0: 0.60, 1: 0.62, 2: 0.64}, model__name="edhnn")
    b = _fake_run(tmp_path / "b", {0: 0.58, 1: 0.63, 2: 0.60}, model__name="hgnn", dataset__root="/elsewhere")
    assert main([str(a), "--versus", str(b), "--metric", "test_acc", "--percent"]) == 0
    out = capsys.readouterr().out
    # differences 2, -1, 4 points: mean 1.67, population sd 2.05, se 1.45; p as scipy's paired test
    p = ttest_rel([0.60, 0.62, 0.64], [0.58, 0.63, 0.60]).pvalue
    line = "test_acc A - B: +1.67 ± 2.05 (paired over 3 seeds; se 1.45; A higher on 2, lower on 1; "
    assert line + f"two-sided paired t-test p = {p:.4f})" in out
    c = _fake_run(tmp_path / "c", {0: 0.5, 1: 0.5})  # seed 2 missing: compared on 0 and 1
    assert main([str(a), "--versus", str(c), "--metric", "test_acc"]) == 0
    out = capsys.readouterr().out
    assert "seeds 2 are not finished there" in out and "paired over 2 seeds" in out
    same = compare_paired({0: {"a": 0.6}, 1: {"a": 0.7}}, {0: {"a": 0.5}, 1: {"a": 0.6}}, "a", [0, 1])
    assert same["p"] < 1e-6 and same["t"] > 1e6  # the same difference twice, up to rounding
    tie = compare_paired({0: {"a": 0.6}, 1: {"a": 0.7}}, {0: {"a": 0.6}, 1: {"a": 0.7}}, "a", [0, 1])
    assert tie["p"] == 1.0 and tie["t"] == 0.0 and tie["diff"] == 0.0
    one = compare_paired({0: {"a": 0.6}}, {0: {"a": 0.5}}, "a", [0])
    assert one["p"] != one["p"] and one["n"] == 1  # NaN: one seed tests nothing


def test_versus_refuses_groups_with_other_splits(tmp_path, capsys):
    a = _fake_run(tmp_path / "a", {0: 0.60, 1: 0.62})
    b = _fake_run(tmp_path / "b", {0: 0.58, 1: 0.63}, split__train=0.6)
    assert main([str(a), "--versus", str(b)]) == 2
    assert "do not draw the same split per seed (split.train (0.5 -> 0.6))" in capsys.readouterr().err
