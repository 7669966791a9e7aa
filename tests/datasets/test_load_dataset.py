"""``load_dataset``: registered names, a user's own folder in every format (unverified, said once),
and one-line errors for names without files."""

from __future__ import annotations

import gzip
import json
import warnings

import numpy as np
import pytest
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.temporal import TemporalSimplicialComplex
from hypergraph.datasets import (
    FORMATS,
    DatasetNotFoundError,
    ShyreSplit,
    UnverifiedDatasetWarning,
    detect_formats,
    load_dataset,
    loader_for,
)

# the warnings are counted where a test cares (load_twice); elsewhere they are expected noise
pytestmark = pytest.mark.filterwarnings("ignore::hypergraph.datasets.download.UnverifiedDatasetWarning")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


# --------------------------------------------------------------------------- tiny files
def write_npz(folder, name="mydata", **extra):
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"hyperedge_index": np.array([[0, 1, 2, 2, 3], [0, 0, 0, 1, 1]]), "y": np.array([0, 1, 0, 1, 1])}
    arrays.update(extra)
    np.savez(folder / f"{name}.npz", **arrays)
    return folder


def write_benson(folder, name="mytemporal", gz=False):
    folder.mkdir(parents=True, exist_ok=True)
    for kind, values in {"nverts": [2, 3, 1], "simplices": [1, 2, 1, 2, 3, 4], "times": [5, 6, 9]}.items():
        text = "".join(f"{v}\n" for v in values).encode()
        if gz:
            (folder / f"{name}-{kind}.txt.gz").write_bytes(gzip.compress(text))
        else:
            (folder / f"{name}-{kind}.txt").write_bytes(text)
    return folder


def write_shyre(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.txt").write_text("1 2 3\n2 3\n4 5\n")
    (folder / "test.txt.gz").write_bytes(gzip.compress(b"7 8\n8 9 10\n"))
    return folder


def write_tu(folder, name="MYGRAPHS"):
    """Two graphs: a triangle (label 0) and a path of two nodes (label 1), 1-based node ids."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}_A.txt").write_text("1, 2\n2, 1\n2, 3\n3, 2\n1, 3\n3, 1\n4, 5\n5, 4\n")
    (folder / f"{name}_graph_indicator.txt").write_text("1\n1\n1\n2\n2\n")
    (folder / f"{name}_graph_labels.txt").write_text("0\n1\n")
    return folder


def write_hif(path, labels=True):
    path.parent.mkdir(parents=True, exist_ok=True)
    nodes = [
        {"node": n, "attrs": {"label": lab}} if labels else {"node": n}
        for n, lab in [("a", "x"), ("b", "y"), ("c", "x")]
    ]
    doc = {
        "network-type": "undirected",
        "nodes": nodes,
        "edges": [{"edge": "e1"}, {"edge": "e2"}],
        "incidences": [{"node": "a", "edge": "e1"}, {"node": "b", "edge": "e1"}, {"node": "c", "edge": "e2"}],
    }
    path.write_text(json.dumps(doc))
    return path


def load_twice(name, root, **kw):
    """Load twice; return the result and the unverified warnings of both calls."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = load_dataset(name, root=root, **kw)
        load_dataset(name, root=root, **kw)
    return out, [w for w in caught if issubclass(w.category, UnverifiedDatasetWarning)]


# --------------------------------------------------------------------------- every format
def test_hypergcn_npz_under_a_new_name(tmp_path):
    root = write_npz(tmp_path / "mine")
    hg, warned = load_twice("mydata", root)
    assert isinstance(hg, Hypergraph) and (hg.num_nodes, hg.num_hyperedges, hg.num_classes) == (5, 2, 2)
    assert hg.get("split_train") is None and hg.x is None
    assert len(warned) == 1 and "mydata" in str(warned[0].message) and "unverified" in str(warned[0].message)


def test_benson_folder_under_a_new_name(tmp_path):
    root = write_benson(tmp_path / "mine" / "mytemporal", gz=True).parent  # root/<name>/ layout
    tsc, warned = load_twice("mytemporal", root)
    assert isinstance(tsc, TemporalSimplicialComplex)
    assert tsc.num_simplices == 3 and tsc.num_nodes == 4
    np.testing.assert_array_equal(tsc.times, [5, 6, 9])
    assert len(warned) == 1


def test_shyre_folder_under_a_new_name(tmp_path):
    root = write_shyre(tmp_path / "mine" / "shyre" / "myrecon").parents[1]  # root/shyre/<name>/ layout
    split, warned = load_twice("myrecon", root)
    assert isinstance(split, ShyreSplit)
    train, query = split  # still a (train, query) tuple
    assert (train.num_hyperedges, query.num_hyperedges) == (3, 2)
    assert query.node_id.tolist() == [7, 8, 9, 10]
    assert len(warned) == 1  # both splits lie in one folder: one warning for the dataset


def test_tu_folder_under_a_new_name(tmp_path):
    root = write_tu(tmp_path / "mine")  # the files directly in the root
    ds, warned = load_twice("MYGRAPHS", root)
    assert len(ds) == 2 and ds.num_classes == 2
    assert ds[0].num_nodes == 3 and ds[0].edge_index.size(1) == 6 and ds[1].num_nodes == 2
    assert len(warned) == 1
    assert not list(root.rglob("*.pt"))  # processed files went to the cache


def test_hif_file_under_a_new_name(tmp_path):
    write_hif(tmp_path / "mine" / "hif" / "myhif.hif.json")
    hg, warned = load_twice("myhif", tmp_path / "mine")
    assert (hg.num_nodes, hg.num_hyperedges, hg.num_incidences) == (3, 2, 3)
    assert hg.y.tolist() == [0, 1, 0] and hg.num_classes == 2  # "x" < "y", numbered in sorted order
    assert len(warned) == 1
    write_hif(tmp_path / "plain" / "nolabels.json", labels=False)
    hg = load_dataset("nolabels", root=tmp_path / "plain", label_key=None)
    assert hg.get("y") is None


def test_warning_is_once_per_format_name_and_folder(tmp_path):
    a = write_npz(tmp_path / "a")
    b = write_npz(tmp_path / "b")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for root in (a, b, a, b):
            load_dataset("mydata", root=root)
    assert len([w for w in caught if issubclass(w.category, UnverifiedDatasetWarning)]) == 2


def test_explicit_format_and_detection(tmp_path):
    root = write_shyre(tmp_path / "mine")  # train/test directly in the root
    assert detect_formats("anything", root) == ["shyre"]
    split = load_dataset("anything", root=root, format="shyre")
    assert split.train.num_hyperedges == 3
    # a registered name of another family, read as a user's folder of the format asked for
    write_benson(tmp_path / "b", name="enron")
    tsc = load_dataset("enron", root=tmp_path / "b", format="benson")
    assert tsc.num_simplices == 3
    assert loader_for("enron", tmp_path / "b", format="benson").format == "benson"
    assert loader_for("enron").format == "shyre"


def test_unknown_name_without_files_is_one_line(tmp_path):
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("nothing-here", root=tmp_path)
    msg = str(err.value)
    assert "\n" not in msg and "not a registered dataset" in msg
    for fmt in FORMATS:
        assert fmt in msg
    assert "nothing-here.npz" in msg and "nothing-here_A.txt" in msg and "nothing-here.hif.json" in msg
    with pytest.raises(KeyError, match="unknown dataset format 'csv'; valid formats: hypergcn"):
        load_dataset("x", root=tmp_path, format="csv")
    with pytest.raises(DatasetNotFoundError, match=r"'x' has no files .*shyre/\{train,test\}"):
        load_dataset("x", root=tmp_path, format="shyre")


def test_several_formats_for_one_name_must_be_chosen(tmp_path):
    write_npz(tmp_path, name="both")
    write_benson(tmp_path, name="both")
    with pytest.raises(ValueError, match=r"several formats \(hypergcn, benson\); pass format="):
        load_dataset("both", root=tmp_path)
    assert isinstance(load_dataset("both", root=tmp_path, format="benson"), TemporalSimplicialComplex)


def test_unknown_option_lists_the_valid_ones(tmp_path):
    write_hif(tmp_path / "h.json")
    with pytest.raises(KeyError, match=r"unknown key\(s\) 'lable_key' .*valid: .*label_key"):
        load_dataset("h", root=tmp_path, lable_key="x")


def test_registered_name_uses_its_pinned_loader(tmp_path):
    # a registered name is not looked up as a user folder: a same-named user .npz is checked
    write_npz(tmp_path, name="cocitation-cora")
    with pytest.raises(ValueError, match="lacks the arrays"):
        load_dataset("cocitation-cora", root=tmp_path, download=False)


def test_hif_label_and_feature_errors(tmp_path):
    doc = {
        "nodes": [
            {"node": 1, "attrs": {"label": 2, "f": [1.0, 2.0]}},
            {"node": 2, "attrs": {"f": [3.0, 4.0]}},
        ],
        "incidences": [{"node": 1, "edge": 0}, {"node": 2, "edge": 0}],
    }
    (tmp_path / "h.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"h.json: node 2 has no 'label' attribute"):
        load_dataset("h", root=tmp_path)
    hg = load_dataset("h", root=tmp_path, label_key=None, feature_key="f")
    assert torch.equal(hg.x, torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
