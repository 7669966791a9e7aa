"""``scripts/bench_node_classification.py``: the three result files, seed ranges, a user's own
dataset name, and every ``configs/zoo`` file loading through the runner."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from hypergraph.nn.models import NODE_MODELS
from hypergraph.train import load_config

REPO = Path(__file__).resolve().parents[1]
TINY = ["dataset.num_nodes=60", "dataset.num_hyperedges=30"]
pytestmark = pytest.mark.filterwarnings("ignore::hypergraph.datasets.download.UnverifiedDatasetWarning")


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_nc", REPO / "scripts" / "bench_node_classification.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


def test_seed_syntax_and_published_numbers():
    bench = _bench()
    assert bench.parse_seeds(["0..3"]) == [0, 1, 2, 3]
    assert bench.parse_seeds(["0", "2,5", "7..8"]) == [0, 2, 5, 7, 8]
    for bad in (["a"], ["1", "1"], ["3..1"]):
        with pytest.raises(SystemExit):
            bench.parse_seeds(bad)
    assert bench.PAPER["hgnn", "cocitation-cora"] == "79.39 ± 1.36"
    assert bench.PAPER["edhnn", "house-committees"] == "72.45 ± 2.28"
    assert bench.PAPER["edhnn", "senate-committees"] == "64.79 ± 5.14"
    assert bench.PAPER["allsettransformer", "walmart-trips"] == "65.46 ± 0.25"
    assert ("unigat", "cocitation-cora") not in bench.PAPER


def test_main_writes_md_csv_png(tmp_path, capsys):
    out = tmp_path / "bench"
    argv = ["--models", "hgnn", "mlp", "--datasets", "synthetic_hsbm", "--seeds", "0..1"]
    argv += ["--out", str(out), *TINY, "--epochs", "2", "model.dropout=0.1"]  # overrides anywhere
    assert _bench().main(argv) == 0
    for name in ("results.md", "results.csv", "results.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    rows = list(csv.DictReader(open(out / "results.csv")))
    assert [r["model"] for r in rows] == ["hgnn", "mlp"]
    assert {"dataset", "model", "mean", "std", "n", "paper", "config", "seconds"} <= set(rows[0])
    for r in rows:
        assert r["n"] == "2" and 0 <= float(r["mean"]) <= 100 and r["paper"] == "–"
        cfg = load_config(r["config"])  # the row's config reproduces it
        assert cfg.preprocess.self_loops == "missing" and cfg.split.kind == "random"
    printed = capsys.readouterr().out
    assert "| synthetic_hsbm | hgnn |" in printed and "(2 seeds)" in printed
    # the MLP row against HGNN's, paired by seed: the mean difference is the difference of means
    hgnn, mlp = rows
    assert hgnn["vs_hgnn_diff"] == "nan" and "vs HGNN, paired (p)" in printed
    assert float(mlp["vs_hgnn_diff"]) == pytest.approx(float(mlp["mean"]) - float(hgnn["mean"]), abs=0.011)
    assert f"| {float(mlp['vs_hgnn_diff']):+.2f}" in printed
    assert (out / "results.png").read_bytes()[:4] == b"\x89PNG"


def test_interrupted_benchmark_resumes_its_cells(tmp_path):
    out = tmp_path / "bench"
    argv = ["--models", "hgnn", "--datasets", "synthetic_hsbm", "--seeds", "0..1", "--out", str(out)]
    argv += [*TINY, "--epochs", "2"]
    assert _bench().main(argv) == 0
    cell = out / "runs" / "hgnn_synthetic_hsbm_random"
    kept, lost = cell / "seed_0" / "metrics.json", cell / "seed_1" / "metrics.json"
    first = list(csv.DictReader(open(out / "results.csv")))[0]
    stamp = kept.stat().st_mtime_ns
    lost.unlink()  # seed 1 was killed before it finished
    assert _bench().main(argv) == 0
    again = list(csv.DictReader(open(out / "results.csv")))[0]
    assert kept.stat().st_mtime_ns == stamp  # seed 0 was not re-run
    assert lost.is_file() and again["n"] == "2" and again["error"] == ""
    assert again["mean"] == first["mean"]  # seed 1 re-ran to the same number


def test_user_dataset_name_under_root(tmp_path):
    rng = np.random.default_rng(0)
    n = 40
    edges = np.repeat(np.arange(25), 3)
    hi = np.stack([(2 * edges + np.tile([0, 1, 2], 25)) % n, edges])  # hyperedge e = {2e, 2e+1, 2e+2}
    y = rng.integers(0, 3, n)
    x = (np.eye(3)[y] + rng.normal(0, 0.5, (n, 3))).astype(np.float32)
    root = tmp_path / "data"
    root.mkdir()
    np.savez(root / "my-hypergraph.npz", hyperedge_index=hi, y=y, x=x)
    out = tmp_path / "bench"
    argv = ["--models", "hgnn", "--datasets", "my-hypergraph", "--seeds", "0", "--root", str(root)]
    assert _bench().main([*argv, "--out", str(out), "--epochs", "2"]) == 0
    (row,) = list(csv.DictReader(open(out / "results.csv")))
    assert row["dataset"] == "my-hypergraph" and row["n"] == "1" and row["error"] == ""


def test_every_zoo_config_loads():
    bench = _bench()
    files = sorted((REPO / "configs" / "zoo").glob("*.yaml"))
    names = {f.stem for f in files}
    for model in NODE_MODELS:
        for ds in ("cocitation_cora", "coauthorship_cora", "house_committees", "walmart_trips"):
            assert f"{model}_{ds}" in names
    for f in files:
        cfg = load_config(str(f))
        head = f.read_text().split("\ntask:")[0]
        assert "NO search" in head or "Chosen by: python -m hypergraph.sweep" in head, f
        assert cfg.model.name in NODE_MODELS and f.stem.startswith(cfg.model.name + "_")
        assert cfg.dataset.name.replace("-", "_") == f.stem[len(cfg.model.name) + 1 :]
        assert cfg.split.kind == "random" and (cfg.split.train, cfg.split.val) == (0.5, 0.25)
        assert cfg.preprocess.self_loops == "missing" and len(cfg.seeds) == 10
        if cfg.dataset.name in bench.ALLSET_FEATURES:  # AllSet's / ED-HNN's *-100 sets, std 1
            assert (cfg.dataset.feature_noise, cfg.dataset.feature_dim) == (1.0, 100)
