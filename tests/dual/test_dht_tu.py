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

from hypergraph.datasets import download
from hypergraph.datasets.download import ChecksumError
from hypergraph.datasets.tu import TUFormatError, TUGraphDataset, find_tu_raw, load_tu


def _mutag_slice(src: Path, dst: Path, num_graphs: int = 12) -> None:
    """The first ``num_graphs`` graphs of MUTAG's raw files, written to ``dst``."""
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


@pytest.fixture
def mutag_src() -> Path:
    return require_data("tu/MUTAG/MUTAG_A.txt") / "tu" / "MUTAG"


def _snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_flat_readonly_layout_writes_only_to_cache(tmp_path, mutag_src, monkeypatch):
    data = tmp_path / "data"
    _mutag_slice(mutag_src, data / "tu" / "MUTAG")
    before = _snapshot(data)
    for p in [data, *data.rglob("*")]:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    cache = tmp_path / "cache"
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(cache))
    # chmod does not stop root: also make the writability probe report the data folder read-only
    real = download._writable
    monkeypatch.setattr(download, "_writable", lambda p: False if data in [p, *p.parents] else real(p))
    try:
        ds = load_tu("MUTAG", data)
        assert len(ds) == 12 and ds.num_classes == 2
        labels = np.loadtxt(data / "tu" / "MUTAG" / "MUTAG_node_labels.txt", dtype=int)
        assert ds[0].x.shape[1] == len(np.unique(labels)) and ds[0].edge_attr.shape[1] >= 3
        assert _snapshot(data) == before  # nothing written into the read-only folder
        assert any(cache.rglob("data.pt"))
        assert Path(ds.raw_dir) == data / "tu" / "MUTAG"
    finally:
        for p in [data, *data.rglob("*")]:
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


def test_pyg_layout_and_full_offline_copy(tmp_path, mutag_src):
    _mutag_slice(mutag_src, tmp_path / "MUTAG" / "raw", 20)
    assert find_tu_raw(tmp_path, "MUTAG") == tmp_path / "MUTAG" / "raw"
    ds = TUGraphDataset(tmp_path, "MUTAG", use_edge_attr=True, download=False)
    assert len(ds) == 20
    full = load_tu("MUTAG", mutag_src.parent.parent)
    assert len(full) == 188 and int(full.y.sum()) == 125  # labels -1:63, 1:125
    # same graphs as the PyG layout copy, same order
    assert (full[19].edge_index == ds[19].edge_index).all()


def test_malformed_file_names_file_and_line(tmp_path, mutag_src):
    folder = tmp_path / "tu" / "MUTAG"
    _mutag_slice(mutag_src, folder)
    lines = (folder / "MUTAG_A.txt").read_text().splitlines()
    lines[4] = "7; x"
    (folder / "MUTAG_A.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(TUFormatError, match=r"MUTAG_A.txt:5: not a comma-separated"):
        TUGraphDataset(tmp_path, "MUTAG", download=False)
    lines[4] = "7, 9999"
    (folder / "MUTAG_A.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(TUFormatError, match=r"MUTAG_A.txt:5: node id \[7, 9999\] outside"):
        TUGraphDataset(tmp_path, "MUTAG", download=False)
    assert not any((folder).rglob("data.pt"))


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


def test_download_with_fake_opener(tmp_path, mutag_src):
    src = tmp_path / "src"
    _mutag_slice(mutag_src, src)
    for f in list(src.iterdir()):  # an unpinned name: any TU name works the same way
        f.rename(src / f.name.replace("MUTAG", "TOY"))
    payload = _zip_of(src, "TOY")
    urls = []

    def opener(url, timeout):
        urls.append(url)
        return _FakeResponse(payload)

    root = tmp_path / "root"
    ds = TUGraphDataset(root, "TOY", opener=opener, use_edge_attr=True)
    assert urls == ["https://www.chrsmrrs.com/graphkerneldatasets/TOY.zip"] and len(ds) == 12
    assert sorted(os.listdir(ds.raw_dir))[0] == "TOY_A.txt" and not list(Path(ds.raw_dir).glob("*.zip"))


def test_download_checksum_mismatch_leaves_nothing(tmp_path, mutag_src):
    src = tmp_path / "src"
    _mutag_slice(mutag_src, src)  # a slice: MUTAG's pinned sha256 cannot match
    payload = _zip_of(src, "MUTAG")
    root = tmp_path / "root"
    with pytest.raises(ChecksumError, match="MUTAG_A.txt"):
        TUGraphDataset(root, "MUTAG", opener=lambda url, timeout: _FakeResponse(payload))
    assert not [p for p in root.rglob("*") if p.is_file()]
