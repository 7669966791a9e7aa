"""Loader of the SHyRe text files: parsing, deduplication, re-indexing, errors, checksums."""

from __future__ import annotations

import gzip
import hashlib
import io

import numpy as np
import pytest
from conftest import require_data

from hypergraph.datasets.download import ChecksumError, DatasetNotFoundError, UnverifiedDatasetWarning
from hypergraph.datasets.shyre import (
    SHYRE_DATASETS,
    HyperedgeFileError,
    load_shyre,
    load_shyre_split,
    parse_hyperedges,
    read_hyperedge_file,
    to_hypergraph,
)

pytestmark = pytest.mark.filterwarnings("ignore::hypergraph.datasets.download.UnverifiedDatasetWarning")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


def _edges(h):
    hi = h.hyperedge_index.numpy()
    return sorted(tuple(sorted(hi[0][hi[1] == e].tolist())) for e in range(h.num_hyperedges))


def test_parse_merges_repeated_ids_and_keeps_duplicate_lines():
    sets = parse_hyperedges(b"5 3 3\n7\n3 5\n10 7 3\n")
    assert sets.to_tuples() == [(3, 5), (7,), (3, 5), (3, 7, 10)]


def test_to_hypergraph_dedups_and_reindexes_by_rank():
    h = to_hypergraph(parse_hyperedges(b"5 3 3\n7\n3 5\n10 7 3\n"))
    assert h.num_nodes == 4 and h.num_hyperedges == 3
    assert h.node_id.tolist() == [3, 5, 7, 10]
    assert _edges(h) == [(0, 1), (0, 2, 3), (2,)]


def test_gzip_and_plain_files_read_identically(tmp_path):
    text = b"1 2 3\n2 4\n"
    (tmp_path / "a.txt").write_bytes(text)
    with gzip.open(tmp_path / "b.txt.gz", "wb") as f:
        f.write(text)
    a = read_hyperedge_file(tmp_path / "a.txt")
    b = read_hyperedge_file(tmp_path / "b.txt.gz")
    assert a.to_tuples() == b.to_tuples() == [(1, 2, 3), (2, 4)]


def test_windows_line_endings_and_missing_final_newline():
    assert parse_hyperedges(b"1 2\r\n3\r\n4 5").to_tuples() == [(1, 2), (3,), (4, 5)]


@pytest.mark.parametrize(
    "text, line, what",
    [
        (b"1 2\n3 x\n", 2, "invalid character 'x'"),
        (b"1 2\n\n3\n", 2, "empty line"),
        (b"1 -2\n", 1, "invalid character '-'"),
        (b"1,2\n", 1, "invalid character ','"),
        (b"1 2\n3 4\n  \n", 3, "empty line"),
        (b"1 12345678901234567890\n", 1, "too large"),
    ],
)
def test_malformed_lines_name_file_and_line(text, line, what):
    with pytest.raises(HyperedgeFileError) as err:
        parse_hyperedges(text, source="data/x/train.txt")
    assert f"data/x/train.txt:{line}:" in str(err.value)
    assert what in str(err.value)


def test_missing_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="enron.*download=False"):
        load_shyre_split("enron", "train", root=tmp_path, download=False)
    assert list(tmp_path.iterdir()) == []  # no empty cache folder left behind
    with pytest.raises(DatasetNotFoundError, match="not a pinned SHyRe dataset .*enron, school"):
        load_shyre_split("nope", "train", root=tmp_path)


def test_truncated_gzip_names_the_file(tmp_path):
    """Regression: a truncated .gz gave a bare EOFError without the path."""
    (tmp_path / "mine").mkdir()
    blob = gzip.compress("".join(f"{i} {i + 1}\n" for i in range(500)).encode())
    (tmp_path / "mine" / "train.txt.gz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(HyperedgeFileError, match=r"mine/train.txt.gz: corrupt or truncated gzip"):
        load_shyre_split("mine", "train", root=tmp_path)


def test_user_folder_loads_unverified_in_every_root_layout(tmp_path):
    folder = tmp_path / "datasets" / "shyre" / "mine"
    folder.mkdir(parents=True)
    (folder / "train.txt").write_bytes(b"1 2\n2 3 4\n")
    (folder / "test.txt").write_bytes(b"5 6\n")
    with pytest.warns(UnverifiedDatasetWarning, match="'mine'"):
        train, query = load_shyre("mine", root=tmp_path / "datasets")
    assert (train.num_hyperedges, query.num_hyperedges) == (2, 1)
    for root in (tmp_path / "datasets" / "shyre", folder):  # the shyre/ folder or the dataset's own
        assert load_shyre("mine", root=root).query.node_id.tolist() == [5, 6]


def test_checksum_of_local_text_is_verified(tmp_path):
    (tmp_path / "enron").mkdir()
    (tmp_path / "enron" / "train.txt").write_bytes(b"1 2\n")
    with pytest.raises(ChecksumError, match="enron"):
        load_shyre_split("enron", "train", root=tmp_path)
    with pytest.warns(UnverifiedDatasetWarning, match="verify=False"):
        h = load_shyre_split("enron", "train", root=tmp_path, verify=False)
    assert h.num_hyperedges == 1


class _FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_download_uses_pinned_url_and_checksum(tmp_path, monkeypatch):
    payload = b"1 2 3\n3 4\n"
    digest = hashlib.sha256(payload).hexdigest()
    info = SHYRE_DATASETS["enron"]
    monkeypatch.setitem(
        SHYRE_DATASETS, "enron", type(info)(info.paper_name, info.beta, {"train": digest, "test": digest})
    )
    urls = []

    def opener(url, timeout=None):
        urls.append(url)
        return _FakeResponse(payload)

    h = load_shyre_split("enron", "train", root=tmp_path, download=True, opener=opener)
    assert h.num_hyperedges == 2
    assert "d49c77ed2ef5d41d5c1707211fcf17e2a2283830/data/enron/train.txt" in urls[0]

    # a corrupt download leaves nothing behind
    def bad(url, timeout=None):
        return _FakeResponse(b"9 9\n")

    with pytest.raises(ChecksumError):
        load_shyre_split("enron", "test", root=tmp_path, download=True, opener=bad)
    assert not list(tmp_path.rglob("test.txt*"))
    assert (tmp_path / "cache" / "shyre" / "enron" / "train.txt").is_file()  # downloads: the cache


def test_offline_enron_statistics():
    root = require_data("shyre/enron/train.txt.gz", "shyre/enron/test.txt.gz")
    train, test = load_shyre("enron", root=root)
    assert (train.num_hyperedges, test.num_hyperedges) == (756, 756)
    assert (train.num_nodes, test.num_nodes) == (141, 142)
    assert np.array_equal(np.unique(test.hyperedge_index[0].numpy()), np.arange(142))
