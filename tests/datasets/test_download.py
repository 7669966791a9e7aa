"""Shared loader helpers: data roots, the cache, network errors, the unverified warning."""

from __future__ import annotations

import urllib.error
import warnings

import pytest

from hypergraph.datasets import download
from hypergraph.datasets.benson import load_benson
from hypergraph.datasets.download import (
    DatasetNotFoundError,
    DownloadError,
    UnverifiedDatasetWarning,
    cache_dir,
    download_url,
    resolve_root,
    warn_unverified,
)
from hypergraph.datasets.hypergcn import HyperGCNDataset
from hypergraph.datasets.shyre import load_shyre
from hypergraph.datasets.tu import load_tu


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


def test_root_that_is_a_file_is_a_clear_error(tmp_path):
    f = tmp_path / "data.txt"
    f.write_text("not a folder")
    with pytest.raises(DatasetNotFoundError, match=r"data root .*data.txt is a file, not a folder"):
        resolve_root(f)
    # regression: each loader gave NotADirectoryError from deep inside
    for load in (
        lambda: load_benson("email-Enron", root=f, download=False),
        lambda: load_shyre("enron", root=f, download=False),
        lambda: load_tu("MUTAG", root=f, download=False),
        lambda: HyperGCNDataset("cocitation-cora", root=f, download=False),
    ):
        with pytest.raises(DatasetNotFoundError, match="is a file, not a folder"):
            load()


def test_cache_dir_never_points_into_the_root(tmp_path):
    root = tmp_path / "writable-root"
    root.mkdir()
    path = cache_dir(root, "processed", "x")
    assert path == tmp_path / "cache" / "processed" / "x" and path.is_dir()
    assert list(root.iterdir()) == []
    assert not cache_dir(None, "y", create=False).exists()


@pytest.mark.parametrize(
    "exc, match",
    [
        (urllib.error.URLError("[Errno -2] Name or service not known"), "Name or service not known"),
        (urllib.error.HTTPError("u", 404, "Not Found", {}, None), "HTTP 404 Not Found"),
        (TimeoutError("timed out"), "TimeoutError: timed out"),
    ],
)
def test_network_failures_are_one_download_error(tmp_path, exc, match):
    def opener(url, timeout):
        raise exc

    with pytest.raises(DownloadError, match=f"could not download https://example.invalid/f: .*{match}") as e:
        download_url("https://example.invalid/f", tmp_path / "f", None, opener=opener)
    assert isinstance(e.value, DatasetNotFoundError) and e.value.__suppress_context__
    assert e.value.code == (404 if isinstance(exc, urllib.error.HTTPError) else None)
    assert list(tmp_path.iterdir()) == []


def test_missing_with_download_allowed_names_url_root_and_fix(tmp_path):
    def offline(url, timeout=None):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    for load, url in (
        (lambda: load_benson("email-Enron", root=tmp_path, opener=offline), "ScHoLP-Data/"),
        (lambda: load_shyre("enron", root=tmp_path, opener=offline), "supervised_hypergraph_reconstruction/"),
        (lambda: load_tu("NCI1", root=tmp_path, opener=offline), "graphkerneldatasets/NCI1.zip"),
    ):
        with pytest.raises(DatasetNotFoundError) as err:
            load()
        msg = str(err.value)
        assert "\n" not in msg and url in msg and str(tmp_path) in msg
        assert "Temporary failure in name resolution" in msg and "To fix" in msg
        assert not isinstance(err.value.__context__, urllib.error.URLError) or err.value.__suppress_context__
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


def test_warn_unverified_once_per_key(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            warn_unverified("fmt", "n", tmp_path)
        warn_unverified("fmt", "n", tmp_path / "other")
        warn_unverified("fmt2", "n", tmp_path)
    assert [issubclass(w.category, UnverifiedDatasetWarning) for w in caught] == [True] * 3


def test_no_module_of_the_package_defaults_to_the_shared_folder():
    """No string in the package's code (docstrings aside) points at ../shared/datasets."""
    import ast
    from pathlib import Path

    hits = []
    for path in Path(download.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        hits += [
            f"{path.name}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docs
            and "shared/datasets" in node.value
        ]
    assert hits == []


def test_one_data_root_for_every_loader(tmp_path):
    """Regression: each loader wanted its own root (``.../datasets``, ``.../scholp``, ``.../shyre``);
    the datasets folder now works for all of them, and so do the per-format folders."""
    from hypergraph.datasets import load_dataset

    data = tmp_path / "datasets"
    benson = data / "scholp" / "toy-b"
    benson.mkdir(parents=True)
    for kind, values in (("nverts", [2, 3]), ("simplices", [1, 2, 2, 3, 4]), ("times", [0, 1])):
        (benson / f"toy-b-{kind}.txt").write_text("".join(f"{v}\n" for v in values))
    shyre = data / "shyre" / "toy-s"
    shyre.mkdir(parents=True)
    (shyre / "train.txt").write_text("1 2\n2 3 4\n")
    (shyre / "test.txt").write_text("5 6\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnverifiedDatasetWarning)
        for root in (data, data / "scholp", benson):
            assert load_benson("toy-b", root=root, download=False).num_simplices == 2
        for root in (data, data / "shyre", shyre):
            assert load_shyre("toy-s", root=root, download=False).train.num_hyperedges == 2
        assert load_dataset("toy-b", root=data, download=False).num_simplices == 2
        assert load_dataset("toy-s", root=data, download=False).query.num_hyperedges == 1
