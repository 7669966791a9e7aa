"""A *writable* data root is never written into: processed files and downloads go to
``$HYPERGRAPH_CACHE`` (regression: processed files were written into any writable root)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import require_data

from hypergraph.datasets import load_dataset

FILES = [
    "hypergcn/cocitation-cora.npz",
    "scholp/email-Enron/email-Enron-nverts.txt.gz",
    "shyre/enron/train.txt.gz",
    "tu/MUTAG/MUTAG_A.txt",
]


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


def test_writable_copy_of_a_data_root_is_not_written(tmp_path, monkeypatch):
    shared = require_data(*FILES)
    root = tmp_path / "datasets"
    for sub in ("hypergcn/cocitation-cora.npz", "scholp/email-Enron", "shyre/enron", "tu/MUTAG"):
        src, dst = shared / sub, root / sub
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, dst) if src.is_dir() else shutil.copy2(src, dst)
    cache = tmp_path / "cache"
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(cache))
    before = _listing(root)
    for _ in range(2):  # the second load reads the processed caches
        assert load_dataset("cocitation-cora", root=root, download=False).num_nodes == 2708
        assert load_dataset("email-Enron", root=root, download=False).num_simplices == 10883
        assert load_dataset("enron", root=root, download=False).train.num_hyperedges == 756
        assert len(load_dataset("MUTAG", root=root, download=False)) == 188
    assert _listing(root) == before
    processed = {p.relative_to(cache).parts[:2] for p in cache.rglob("*.pt")}
    assert processed == {("processed", "hypergcn"), ("processed", "tu")}
