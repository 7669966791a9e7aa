import io

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp
import torch
from conftest import require_data

from hypergraph.datasets.download import ChecksumError, DatasetNotFoundError
from hypergraph.datasets.uci import UCI_DATASETS, UCIFormatError, find_uci, load_uci, read_uci


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


ZOO_HEADER = (
    "animal_name,hair,feathers,eggs,milk,airborne,aquatic,predator,toothed,backbone,breathes,venomous,"
    "fins,legs,tail,domestic,catsize,type\n"
)
# three animals; legs takes 3 values (4, 2, 0), the other 15 attributes 1 or 2 values
ZOO_ROWS = (
    "aardvark,1,0,0,1,0,0,1,1,1,1,0,0,4,0,0,1,1\n"
    "chicken,0,1,1,0,1,0,0,0,1,1,0,0,2,1,1,0,2\n"
    "clam,0,0,1,0,0,0,1,0,0,0,0,0,0,0,0,0,7\n"
)


def dense_incidence(data):
    h = torch.zeros(data.num_nodes, data.num_hyperedges)
    h[data.hyperedge_index[0], data.hyperedge_index[1]] = 1
    return h


def test_zoo_one_hyperedge_per_attribute_value(tmp_path):
    (tmp_path / "zoo.data").write_text(ZOO_HEADER + ZOO_ROWS)
    data = read_uci("zoo", tmp_path / "zoo.data")
    values = [len(set(col)) for col in zip(*[r.split(",")[1:17] for r in ZOO_ROWS.split()], strict=True)]
    assert data.num_hyperedges == sum(values) and data.num_nodes == 3
    assert data.x.shape == (3, 16) and data.x[:, 12].tolist() == [4.0, 2.0, 0.0]  # raw table (legs)
    assert data.y.tolist() == [0, 1, 2] and data.num_classes == 3 and data.label_names == ["1", "2", "7"]
    assert data.node_names == ["aardvark", "chicken", "clam"]
    h = dense_incidence(data)
    assert torch.equal(h.sum(1), torch.full((3,), 16.0))  # every node: one value per attribute
    legs = [data.hyperedge_names.index(f"legs={v}") for v in (0, 2, 4)]
    assert h[:, legs].tolist() == [[0, 0, 1], [0, 1, 0], [1, 0, 0]]


def test_header_is_optional_and_does_not_change_the_digest(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "zoo.data").write_text(ZOO_HEADER + ZOO_ROWS)
    (tmp_path / "b" / "zoo.data").write_text(ZOO_ROWS.replace("\n", "\r\n"))
    a, b = read_uci("zoo", tmp_path / "a" / "zoo.data"), read_uci("zoo", tmp_path / "b" / "zoo.data")
    assert torch.equal(a.hyperedge_index, b.hyperedge_index) and torch.equal(a.x, b.x)
    from hypergraph.datasets.uci import _digest

    assert _digest("zoo", tmp_path / "a" / "zoo.data") == _digest("zoo", tmp_path / "b" / "zoo.data")


def test_label_attribute_excluded_by_default(tmp_path):
    (tmp_path / "zoo.data").write_text(ZOO_ROWS)
    plain = read_uci("zoo", tmp_path / "zoo.data")
    leaky = read_uci("zoo", tmp_path / "zoo.data", include_label_attribute=True)
    assert leaky.num_hyperedges == plain.num_hyperedges + plain.num_classes
    assert leaky.hyperedge_names[-3:] == ["type=1", "type=2", "type=7"]
    # the appended hyperedges are exactly the classes: the label is in the structure
    h = dense_incidence(leaky)[:, plain.num_hyperedges :]
    assert torch.equal(h.argmax(1), leaky.y) and torch.equal(h.sum(1), torch.ones(3))
    assert torch.equal(leaky.hyperedge_index[:, : plain.num_incidences], plain.hyperedge_index)


def test_onehot_features_are_the_incidence(tmp_path):
    (tmp_path / "zoo.data").write_text(ZOO_ROWS)
    data = read_uci("zoo", tmp_path / "zoo.data", features="onehot")
    assert torch.equal(data.x, dense_incidence(data))
    with pytest.raises(ValueError, match="features must be"):
        read_uci("zoo", tmp_path / "zoo.data", features="bag")


MUSHROOM_HEADER = (
    "edibility,cap-shape,cap-surface,cap-color,bruises,odor,gill-attachment,gill-spacing,gill-size,"
    "gill-color,stalk-shape,stalk-root,stalk-surface-above-ring,stalk-surface-below-ring,"
    "stalk-color-above-ring,stalk-color-below-ring,veil-type,veil-color,ring-number,ring-type,"
    "spore-print-color,population,habitat\n"
)
MUSHROOM_ROWS = (
    "p,x,s,n,t,p,f,c,n,k,e,e,s,s,w,w,p,w,o,p,k,s,u\n"
    "e,x,s,y,t,a,f,c,b,k,e,c,s,s,w,w,p,w,o,p,n,n,g\n"
    "e,b,s,w,t,l,f,c,b,n,e,?,s,s,w,w,p,w,o,p,n,n,m\n"
)


def test_mushroom_missing_value_and_codes(tmp_path):
    (tmp_path / "m.data").write_text(MUSHROOM_HEADER + MUSHROOM_ROWS)
    data = read_uci("mushroom", tmp_path / "m.data")
    dropped = read_uci("mushroom", tmp_path / "m.data", missing_as_value=False)
    assert "stalk-root=?" in data.hyperedge_names and "stalk-root=?" not in dropped.hyperedge_names
    assert dropped.num_hyperedges == data.num_hyperedges - 1
    assert dropped.num_incidences == data.num_incidences - 1  # row 3 has no stalk-root hyperedge
    assert data.y.tolist() == [1, 0, 0] and data.label_names == ["e", "p"]
    # raw features: rank of the letter within its attribute (cap-shape: b < x)
    assert data.x.shape == (3, 22) and data.x[:, 0].tolist() == [1.0, 1.0, 0.0]
    onehot = read_uci("mushroom", tmp_path / "m.data", features="onehot", missing_as_value=False)
    assert torch.equal(onehot.x, dense_incidence(onehot)) and onehot.x[2].sum() == 21


@pytest.mark.parametrize(
    "name, text, match",
    [
        ("zoo", ZOO_ROWS + "frog,1,0\n", r"zoo\.data:4: 3 comma-separated fields, expected 18"),
        (
            "zoo",
            ZOO_ROWS.replace("clam,0,0", "clam,x,0"),
            r"zoo\.data:3: field 2 is 'x', expected an integer",
        ),
        ("zoo", ZOO_ROWS.replace("\nchicken", "\n\nchicken"), r"zoo\.data:2: empty line"),
        ("mushroom", MUSHROOM_ROWS + "p,xx" + ",s" * 21 + "\n", r"zoo\.data:4: field 2 is 'xx'"),
        ("mushroom", MUSHROOM_ROWS + "p,x\n", r"zoo\.data:4: 2 comma-separated fields, expected 23"),
    ],
)
def test_malformed_tables_name_file_and_line(tmp_path, name, text, match):
    (tmp_path / "zoo.data").write_text(text)
    with pytest.raises(UCIFormatError, match=match):
        read_uci(name, tmp_path / "zoo.data")


def write_news(path, docs, groups):
    scipy.io.savemat(
        path,
        {
            "documents": sp.csc_matrix(np.asarray(docs, dtype=np.uint8)),
            "newsgroups": np.asarray(groups, dtype=np.uint8)[None, :],
            "wordlist": np.array([["w0"], ["w1"], ["w2"]], dtype=object).T,
            "groupnames": np.array([["comp.*"], ["rec.*"]], dtype=object).T,
        },
    )


def test_20news_one_hyperedge_per_word(tmp_path):
    docs = [[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 1]]  # 3 words x 4 documents
    write_news(tmp_path / "20news_w100.mat", docs, [1, 2, 2, 1])
    data = read_uci("20newsW100", tmp_path / "20news_w100.mat")
    assert (data.num_nodes, data.num_hyperedges, data.num_classes) == (4, 3, 2)
    assert torch.equal(data.x, torch.tensor(docs, dtype=torch.float32).T)
    assert torch.equal(dense_incidence(data), data.x)
    assert data.hyperedge_names == ["w0", "w1", "w2"] and data.label_names == ["comp.*", "rec.*"]
    assert data.y.tolist() == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="only its word vectors"):
        read_uci("20newsW100", tmp_path / "20news_w100.mat", features="onehot")


def test_bad_mat_files(tmp_path):
    (tmp_path / "bad.mat").write_bytes(b"not a matlab file at all" * 10)
    with pytest.raises(UCIFormatError, match=r"bad\.mat: not a readable MATLAB"):
        read_uci("20newsW100", tmp_path / "bad.mat")
    scipy.io.savemat(tmp_path / "nokeys.mat", {"other": np.zeros(3)})
    with pytest.raises(UCIFormatError, match=r"lacks the variables \['documents', 'newsgroups'\]"):
        read_uci("20newsW100", tmp_path / "nokeys.mat")


def test_known_name_with_other_content_fails_checksum(tmp_path):
    (tmp_path / "uci").mkdir()
    (tmp_path / "uci" / "zoo.data").write_text(ZOO_ROWS)
    assert find_uci("zoo", tmp_path) == tmp_path / "uci" / "zoo.data"
    with pytest.raises(ChecksumError, match="data rows have sha256"):
        load_uci("zoo", root=tmp_path, download=False)
    assert load_uci("zoo", root=tmp_path, download=False, verify=False).num_nodes == 3
    with pytest.raises(KeyError, match="unknown UCI dataset"):
        find_uci("iris", tmp_path)


def test_not_found_without_download(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        load_uci("mushroom", root=tmp_path / "empty", download=False)


def _serving(url, payload):
    def opener(u, timeout=None):
        assert u == url
        return io.BytesIO(payload)

    return opener


def test_download_checks_the_rows_before_keeping_the_file(tmp_path):
    info = UCI_DATASETS["zoo"]
    with pytest.raises(ChecksumError):
        load_uci("zoo", root=tmp_path / "empty", opener=_serving(info.url, ZOO_ROWS.encode()))
    cache = tmp_path / "cache" / "uci"
    assert not cache.exists() or not any(cache.iterdir())  # no partial or unverified file


def test_download_of_the_headerless_uci_original(tmp_path):
    root = require_data("uci/zoo.data")
    text = (root / "uci" / "zoo.data").read_text()
    original = text.split("\n", 1)[1]  # the UCI file: the offline copy without its header row
    data = load_uci(
        "zoo", root=tmp_path / "empty", opener=_serving(UCI_DATASETS["zoo"].url, original.encode())
    )
    assert (tmp_path / "cache" / "uci" / "zoo.data").is_file()
    ref = load_uci("zoo", root=root, download=False)
    assert torch.equal(data.hyperedge_index, ref.hyperedge_index) and torch.equal(data.x, ref.x)


@pytest.mark.parametrize(
    "name, n, m, m_label, f, c",
    [
        ("zoo", 101, 36, 43, 16, 7),  # AllSet: 43 hyperedges = 36 attribute values + 7 classes
        ("mushroom", 8124, 117, 119, 22, 2),  # AllSet reports 298 (not reproducible, see uci.py)
        ("20newsW100", 16242, 100, 104, 100, 4),
    ],
)
def test_offline_tables(name, n, m, m_label, f, c):
    root = require_data(f"uci/{UCI_DATASETS[name].file}")
    data = load_uci(name, root=root, download=False)
    assert (data.num_nodes, data.num_hyperedges, data.x.shape[1], data.num_classes) == (n, m, f, c)
    assert int(torch.bincount(data.hyperedge_index[1], minlength=m).min()) >= 1
    assert load_uci(name, root=root, download=False, include_label_attribute=True).num_hyperedges == m_label
    if name == "mushroom":
        assert load_uci(name, root=root, download=False, missing_as_value=False).num_hyperedges == 116
    if name == "20newsW100":
        assert data.num_incidences == 65451 and torch.equal(data.x, dense_incidence(data))


def test_names_are_case_insensitive(tmp_path):
    (tmp_path / "zoo.data").write_text(ZOO_ROWS)
    assert find_uci("ZOO", tmp_path) == find_uci("Zoo", tmp_path) == tmp_path / "zoo.data"
    assert read_uci("ZOO", tmp_path / "zoo.data").num_nodes == 3
    assert find_uci("20newsw100", tmp_path) is None  # known (registry spelling), just absent here
