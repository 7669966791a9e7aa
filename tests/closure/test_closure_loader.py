"""Benson three-file loader: parsing, malformed input, registry and pinned downloads."""

from __future__ import annotations

import gzip
import io
import urllib.error
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import require_data

from hypergraph.data.temporal import TemporalSimplicialComplex
from hypergraph.datasets.benson import (
    BENSON_DATASETS,
    BensonFormatError,
    load_benson,
    read_benson,
)
from hypergraph.datasets.download import (
    ChecksumError,
    DatasetNotFoundError,
    UnverifiedDatasetWarning,
    sha256_file,
)

NAME = "toy"
pytestmark = pytest.mark.filterwarnings("ignore::hypergraph.datasets.download.UnverifiedDatasetWarning")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


def write(folder: Path, nverts, simplices, times, labels=None, gz=False, name=NAME) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"nverts": nverts, "simplices": simplices, "times": times}
    if labels is not None:
        files["node-labels"] = labels
    for kind, content in files.items():
        text = content if isinstance(content, str) else "".join(f"{v}\n" for v in content)
        path = folder / f"{name}-{kind}.txt{'.gz' if gz else ''}"
        if gz:
            path.write_bytes(gzip.compress(text.encode()))
        else:
            path.write_text(text)
    return folder


def test_parse_plain_and_gz_identical(tmp_path):
    args = ([3, 2, 1], [5, 2, 9, 2, 5, 9], [10, 15, 21])
    a = read_benson(write(tmp_path / "plain", *args), NAME)
    b = read_benson(write(tmp_path / "gz", *args, gz=True), NAME)
    for x, y in [(a.nodes, b.nodes), (a.offsets, b.offsets), (a.times, b.times)]:
        np.testing.assert_array_equal(x, y)
    # 1-based, non-contiguous ids: id 9 is node 8, num_nodes is the largest id
    assert a.num_nodes == 9
    np.testing.assert_array_equal(a.nodes, [1, 4, 8, 1, 4, 8])  # each simplex sorted
    np.testing.assert_array_equal(a.offsets, [0, 3, 5, 6])
    np.testing.assert_array_equal(a.times, [10, 15, 21])


def test_repeated_ids_inside_a_simplex_are_dropped(tmp_path):
    tsc = read_benson(write(tmp_path, [3, 2], [4, 4, 1, 2, 2], [1, 2]), NAME)
    assert tsc.num_repeated_ids == 2
    np.testing.assert_array_equal(tsc.nodes, [0, 3, 1])
    np.testing.assert_array_equal(tsc.offsets, [0, 2, 3])


def test_node_labels_space_or_tab_any_order(tmp_path):
    labels = "3\tc label with spaces\n1 alpha\n5\tlast\n"
    tsc = read_benson(write(tmp_path, [2], [1, 3], [0], labels=labels), NAME)
    assert tsc.num_nodes == 5  # labels may name ids beyond the simplices
    assert list(tsc.node_labels) == ["alpha", "", "c label with spaces", "", "last"]


@pytest.mark.parametrize(
    "files, match",
    [
        (([2, 2], [1, 2, 3], [0, 1]), r"simplices\.txt: has 3 lines but .*nverts\.txt sums to 4"),
        (([2, 1], [1, 2, 3, 4], [0, 1]), r"simplices\.txt:4: 1 extra line"),
        (([2, "x"], [1, 2, 3], [0, 1]), r"nverts\.txt:2: 'x' is not an integer"),
        (([2, 1], [1, "2.5", 3], [0, 1]), r"simplices\.txt:2: '2.5' is not an integer"),
        (([2, 1], [1, 2, 3], [0, "1e3"]), r"times\.txt:2: '1e3' is not an integer"),
        (([2, 1], [1, "2 3", 3], [0, 1]), r"simplices\.txt:2: '2 3' is not an integer"),
        (([2, 1], [1, 0, 3], [0, 1]), r"simplices\.txt:2: node id 0 must be >= 1"),
        (([2, 1], [1, 2, -3], [0, 1]), r"simplices\.txt:3: node id -3 must be >= 1"),
        (([2, 0, 1], [1, 2, 3], [0, 1, 2]), r"nverts\.txt:2: simplex size 0 must be >= 1"),
        (([2, 1, 1], [1, 2, 3, 4], [0, 1]), r"times\.txt:3: 2 timestamps, shorter than the 3 simplices"),
        (([2, 1], [1, 2, 3], [0, 1, 2]), r"times\.txt:3: 3 timestamps, longer than the 2 simplices"),
        (("2\n\n1\n", [1, 2, 3], [0, 1]), r"nverts\.txt:2: empty line"),
        (("", [], []), r"nverts\.txt: no simplices"),
    ],
)
def test_malformed_input_names_file_and_line(tmp_path, files, match):
    write(tmp_path, *files)
    with pytest.raises(BensonFormatError, match=match):
        read_benson(tmp_path, NAME)


@pytest.mark.parametrize(
    "labels, match",
    [
        ("1 a\nb c\n", r"node-labels\.txt:2: 'b c' does not start with an integer"),
        ("1 a\n0 b\n", r"node-labels\.txt:2: node id 0 must be >= 1"),
        ("2 a\n1 b\n2 c\n", r"node-labels\.txt:3: node id 2 is labelled twice"),
    ],
)
def test_malformed_labels(tmp_path, labels, match):
    write(tmp_path, [2], [1, 2], [0], labels=labels)
    with pytest.raises(BensonFormatError, match=match):
        read_benson(tmp_path, NAME)


def test_missing_file_and_corrupt_gzip(tmp_path):
    write(tmp_path, [2], [1, 2], [0])
    (tmp_path / f"{NAME}-times.txt").unlink()
    with pytest.raises(DatasetNotFoundError, match="times"):
        read_benson(tmp_path, NAME)
    (tmp_path / f"{NAME}-times.txt.gz").write_bytes(gzip.compress(b"0\n")[:12])
    with pytest.raises(BensonFormatError, match="corrupt gzip"):
        read_benson(tmp_path, NAME)


def test_registry_lists_every_dataset_of_the_paper():
    paper = {
        "coauth-DBLP",
        "coauth-MAG-History",
        "coauth-MAG-Geology",
        "tags-stack-overflow",
        "tags-math-sx",
        "tags-ask-ubuntu",
        "threads-stack-overflow",
        "threads-math-sx",
        "threads-ask-ubuntu",
        "NDC-substances",
        "NDC-classes",
        "DAWN",
        "congress-bills",
        "email-Enron",
        "email-Eu",
        "contact-high-school",
        "contact-primary-school",
        "congress-committees",
        "music-rap-genius",
    }
    assert set(BENSON_DATASETS) == paper
    for ds in BENSON_DATASETS.values():
        assert "ScHoLP-Data/c830836d89870e41c665bfbac60adac42c766970/" in ds.url("nverts")
        assert all(len(h) == 64 for h in ds.sha256.values())
    with pytest.raises(DatasetNotFoundError, match="'nope' not found .*not a pinned Benson dataset"):
        load_benson("nope", root=Path("/nonexistent"))


def _fake_opener(files: dict[str, bytes], calls: list):
    def opener(url, timeout=None):
        calls.append(url)
        key = url.rsplit("/", 1)[1]
        if key not in files:
            raise urllib.error.HTTPError(url, 404, "not found", {}, None)
        return io.BytesIO(files[key])

    return opener


def _gz_files(name: str) -> dict[str, bytes]:
    return {
        f"{name}-nverts.txt.gz": gzip.compress(b"2\n3\n"),
        f"{name}-simplices.txt.gz": gzip.compress(b"1\n2\n1\n2\n3\n"),
        f"{name}-times.txt.gz": gzip.compress(b"5\n6\n"),
    }


def test_download_verifies_pins_and_leaves_nothing_on_mismatch(tmp_path, monkeypatch):
    from hypergraph.datasets import benson

    files = _gz_files("email-Enron")
    pinned = dict(BENSON_DATASETS["email-Enron"].sha256)
    # pins of our fake files, except a wrong one for the simplices
    for kind in ("nverts", "times"):
        p = tmp_path / "x.gz"
        p.write_bytes(files[f"email-Enron-{kind}.txt.gz"])
        pinned[kind] = sha256_file(p)
    monkeypatch.setitem(
        benson.BENSON_DATASETS,
        "email-Enron",
        benson.BensonDataset("email-Enron", 3, 2, False, pinned),
    )
    calls: list = []
    root = tmp_path / "root"
    with pytest.raises(ChecksumError):
        load_benson("email-Enron", root=root, opener=_fake_opener(files, calls))
    cache = tmp_path / "cache" / "scholp" / "email-Enron"  # downloads go to the cache, never the root
    assert not (cache / "email-Enron-simplices.txt.gz").exists() and not root.exists()
    assert not any(p.name.endswith(".part") for p in cache.iterdir())

    p = tmp_path / "s.gz"
    p.write_bytes(files["email-Enron-simplices.txt.gz"])
    pinned["simplices"] = sha256_file(p)
    tsc = load_benson("email-Enron", root=root, opener=_fake_opener(files, calls))
    assert tsc.num_simplices == 2 and tsc.num_nodes == 3
    assert all("raw.githubusercontent.com/arbenson/ScHoLP-Data/" in u for u in calls)


def test_download_without_digest_checks_counts_and_tolerates_missing_labels(tmp_path, monkeypatch):
    from hypergraph.datasets import benson

    monkeypatch.setitem(benson.BENSON_DATASETS, "DAWN", benson.BensonDataset("DAWN", 3, 2, None, {}))
    calls: list = []
    tsc = load_benson("DAWN", root=tmp_path, opener=_fake_opener(_gz_files("DAWN"), calls))
    assert tsc.node_labels is None and len(calls) == 4  # the label file was tried (404)
    monkeypatch.setitem(benson.BENSON_DATASETS, "DAWN", benson.BensonDataset("DAWN", 4, 2, None, {}))
    with pytest.raises(BensonFormatError, match="expected 4 / 2"):
        load_benson("DAWN", root=tmp_path, download=False)


def test_download_false_missing(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        load_benson("email-Enron", root=tmp_path, download=False)
    assert list(tmp_path.iterdir()) == []  # a failed lookup leaves no empty cache folder behind


def test_edited_plain_text_copy_of_a_pinned_dataset_is_refused(tmp_path):
    """Regression: only the .gz files were checked, so an edited plain-text copy loaded unverified."""
    write(tmp_path / "scholp" / "email-Enron", [2], [1, 2], [0], name="email-Enron")
    with pytest.raises(ChecksumError, match=r"email-Enron-nverts.txt: its text has sha256 .* pinned"):
        load_benson("email-Enron", root=tmp_path, download=False)
    # the same files under a name of the user's own load, said once to be unverified
    write(tmp_path / "mine", [2], [1, 2], [0], name="mine")
    with pytest.warns(UnverifiedDatasetWarning, match="'mine' .*unverified"):
        assert load_benson("mine", root=tmp_path, download=False).num_simplices == 1


def test_plain_and_recompressed_copies_of_pinned_data_are_verified(tmp_path):
    import warnings

    shared = require_data("scholp/email-Enron/email-Enron-nverts.txt.gz") / "scholp" / "email-Enron"
    plain, regz = tmp_path / "plain" / "email-Enron", tmp_path / "regz" / "email-Enron"
    plain.mkdir(parents=True)
    regz.mkdir(parents=True)
    for src in shared.glob("*.txt.gz"):
        text = gzip.decompress(src.read_bytes())
        (plain / src.name[:-3]).write_bytes(text)
        (regz / src.name).write_bytes(gzip.compress(text, compresslevel=1, mtime=12345))  # other bytes
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnverifiedDatasetWarning)  # verified: no warning
        a = load_benson("email-Enron", root=plain.parent, download=False)
        b = load_benson("email-Enron", root=regz.parent, download=False)
    assert a.num_simplices == b.num_simplices == 10883
    lines = (plain / "email-Enron-times.txt").read_text().splitlines()
    lines[5] = str(int(lines[5]) + 1)
    (plain / "email-Enron-times.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(ChecksumError, match="email-Enron-times.txt"):
        load_benson("email-Enron", root=plain.parent, download=False)


def test_one_root_convention(tmp_path):
    """The datasets folder, its scholp/ folder and the dataset's own folder all work as the root."""
    folder = write(tmp_path / "datasets" / "scholp" / "mine", [2, 1], [1, 2, 3], [0, 1], name="mine")
    for root in (tmp_path / "datasets", tmp_path / "datasets" / "scholp", folder):
        assert load_benson("mine", root=root, download=False).num_simplices == 2


def test_offline_enron_and_hypergraph_conversion():
    root = require_data("scholp/email-Enron/email-Enron-nverts.txt.gz")
    tsc = load_benson("email-Enron", root=root, download=False)
    assert isinstance(tsc, TemporalSimplicialComplex)
    assert tsc.num_simplices == 10883 and np.unique(tsc.nodes).size == 143 and tsc.num_nodes == 148
    assert tsc.node_labels[0] == "phillip.allen@enron.com"
    hg = tsc.to_hypergraph()
    assert hg.num_hyperedges == 10883 and hg.num_nodes == 148 and hg.num_incidences == 26841
    dd = tsc.to_hypergraph(deduplicate=True)
    assert dd.num_hyperedges == 1512  # distinct node sets (the paper's 1,542 compares raw sequences)
    assert float(dd.hyperedge_weight.sum()) == 10883
    assert torch.all(dd.hyperedge_weight >= 1)
