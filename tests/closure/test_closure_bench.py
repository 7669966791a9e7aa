"""Smoke test of scripts/bench_closure.py on a small synthetic complex (plain-text files)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_closure", REPO / "scripts" / "bench_closure.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def synthetic_root(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    folder = tmp_path / "root" / "my-complex"
    folder.mkdir(parents=True)
    sizes = rng.integers(2, 5, size=400)
    nodes = np.concatenate([rng.choice(30, size=k, replace=False) + 1 for k in sizes])
    for kind, values in (("nverts", sizes), ("simplices", nodes), ("times", rng.integers(0, 1000, size=400))):
        (folder / f"my-complex-{kind}.txt").write_text("".join(f"{v}\n" for v in values))
    return tmp_path / "root"


def test_bench_writes_tables_and_plot(tmp_path, capsys):
    synthetic_root(tmp_path)
    bench = load_bench()
    out = tmp_path / "out"
    assert bench.main(["--root", str(tmp_path / "root"), "--datasets", "my-complex", "--out", str(out)]) == 0
    for f in ("results.md", "results.csv", "timings.csv", "closure_types.csv", "closure_types.png"):
        assert (out / f).stat().st_size > 0, f
    rows = list(csv.DictReader(open(out / "results.csv")))
    assert {r["label_mode"] for r in rows} == {"reference", "true"}
    assert all(float(r["harm_mean"]) > 0 for r in rows)
    md = (out / "results.md").read_text()
    assert "label mode `reference`" in md and "| 011 | 012 | 022 |" in md
    assert "my-complex" in capsys.readouterr().out


def test_cut_shifts_the_learned_windows():
    bench = load_bench()
    assert bench.cut_overrides(80.0, 100.0) == []
    assert bench.cut_overrides(60.0, 80.0) == [
        "test_q=60",
        "test_end=80",
        "train_windows=[[10,30],[20,40],[30,50],[40,60]]",
    ]


def test_bench_development_cut_with_learned_columns(tmp_path):
    root = synthetic_root(tmp_path)
    out = tmp_path / "out"
    args = ["--root", str(root), "--datasets", "my-complex", "--out", str(out), "--cut", "60", "80"]
    args += ["--label-mode", "true", "--no-logreg", "--learned-seeds", "0", "--learned-overrides"]
    args += ["trainer.max_epochs=2", f"out_dir={tmp_path / 'learned'}"]
    assert load_bench().main(args) == 0
    (row,) = list(csv.DictReader(open(out / "results.csv")))
    assert float(row["Learned"]) > 0 and float(row["Wide"]) > 0
    (run,) = list((tmp_path / "learned").iterdir())
    cfg = (run / "config.yaml").read_text()
    assert "test_q: 60" in cfg and "test_end: 80" in cfg


def test_bench_takes_the_datasets_folder_as_root(tmp_path):
    """One root convention: ``--root`` may be the datasets folder (holding ``scholp/``), as for
    ``load_benson`` and ``load_shyre``, not only the ``scholp/`` folder itself."""
    root = synthetic_root(tmp_path)
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    root.rename(datasets / "scholp")
    out = tmp_path / "out"
    args = ["--root", str(datasets), "--datasets", "my-complex", "--out", str(out), "--no-logreg"]
    assert load_bench().main(args) == 0
    rows = list(csv.DictReader(open(out / "results.csv")))
    assert rows and all(r["dataset"] == "my-complex" for r in rows)
