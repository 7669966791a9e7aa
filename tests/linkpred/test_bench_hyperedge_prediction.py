"""scripts/bench_hyperedge_prediction.py writes its table (--out) and takes overrides anywhere."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_out_writes_the_table_and_overrides_follow_options(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location(
        "bench_hep", REPO / "scripts" / "bench_hyperedge_prediction.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "out"
    argv = ["--datasets", "synthetic_hsbm", "--models", "hgnn", "--seeds", "0", "--epochs", "2"]
    argv += ["--out", str(out), "dataset.num_nodes=150", "dataset.num_hyperedges=80"]
    assert bench.main(argv) == 0
    rows = list(csv.DictReader(open(out / "results.csv")))
    assert {r["method"] for r in rows} >= {"learned HGNN", "common_neighbors"}
    assert all(0.0 <= float(r["sns_auc_mean"]) <= 1.0 for r in rows)
    assert "| synthetic_hsbm | learned HGNN |" in (out / "results.md").read_text()
