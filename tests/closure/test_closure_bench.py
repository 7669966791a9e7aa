"""Smoke test of scripts/bench_closure.py on a small synthetic complex (plain-text files)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def test_bench_writes_tables_and_plot(tmp_path, capsys):
    rng = np.random.default_rng(1)
    folder = tmp_path / "root" / "email-Enron"
    folder.mkdir(parents=True)
    sizes = rng.integers(2, 5, size=400)
    nodes = np.concatenate([rng.choice(30, size=k, replace=False) + 1 for k in sizes])
    for kind, values in (("nverts", sizes), ("simplices", nodes), ("times", rng.integers(0, 1000, size=400))):
        (folder / f"email-Enron-{kind}.txt").write_text("".join(f"{v}\n" for v in values))
    spec = importlib.util.spec_from_file_location("bench_closure", REPO / "scripts" / "bench_closure.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "out"
    assert bench.main(["--root", str(tmp_path / "root"), "--datasets", "email-Enron", "--out", str(out)]) == 0
    for f in ("results.md", "results.csv", "timings.csv", "closure_types.csv", "closure_types.png"):
        assert (out / f).stat().st_size > 0, f
    rows = list(csv.DictReader(open(out / "results.csv")))
    assert {r["label_mode"] for r in rows} == {"reference", "true"}
    assert all(float(r["harm_mean"]) > 0 for r in rows)
    md = (out / "results.md").read_text()
    assert "label mode `reference`" in md and "| 011 | 012 | 022 |" in md
    assert "email-Enron" in capsys.readouterr().out
