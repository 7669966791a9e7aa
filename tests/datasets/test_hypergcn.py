import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from conftest import require_data

from hypergraph.datasets import (
    ChecksumError,
    DatasetNotFoundError,
    DownloadError,
    HyperGCNDataset,
    UnverifiedDatasetWarning,
)
from hypergraph.datasets.download import download_url, verify_sha256
from hypergraph.datasets.hypergcn import BASE_URL, SOURCES, convert_pickles, read_npz, structure_digest
from hypergraph.datasets.safe_pickle import restricted_load

pytestmark = pytest.mark.filterwarnings("ignore::hypergraph.datasets.download.UnverifiedDatasetWarning")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


@pytest.mark.parametrize(
    "name, n, m, nnz, c, has_x",
    [
        ("cocitation-cora", 2708, 1579, 4786, 7, True),
        ("coauthorship-cora", 2708, 1072, 4585, 7, True),
        ("cocitation-pubmed", 19717, 7963, 34629, 3, False),
        ("coauthorship-dblp", 41302, 22363, 99561, 6, False),
    ],
)
def test_offline_copies_load(name, n, m, nnz, c, has_x):
    root = require_data(f"hypergcn/{name}.npz")
    data = HyperGCNDataset(name, root=root, download=False)[0]
    assert (data.num_nodes, data.num_hyperedges, data.num_incidences, data.num_classes) == (n, m, nnz, c)
    assert (data.x is not None) == has_x
    assert data.split_train.shape[0] == 10
    assert structure_digest(np.load(root / "hypergcn" / f"{name}.npz")) == SOURCES[name][1]


def test_read_only_root_is_not_written(tmp_path):
    root = require_data("hypergcn/cocitation-cora.npz")
    before = sorted(os.listdir(root))
    HyperGCNDataset("cocitation-cora", root=root, force_reload=True)
    assert sorted(os.listdir(root)) == before
    assert any((tmp_path / "cache" / "processed").rglob("*.pt"))


def fake_arrays(n=6):
    return {
        "hyperedge_index": np.array([[0, 1, 2, 3], [0, 0, 1, 1]]),
        "y": np.arange(n) % 2,
        "num_nodes": np.int64(n),
        "num_hyperedges": np.int64(2),
        "num_classes": np.int64(2),
        "has_x": np.bool_(False),
        "split_train": np.tile(np.arange(2), (10, 1)),
        "split_test": np.tile(np.arange(2, n), (10, 1)),
    }


def test_corrupt_and_truncated_npz_fail_clearly(tmp_path):
    buf = io.BytesIO()
    np.savez(buf, **fake_arrays())
    raw = buf.getvalue()
    (tmp_path / "cocitation-cora.npz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        HyperGCNDataset("cocitation-cora", root=tmp_path, download=False)
    (tmp_path / "cocitation-cora.npz").write_bytes(b"PK\x03\x04garbage" * 10)
    with pytest.raises(ValueError, match="not a readable .npz"):
        read_npz(tmp_path / "cocitation-cora.npz")
    bad = fake_arrays()
    del bad["y"]
    np.savez(tmp_path / "x.npz", **bad)
    with pytest.raises(ValueError, match=r"lacks the arrays \['y'\]"):
        read_npz(tmp_path / "x.npz")
    processed = tmp_path / "cache" / "processed"
    assert not processed.exists() or not any(
        p.suffix == ".pt" and "data" in p.name for p in processed.rglob("*")
    )
    assert not (tmp_path / "processed").exists()


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def test_download_checksum_mismatch_leaves_nothing(tmp_path):
    opener = lambda url, timeout: FakeResponse(b"hello")  # noqa: E731
    with pytest.raises(ChecksumError, match="checksum mismatch"):
        download_url("https://example.invalid/f", tmp_path / "f", sha256="0" * 64, opener=opener)
    assert list(tmp_path.iterdir()) == []
    path = download_url(
        "https://example.invalid/f",
        tmp_path / "f",
        sha256="2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        opener=opener,
    )
    assert path.read_bytes() == b"hello"
    verify_sha256(path, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    with pytest.raises(ChecksumError):
        verify_sha256(path, "1" * 64)


def test_interrupted_download_leaves_nothing(tmp_path):
    class Broken(FakeResponse):
        def read(self, n=-1):
            raise ConnectionError("connection reset")

    with pytest.raises(
        DownloadError, match=r"could not download https://example.invalid/f: .*connection reset"
    ):
        download_url("https://example.invalid/f", tmp_path / "f", None, opener=lambda u, timeout: Broken())
    assert list(tmp_path.iterdir()) == []


def upstream_pickles():
    """Files in the upstream HyperGCN layout (Python pickles of dicts, lists and a CSR)."""
    files = {
        "hypergraph.pickle": pickle.dumps({10: [0, 1, 2], 11: [3, 2]}),
        "features.pickle": pickle.dumps(sp.csr_matrix(np.eye(6, 3, dtype=np.float32))),
        "labels.pickle": pickle.dumps([0, 1, 0, 1, 0, 1]),
    }
    for i in range(1, 11):
        files[f"splits/{i}.pickle"] = pickle.dumps({"train": [0, 1], "test": [2, 3, 4, 5]})
    return files


def test_download_converts_pickles_and_verifies_structure(tmp_path):
    files = upstream_pickles()
    seen = []

    def opener(url, timeout):
        seen.append(url)
        return FakeResponse(files[url.split("/cocitation/cora/")[1]])

    # the fake data is not the real Cora: the pinned structure digest must reject it
    with pytest.raises(ChecksumError, match="structure sha256"):
        HyperGCNDataset("cocitation-cora", root=tmp_path, opener=opener)
    assert all(u.startswith(BASE_URL) for u in seen) and len(seen) == 13
    assert not list(tmp_path.rglob("*.npz")) and not list(tmp_path.rglob("*.pickle"))
    assert not (tmp_path / "cache" / "hypergcn").exists()  # the failed download left no folder
    # citeseer has no pinned digest: the conversion itself is exercised
    root = tmp_path / "root"
    with pytest.warns(UnverifiedDatasetWarning, match="no verified copy"):
        data = HyperGCNDataset(
            "cocitation-citeseer",
            root=root,
            opener=lambda url, timeout: FakeResponse(files[url.split("/cocitation/citeseer/")[1]]),
        )[0]
    assert data.num_nodes == 6 and data.num_hyperedges == 2 and data.x.shape == (6, 3)
    assert torch.equal(data.hyperedge_index, torch.tensor([[0, 1, 2, 2, 3], [0, 0, 0, 1, 1]]))
    # the download went to the cache, laid out like a data root; the root was never created
    assert (tmp_path / "cache" / "hypergcn" / "cocitation-citeseer.npz").is_file() and not root.exists()
    assert HyperGCNDataset("cocitation-citeseer", root=root, download=False)[0].num_nodes == 6


def test_convert_pickles_layout(tmp_path):
    for name, blob in upstream_pickles().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(blob)
    arrays = convert_pickles(tmp_path)
    assert arrays["hyperedge_key"].tolist() == [10, 11]
    assert arrays["split_train"].shape == (10, 2)


def test_restricted_unpickler_refuses_code():
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    with pytest.raises(pickle.UnpicklingError, match="forbidden"):
        restricted_load(pickle.dumps(Evil()))
    assert restricted_load(pickle.dumps({1: {2, 3}})) == {1: {2, 3}}


def test_missing_without_download(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        HyperGCNDataset("coauthorship-cora", root=root, download=False)
    # regression: download=False created empty <root>/raw/<name> (or cache) folders
    assert list(root.iterdir()) == [] and not (tmp_path / "cache" / "hypergcn").exists()
    with pytest.raises(DatasetNotFoundError, match="not a pinned HyperGCN set .*cannot be downloaded"):
        HyperGCNDataset("cora-cocitation", root=root)
    assert list(root.iterdir()) == []


def test_offline_download_is_one_clear_error(tmp_path):
    import urllib.error

    def offline(url, timeout):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    with pytest.raises(DatasetNotFoundError) as err:
        HyperGCNDataset("cocitation-citeseer", root=tmp_path, opener=offline)
    msg = str(err.value)
    assert "\n" not in msg and err.value.__cause__ is None and err.value.__suppress_context__
    assert f"{BASE_URL}/cocitation/citeseer/hypergraph.pickle" in msg and "Name or service not known" in msg
    assert str(tmp_path) in msg and "hypergcn/cocitation-citeseer.npz" in msg and "To fix" in msg
    assert not (tmp_path / "cache" / "hypergcn").exists()


def test_text_file_is_not_an_npz(tmp_path):
    (tmp_path / "a.npz").write_text("hyperedge_index,y\n0,1\n")
    with pytest.raises(ValueError, match=r"a.npz is not an .npz file .*starting with b'hyperedg"):
        read_npz(tmp_path / "a.npz")
    buf = io.BytesIO()
    np.save(buf, np.arange(3))
    (tmp_path / "b.npz").write_bytes(buf.getvalue())  # an .npy under an .npz name
    with pytest.raises(ValueError, match=r"is not an .npz file .*a .npy array file"):
        read_npz(tmp_path / "b.npz")


def test_edited_copy_of_a_pinned_set_fails_checksum(tmp_path):
    root = require_data("hypergcn/cocitation-cora.npz")
    arrays = dict(np.load(root / "hypergcn" / "cocitation-cora.npz"))
    arrays["y"] = arrays["y"].copy()
    arrays["y"][0] = (arrays["y"][0] + 1) % 7
    np.savez(tmp_path / "cocitation-cora.npz", **arrays)
    with pytest.raises(ChecksumError, match=r"structure sha256 .* differs from the pinned"):
        HyperGCNDataset("cocitation-cora", root=tmp_path, download=False)
    # the same file under a new name loads, unverified
    (tmp_path / "cocitation-cora.npz").rename(tmp_path / "my-cora.npz")
    with pytest.warns(UnverifiedDatasetWarning, match="my-cora"):
        data = HyperGCNDataset("my-cora", root=tmp_path, download=False)[0]
    assert data.num_nodes == 2708 and data.split_train.shape == (10, 140)


def test_user_npz_minimal_and_dense_features(tmp_path):
    hi = np.array([[0, 1, 1, 2], [0, 0, 1, 1]])
    np.savez(tmp_path / "mine.npz", hyperedge_index=hi, x=np.eye(4, 2, dtype=np.float32))
    with pytest.warns(UnverifiedDatasetWarning):
        data = HyperGCNDataset("mine", root=tmp_path, download=False)[0]
    assert (data.num_nodes, data.num_hyperedges) == (4, 2) and data.x.shape == (4, 2)
    assert data.get("y") is None
    np.savez(tmp_path / "bad.npz", hyperedge_index=hi, y=np.array([0, 1]), num_nodes=np.int64(3))
    with pytest.raises(ValueError, match=r"bad.npz: y has shape \(2,\), expected \(3,\)"):
        HyperGCNDataset("bad", root=tmp_path, download=False)
    np.savez(tmp_path / "bad2.npz", hyperedge_index=hi, y=np.array([0, 1]))  # 2 labels: 2 nodes
    with pytest.raises(ValueError, match=r"bad2.npz: node id 2 .* out of range for num_nodes=2"):
        HyperGCNDataset("bad2", root=tmp_path, download=False)


def test_user_npz_hyperedge_weight_and_unknown_arrays(tmp_path):
    hi = np.array([[0, 1, 1, 2], [0, 0, 1, 1]])
    np.savez(tmp_path / "w.npz", hyperedge_index=hi, hyperedge_weight=np.array([2.0, 0.5]))
    with pytest.warns(UnverifiedDatasetWarning):
        data = HyperGCNDataset("w", root=tmp_path, download=False)[0]
    assert data.hyperedge_weight.tolist() == [2.0, 0.5]
    np.savez(tmp_path / "typo.npz", hyperedge_index=hi, hyperedge_weights=np.array([2.0, 0.5]))
    with pytest.raises(
        ValueError, match=r"typo.npz holds arrays this layout does not know: \['hyperedge_weights'\]"
    ):
        HyperGCNDataset("typo", root=tmp_path, download=False)
    np.savez(tmp_path / "short.npz", hyperedge_index=hi, hyperedge_weight=np.array([1.0]))
    with pytest.raises(ValueError, match=r"short.npz: hyperedge_weight has shape \(1,\)"):
        HyperGCNDataset("short", root=tmp_path, download=False)


def test_zip_member_is_not_pickle(tmp_path):
    np.savez(tmp_path / "a.npz", hyperedge_index=np.array([[0], [0]], dtype=object))
    with zipfile.ZipFile(tmp_path / "a.npz") as z:
        assert z.namelist() == ["hyperedge_index.npy"]
    with pytest.raises(ValueError):
        read_npz(tmp_path / "a.npz")  # object arrays need pickles: refused
