"""A user's own folder in each file format runs through the config runner and its bench script
under a name the library does not know (issue: loaders read a user's own data)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from hypergraph.train import main

REPO = Path(__file__).resolve().parents[1]


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write_npz(root: Path, name: str = "mydata") -> Path:
    """HyperGCN's layout: hyperedge_index, features, labels (60 nodes, 2 classes)."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 30)
    edges = [rng.choice(np.flatnonzero(y == c), size=4, replace=False) for c in (0, 1) for _ in range(20)]
    hi = np.stack([np.concatenate(edges), np.repeat(np.arange(len(edges)), 4)])
    x = (np.eye(2)[y] + rng.normal(0, 0.5, size=(60, 2))).astype(np.float32)
    (root / "hypergcn").mkdir(parents=True, exist_ok=True)
    np.savez(root / "hypergcn" / f"{name}.npz", hyperedge_index=hi, x=x, y=y)
    return root


def write_benson(root: Path, name: str = "my-complex") -> Path:
    rng = np.random.default_rng(1)
    folder = root / name
    folder.mkdir(parents=True)
    sizes = rng.integers(2, 5, size=500)
    nodes = np.concatenate([rng.choice(25, size=k, replace=False) + 1 for k in sizes])
    times = np.sort(rng.integers(0, 10_000, size=500))
    for kind, values in (("nverts", sizes), ("simplices", nodes), ("times", times)):
        (folder / f"{name}-{kind}.txt").write_text("".join(f"{v}\n" for v in values))
    return root


def write_shyre(root: Path, name: str = "my-sets") -> Path:
    rng = np.random.default_rng(2)
    folder = root / "shyre" / name
    folder.mkdir(parents=True)
    for split, offset in (("train", 0), ("test", 100)):
        lines = [
            " ".join(map(str, rng.choice(40, size=rng.integers(2, 5), replace=False) + offset))
            for _ in range(80)
        ]
        (folder / f"{split}.txt").write_text("\n".join(lines) + "\n")
    return root


def _results(run_dir: Path) -> dict:
    return json.loads((run_dir / "results.json").read_text())


def test_npz_under_a_new_name_through_the_runner(tmp_path, capsys):
    root = write_npz(tmp_path / "data")
    run_dir = tmp_path / "run"
    args = ["dataset.name=mydata", f"dataset.root={root}", "trainer.max_epochs=3", f"run_dir={run_dir}"]
    with pytest.warns(UserWarning, match="unverified"):
        assert main([*args, "trainer.enable_progress_bar=false", "preprocess.self_loops=missing"]) == 0
    assert 0.0 <= _results(run_dir)["summary"]["test_acc"]["mean"] <= 1.0
    assert "test_acc" in capsys.readouterr().out


def test_benson_folder_under_a_new_name_through_the_runner(tmp_path):
    root = write_benson(tmp_path / "data")
    run_dir = tmp_path / "run"
    args = ["task=higher_order_link_prediction", "dataset.name=my-complex", f"dataset.root={root}"]
    args += ["use_classic_features=false", "recency_taus=[]", "wide=prior", "model.hidden_channels=8"]
    args += ["trainer.max_epochs=2", "trainer.enable_progress_bar=false", f"run_dir={run_dir}"]
    with pytest.warns(UserWarning, match="unverified"):
        assert main(args) == 0
    assert np.isfinite(_results(run_dir)["summary"]["test_rel_ap"]["mean"])


def test_shyre_folder_under_a_new_name_through_the_runner_and_bench(tmp_path, capsys):
    root = write_shyre(tmp_path / "data")
    run_dir = tmp_path / "run"
    args = ["task=reconstruction", "dataset.name=my-sets", f"dataset.root={root}", "model.classifier=sklearn"]
    assert main([*args, f"run_dir={run_dir}"]) == 2  # no pinned beta for a user's folder
    assert "model.beta" in capsys.readouterr().err and not run_dir.exists()
    with pytest.warns(UserWarning, match="unverified"):
        assert main([*args, "model.beta=1.0", f"run_dir={run_dir}"]) == 0
    assert 0.0 <= _results(run_dir)["summary"]["test_jaccard"]["mean"] <= 1.0
    bench = _script("bench_reconstruction")
    out = tmp_path / "bench"
    argv = ["--root", str(root), "--datasets", "my-sets", "--methods", "count", "maxclique", "--beta", "1.0"]
    assert bench.main([*argv, "--out", str(out)]) == 0
    rows = json.loads((out / "results.json").read_text())
    assert [r.get("error") for r in rows] == [None, None] and all(0 <= r["jaccard"] <= 1 for r in rows)
