"""TU loader: both raw layouts, no writes into the data folder, parser errors, pinned download."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import require_data

from hypergraph.datasets.download import ChecksumError, UnverifiedDatasetWarning
from hypergraph.datasets.tu import TUFormatError, TUGraphDataset, find_tu_raw, load_tu


def _mutag_slice(src: Path, dst: Path, num_graphs: int = 12, name: str = "TOY") -> None:
    """The first ``num_graphs`` graphs of MUTAG's raw files, written to ``dst`` as dataset ``name``
    (a slice is not MUTAG: under the name MUTAG its pinned sha256 would refuse it)."""
    dst.mkdir(parents=True, exist_ok=True)
    gi = np.loadtxt(src / "MUTAG_graph_indicator.txt", dtype=np.int64)
    n = int((gi <= num_graphs).sum())
    A = np.loadtxt(src / "MUTAG_A.txt", delimiter=",", dtype=np.int64)
    keep = (A <= n).all(1)
    np.savetxt(dst / "MUTAG_A.txt", A[keep], fmt="%d", delimiter=", ")
    np.savetxt(
        dst / "MUTAG_edge_labels.txt", np.loadtxt(src / "MUTAG_edge_labels.txt", dtype=int)[keep], fmt="%d"
    )
    np.savetxt(dst / "MUTAG_graph_indicator.txt", gi[:n], fmt="%d")
    np.savetxt(
        dst / "MUTAG_node_labels.txt", np.loadtxt(src / "MUTAG_node_labels.txt", dtype=int)[:n], fmt="%d"
    )
    labels = np.loadtxt(src / "MUTAG_graph_labels.txt", dtype=int)[:num_graphs]
    np.savetxt(dst / "MUTAG_graph_labels.txt", labels, fmt="%d")
    for f in list(dst.glob("MUTAG_*.txt")):
        f.rename(dst / f.name.replace("MUTAG", name))


@pytest.fixture
def mutag_src() -> Path:
    return require_data("tu/MUTAG/MUTAG_A.txt") / "tu" / "MUTAG"


pytestmark = pytest.mark.filterwarnings("ignore::hypergraph.datasets.download.UnverifiedDatasetWarning")


def _snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_flat_layout_writes_only_to_cache(tmp_path, mutag_src, monkeypatch):
    data = tmp_path / "data"
    _mutag_slice(mutag_src, data / "tu" / "TOY")
    before = _snapshot(data)
    cache = tmp_path / "cache"
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(cache))
    for read_only in (True, False):  # a writable root is not written into either
        for p in [data, *data.rglob("*")]:
            mode = p.stat().st_mode
            p.chmod(
                mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) if read_only else mode | stat.S_IWUSR
            )
        ds = load_tu("TOY", data)
        assert len(ds) == 12 and ds.num_classes == 2
        labels = np.loadtxt(data / "tu" / "TOY" / "TOY_node_labels.txt", dtype=int)
        assert ds[0].x.shape[1] == len(np.unique(labels)) and ds[0].edge_attr.shape[1] >= 3
        assert _snapshot(data) == before  # nothing written into the data folder
        assert any(cache.rglob("data.pt"))
        assert Path(ds.raw_dir) == data / "tu" / "TOY"


def test_pinned_name_is_verified_and_edits_change_the_processed_key(tmp_path, mutag_src, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    _mutag_slice(mutag_src, tmp_path / "MUTAG", name="MUTAG")  # 12 graphs named MUTAG: not MUTAG
    with pytest.raises(ChecksumError, match=r"MUTAG_A.txt: expected sha256 .* \(the pinned MUTAG files"):
        load_tu("MUTAG", tmp_path, download=False)
    with pytest.warns(UnverifiedDatasetWarning, match="verify=False"):
        assert len(load_tu("MUTAG", tmp_path, download=False, verify=False)) == 12
    # an edited raw copy is reprocessed, not served from the old processed file
    _mutag_slice(mutag_src, tmp_path / "TOY", num_graphs=12)
    assert len(load_tu("TOY", tmp_path / "TOY", download=False)) == 12  # the root is the folder itself
    _mutag_slice(mutag_src, tmp_path / "TOY", num_graphs=10)
    assert len(load_tu("TOY", tmp_path / "TOY", download=False)) == 10


def test_pyg_layout_and_full_offline_copy(tmp_path, mutag_src, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    _mutag_slice(mutag_src, tmp_path / "TOY" / "raw", 20)
    assert find_tu_raw(tmp_path, "TOY") == tmp_path / "TOY" / "raw"
    ds = TUGraphDataset(tmp_path, "TOY", use_edge_attr=True, download=False)
    assert len(ds) == 20
    full = load_tu("MUTAG", mutag_src.parent.parent)
    assert len(full) == 188 and int(full.y.sum()) == 125  # labels -1:63, 1:125
    # same graphs as the PyG layout copy, same order
    assert (full[19].edge_index == ds[19].edge_index).all()


def test_malformed_file_names_file_and_line(tmp_path, mutag_src, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "tu" / "TOY"
    _mutag_slice(mutag_src, folder)
    lines = (folder / "TOY_A.txt").read_text().splitlines()
    lines[4] = "7; x"
    (folder / "TOY_A.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(TUFormatError, match=r"TOY_A.txt:5: not a comma-separated"):
        TUGraphDataset(tmp_path, "TOY", download=False)
    lines[4] = "7, 9999"
    (folder / "TOY_A.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(TUFormatError, match=r"TOY_A.txt:5: node id \[7, 9999\] outside"):
        TUGraphDataset(tmp_path, "TOY", download=False)
    assert not any(tmp_path.rglob("data.pt"))


def _zip_of(folder: Path, name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"{name}/{f.name}")
    return buf.getvalue()


class _FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()


def test_download_with_fake_opener(tmp_path, mutag_src, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    src = tmp_path / "src"
    _mutag_slice(mutag_src, src)  # an unpinned name: any TU name works the same way
    payload = _zip_of(src, "TOY")
    urls = []

    def opener(url, timeout):
        urls.append(url)
        return _FakeResponse(payload)

    root = tmp_path / "root"
    with pytest.warns(UnverifiedDatasetWarning, match="publishes no checksums"):
        ds = TUGraphDataset(root, "TOY", opener=opener, use_edge_attr=True)
    assert urls == ["https://www.chrsmrrs.com/graphkerneldatasets/TOY.zip"] and len(ds) == 12
    assert sorted(os.listdir(ds.raw_dir))[0] == "TOY_A.txt" and not list(Path(ds.raw_dir).glob("*.zip"))
    assert Path(ds.raw_dir) == tmp_path / "cache" / "tu" / "TOY" / "raw" and not root.exists()
    assert len(TUGraphDataset(root, "TOY", download=False)) == 12  # found again in the cache


def test_download_checksum_mismatch_leaves_nothing(tmp_path, mutag_src, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))
    src = tmp_path / "src"
    _mutag_slice(mutag_src, src, name="MUTAG")  # a slice: MUTAG's pinned sha256 cannot match
    payload = _zip_of(src, "MUTAG")
    root = tmp_path / "root"
    with pytest.raises(ChecksumError, match="MUTAG_A.txt"):
        TUGraphDataset(root, "MUTAG", opener=lambda url, timeout: _FakeResponse(payload))
    assert not [p for p in tmp_path.joinpath("cache").rglob("*") if p.is_file()] and not root.exists()
