"""OGB loader: a local folder in OGB's layout is read through a cache copy (the root is never
written into); a missing dataset with download=False is one clear error."""

from __future__ import annotations

import pytest

from hypergraph.datasets import DatasetNotFoundError, load_dataset
from hypergraph.datasets.ogb_graph import load_ogbg, make_synthetic_ogbg


def _listing(root):
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*")}


def test_local_ogb_folder_is_read_from_a_cache_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "datasets"
    make_synthetic_ogbg(root / "ogb" / "ogbg_molhiv", num_graphs=30, seed=2)
    before = _listing(root)
    ds = load_dataset("ogbg-molhiv", root=root, download=False)
    assert len(ds) == 30 and ds.num_tasks == 1
    split = ds.get_idx_split()
    assert len(split["train"]) + len(split["valid"]) + len(split["test"]) == 30
    ds2, split2 = load_ogbg("ogbg-molhiv", root=root, download=False)  # the old entry point still works
    assert len(ds2) == 30 and set(split2) == {"train", "valid", "test"}
    assert _listing(root) == before  # ogb processed the copy in the cache
    assert any((tmp_path / "cache" / "ogb").rglob("geometric_data_processed.pt"))


def test_missing_ogb_without_download(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    with pytest.raises(DatasetNotFoundError, match=r"OGB dataset 'ogbg-molhiv' not found .*download=False"):
        load_dataset("ogbg-molhiv", root=tmp_path, download=False)
    assert list(tmp_path.iterdir()) == []


def test_meta_dict_folder_is_read_through_a_cache_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    meta = make_synthetic_ogbg(tmp_path / "synth", num_graphs=24, seed=3)
    before = _listing(tmp_path / "synth")
    ds = load_dataset("ogbg-molhiv", meta_dict=meta)  # the registered loader takes meta_dict too
    assert len(ds) == 24
    ds2, split = load_ogbg("ogbg-molhiv", meta_dict=meta)
    assert len(ds2) == 24 and sum(len(v) for v in split.values()) == 24
    assert _listing(tmp_path / "synth") == before  # ogb wrote into the copy, not the given folder
