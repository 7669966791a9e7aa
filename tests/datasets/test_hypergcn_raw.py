import io
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from conftest import require_data

from hypergraph.datasets.download import ChecksumError, DatasetNotFoundError, UnverifiedDatasetWarning
from hypergraph.datasets.hypergcn import BASE_URL, SOURCES, HyperGCNDataset
from hypergraph.datasets.hypergcn_raw import (
    FILES,
    HyperGCNRawFormatError,
    find_hypergcn_raw,
    load_hypergcn_raw,
    read_hypergcn_raw,
)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


def write_tiny(folder, hypergraph=None, n=6, feature_rows=None):
    """HyperGCN's layout: dict of hyperedges, CSR features, label list, 10 split dicts."""
    (folder / "splits").mkdir(parents=True, exist_ok=True)
    hypergraph = {10: [0, 1, 2], 11: [3, 2], 12: [5, 4, 5]} if hypergraph is None else hypergraph
    (folder / "hypergraph.pickle").write_bytes(pickle.dumps(hypergraph))
    x = sp.csr_matrix(np.eye(feature_rows or n, 4, dtype=np.float32))
    (folder / "features.pickle").write_bytes(pickle.dumps(x))
    (folder / "labels.pickle").write_bytes(pickle.dumps([i % 2 for i in range(n)]))
    for i in range(1, 11):
        split = {"train": [0, 1], "test": list(range(2, n))}
        (folder / "splits" / f"{i}.pickle").write_bytes(pickle.dumps(split))
    return folder


def test_tiny_pickles_convert(tmp_path):
    data = read_hypergcn_raw(write_tiny(tmp_path / "toy"))
    # insertion order of the dict; members sorted and deduplicated
    assert data.hyperedge_index.tolist() == [[0, 1, 2, 2, 3, 4, 5], [0, 0, 0, 1, 1, 2, 2]]
    assert (data.num_nodes, data.num_hyperedges, data.num_classes) == (6, 3, 2)
    assert torch.equal(data.x, torch.eye(6, 4)) and data.y.tolist() == [0, 1, 0, 1, 0, 1]
    assert data.split_train.shape == (10, 2) and data.split_test.shape == (10, 4)


def test_layouts_and_new_name_warns_once(tmp_path):
    write_tiny(tmp_path / "hypergcn-raw" / "mine")
    assert find_hypergcn_raw("mine", tmp_path) == tmp_path / "hypergcn-raw" / "mine"
    assert find_hypergcn_raw("mine", tmp_path / "hypergcn-raw") == tmp_path / "hypergcn-raw" / "mine"
    assert find_hypergcn_raw("mine", tmp_path / "hypergcn-raw" / "mine") == tmp_path / "hypergcn-raw" / "mine"
    assert find_hypergcn_raw("other", tmp_path) is None
    with pytest.warns(UnverifiedDatasetWarning, match="unverified"):
        load_hypergcn_raw("mine", root=tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnverifiedDatasetWarning)
        assert load_hypergcn_raw("mine", root=tmp_path).num_nodes == 6


def test_known_name_with_other_files_fails_checksum(tmp_path):
    write_tiny(tmp_path / "cocitation-cora")
    with pytest.raises(ChecksumError, match=r"hypergraph\.pickle.*pinned upstream file of cocitation-cora"):
        load_hypergcn_raw("cocitation-cora", root=tmp_path, download=False)
    assert load_hypergcn_raw("cocitation-cora", root=tmp_path, download=False, verify=False).num_nodes == 6


class Evil:
    def __reduce__(self):
        return (print, ("pwned",))


def test_forbidden_global_is_refused_naming_the_file(tmp_path):
    folder = write_tiny(tmp_path / "evil")
    (folder / "labels.pickle").write_bytes(pickle.dumps(Evil()))
    with pytest.raises(HyperGCNRawFormatError, match=r"labels\.pickle: unreadable pickle.*forbidden"):
        read_hypergcn_raw(folder)


def test_truncated_pickle_names_the_file(tmp_path):
    folder = write_tiny(tmp_path / "cut")
    raw = (folder / "splits" / "3.pickle").read_bytes()
    (folder / "splits" / "3.pickle").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(HyperGCNRawFormatError, match=r"splits/3\.pickle: unreadable pickle"):
        read_hypergcn_raw(folder)


def test_inconsistent_pickles(tmp_path):
    with pytest.raises(HyperGCNRawFormatError, match=r"features\.pickle: 5 feature rows but .* 6 labels"):
        read_hypergcn_raw(write_tiny(tmp_path / "a", feature_rows=5))
    with pytest.raises(HyperGCNRawFormatError, match=r"hypergraph\.pickle: node id 9 is outside the 6 nodes"):
        read_hypergcn_raw(write_tiny(tmp_path / "b", hypergraph={0: [1, 9]}))
    folder = write_tiny(tmp_path / "c")
    (folder / "splits" / "7.pickle").unlink()
    with pytest.raises(DatasetNotFoundError, match=r"missing \['splits/7\.pickle'\]"):
        read_hypergcn_raw(folder)


def test_not_found(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="not one of the pinned datasets"):
        load_hypergcn_raw("mine", root=tmp_path)
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        load_hypergcn_raw("coauthorship-cora", root=tmp_path, download=False)


def assert_same(a, b):
    assert set(a.keys()) == set(b.keys())
    for k in ("hyperedge_index", "x", "y", "split_train", "split_test"):
        assert torch.equal(a[k], b[k]), k
    assert (a.num_nodes, a.num_hyperedges, a.num_classes) == (b.num_nodes, b.num_hyperedges, b.num_classes)


@pytest.mark.parametrize("name", ["cocitation-cora", "coauthorship-cora"])
def test_pickles_equal_npz(name):
    root = require_data(f"hypergcn-raw/{name}/hypergraph.pickle", f"hypergcn/{name}.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnverifiedDatasetWarning)  # pinned: no warning
        raw = load_hypergcn_raw(name, root=root, download=False)
    assert_same(raw, HyperGCNDataset(name, root=root, download=False)[0])


def test_download_into_cache_with_real_bytes(tmp_path):
    root = require_data("hypergcn-raw/coauthorship-cora/hypergraph.pickle")
    src = root / "hypergcn-raw" / "coauthorship-cora"
    files = {f"{BASE_URL}/{SOURCES['coauthorship-cora'][0]}/{f}": (src / f).read_bytes() for f in FILES}

    def opener(url, timeout=None):
        return io.BytesIO(files[url])

    got = load_hypergcn_raw("coauthorship-cora", root=tmp_path / "empty", opener=opener)
    assert (tmp_path / "cache" / "hypergcn-raw" / "coauthorship-cora" / "splits" / "10.pickle").is_file()
    assert_same(got, load_hypergcn_raw("coauthorship-cora", root=root, download=False))
    # a corrupt download leaves nothing behind (no folder, no partial files)
    with pytest.raises(ChecksumError):
        load_hypergcn_raw(
            "cocitation-cora", root=tmp_path / "empty", opener=lambda u, timeout=None: io.BytesIO(b"x")
        )
    assert sorted(p.name for p in (tmp_path / "cache" / "hypergcn-raw").iterdir()) == ["coauthorship-cora"]
