import gzip
import io
import warnings

import pytest
import torch
from conftest import require_data

from hypergraph.datasets.benson_labelled import (
    BENSON_LABELLED,
    BensonLabelledFormatError,
    find_benson_labelled,
    label_features,
    load_benson_labelled,
    parse_id_lists,
    read_benson_labelled,
)
from hypergraph.datasets.download import ChecksumError, DatasetNotFoundError, UnverifiedDatasetWarning


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path / "cache"))


# 5 nodes (node 5 in no hyperedge), 4 hyperedges; line 4 repeats node 3; line 3 is a singleton
TOY_EDGES = "1,2,3\n2,3\n4\n3,3,1\n"
TOY_LABELS = "1\n2\n1\n2\n2\n"
TOY_NAMES = "A\nB\n"


def write_toy(folder, stem="toy", edges=TOY_EDGES, labels=TOY_LABELS, names=TOY_NAMES, gz=False):
    folder.mkdir(parents=True, exist_ok=True)
    if gz:
        (folder / f"hyperedges-{stem}.txt.gz").write_bytes(gzip.compress(edges.encode()))
    else:
        (folder / f"hyperedges-{stem}.txt").write_text(edges)
    (folder / f"node-labels-{stem}.txt").write_text(labels)
    if names is not None:
        (folder / f"label-names-{stem}.txt").write_text(names)
    return folder


def load_quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnverifiedDatasetWarning)
        return load_benson_labelled(*args, **kwargs)


def test_parse_one_based_ids_dedup_and_singletons(tmp_path):
    write_toy(tmp_path / "toy")
    data = load_quiet("toy", root=tmp_path, feature_noise=0.0)
    assert (data.num_nodes, data.num_hyperedges, data.num_classes) == (5, 4, 2)
    assert data.hyperedge_index.tolist() == [[0, 1, 2, 1, 2, 3, 0, 2], [0, 0, 0, 1, 1, 2, 3, 3]]
    assert data.y.tolist() == [0, 1, 0, 1, 1]
    assert data.label_names == ["A", "B"]
    # noise 0: the features are exactly the one-hot label
    assert torch.equal(data.x, torch.nn.functional.one_hot(data.y, 2).float())


def test_gzip_and_layouts_are_found(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for root, folder in ((a, a / "benson-labelled" / "toy"), (b, b / "toy"), (c, c)):
        write_toy(folder, gz=True)
        assert find_benson_labelled("toy", root) == folder
        assert load_quiet("toy", root=root).hyperedge_index.size(1) == 8
    assert find_benson_labelled("toy", tmp_path / "nowhere") is None


def test_new_name_warns_once_unverified(tmp_path):
    write_toy(tmp_path / "mine", stem="mine")
    with pytest.warns(UnverifiedDatasetWarning, match="unverified"):
        load_benson_labelled("mine", root=tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnverifiedDatasetWarning)
        load_benson_labelled("mine", root=tmp_path)  # second load: no warning


def test_known_name_with_other_content_fails_checksum(tmp_path):
    write_toy(tmp_path / "house-committees", stem="house-committees")
    with pytest.raises(ChecksumError, match=r"hyperedges-house-committees\.txt.*verify=False"):
        load_benson_labelled("house-committees", root=tmp_path, download=False)
    data = load_benson_labelled("house-committees", root=tmp_path, download=False, verify=False)
    assert data.num_nodes == 5


def test_feature_noise_seeded_and_reproducible(tmp_path):
    write_toy(tmp_path / "toy")
    a = load_quiet("toy", root=tmp_path, feature_noise=0.6, feature_seed=3)
    b = load_quiet("toy", root=tmp_path, feature_noise=0.6, feature_seed=3)
    c = load_quiet("toy", root=tmp_path, feature_noise=0.6, feature_seed=4)
    assert torch.equal(a.x, b.x) and not torch.equal(a.x, c.x)
    # the noise is the CPU generator's randn, identical on every machine
    g = torch.Generator().manual_seed(3)
    expected = torch.nn.functional.one_hot(a.y, 2).float() + 0.6 * torch.randn(5, 2, generator=g)
    assert torch.equal(a.x, expected)
    z = label_features(torch.tensor([0]), 3, feature_noise=1.0, feature_seed=0)
    assert torch.allclose(z, torch.tensor([[2.5410, -0.2934, -2.1788]]), atol=1e-4)


def test_features_carry_the_label():
    y = torch.arange(20000) % 4
    x = label_features(y, 4, feature_noise=0.6, feature_seed=0)
    noise = x - torch.nn.functional.one_hot(y, 4).float()
    assert abs(noise.std().item() - 0.6) < 0.01 and abs(noise.mean().item()) < 0.01
    # a classifier that reads only x (argmax) beats chance (0.25) by far: the label leaks
    assert (x.argmax(1) == y).float().mean() > 0.6
    assert torch.equal(label_features(y, 4, 0.0).argmax(1), y)


def test_feature_dim_pads_and_none_gives_no_features(tmp_path):
    write_toy(tmp_path / "toy")
    data = load_quiet("toy", root=tmp_path, feature_noise=0.0, feature_dim=6)
    assert data.x.shape == (5, 6) and data.x[:, 2:].abs().sum() == 0
    assert load_quiet("toy", root=tmp_path, feature_noise=None).x is None
    with pytest.raises(ValueError, match="feature_dim=1 is smaller"):
        load_quiet("toy", root=tmp_path, feature_dim=1)
    with pytest.raises(ValueError, match="feature_noise must be >= 0"):
        load_quiet("toy", root=tmp_path, feature_noise=-1.0)


def test_missing_label_names_and_prefixed_names(tmp_path):
    write_toy(tmp_path / "a", stem="a", names=None)
    assert read_benson_labelled(tmp_path / "a").label_names == ["1", "2"]
    write_toy(tmp_path / "b", stem="b", names="1 democrat\n2 republican\n")
    assert read_benson_labelled(tmp_path / "b").label_names == ["democrat", "republican"]


def test_sparse_labels_are_compacted(tmp_path):
    write_toy(tmp_path / "s", stem="s", labels="3\n7\n3\n7\n3\n", names="a\nb\nc\nd\ne\nf\ng\n")
    data = read_benson_labelled(tmp_path / "s", feature_noise=0.0)
    assert data.num_classes == 2 and data.y.tolist() == [0, 1, 0, 1, 0]
    assert data.label_names == ["c", "g"] and data.x.shape == (5, 2)


@pytest.mark.parametrize(
    "edges, labels, match",
    [
        ("1,2\n1,,2\n", TOY_LABELS, r"hyperedges-bad\.txt:2: empty field"),
        ("1,2\n,2\n", TOY_LABELS, r":2: empty field"),
        ("1,2\n2,\n", TOY_LABELS, r":2: empty field"),
        ("1,2\n1,a\n", TOY_LABELS, r":2: unexpected character 'a'"),
        ("1,2\n1 2\n", TOY_LABELS, r":2: ids separated by blanks"),
        ("1,2\n\n3\n", TOY_LABELS, r":2: empty line"),
        ("1,2\n0,3\n", TOY_LABELS, r":2: node id 0 must be >= 1"),
        ("1,2\n3,6\n", TOY_LABELS, r":2: node id 6 exceeds the 5 nodes"),
        (TOY_EDGES, "1\n1,2\n1\n2\n2\n", r"node-labels-bad\.txt:2: 2 labels on one line"),
        (TOY_EDGES, "1\n0\n1\n2\n2\n", r"node-labels-bad\.txt:2: label 0 must be >= 1"),
        (TOY_EDGES, "1\n2\n3\n2\n2\n", r"node-labels-bad\.txt:3: label 3 has no name"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, edges, labels, match):
    write_toy(tmp_path / "bad", stem="bad", edges=edges, labels=labels)
    with pytest.raises(BensonLabelledFormatError, match=match):
        read_benson_labelled(tmp_path / "bad")


def test_corrupt_gzip_and_missing_files(tmp_path):
    write_toy(tmp_path / "g", stem="g", gz=True)
    gz = tmp_path / "g" / "hyperedges-g.txt.gz"
    gz.write_bytes(gz.read_bytes()[:12])
    with pytest.raises(BensonLabelledFormatError, match="corrupt gzip"):
        read_benson_labelled(tmp_path / "g")
    with pytest.raises(DatasetNotFoundError, match="missing hyperedges-x"):
        read_benson_labelled(tmp_path / "g", name="x")


def test_parse_id_lists_tolerates_blanks_and_final_newlines():
    indptr, values = parse_id_lists(b"1, 2 ,3\r\n 40\n\n")
    assert indptr.tolist() == [0, 3, 4] and values.tolist() == [1, 2, 3, 40]


def test_not_found_errors(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="not one of the pinned datasets"):
        load_benson_labelled("nothing-here", root=tmp_path)
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        load_benson_labelled("house-committees", root=tmp_path, download=False)


def _serving(files: dict[str, bytes]):
    def opener(url, timeout=None):
        return io.BytesIO(files[url])

    return opener


def test_download_bad_checksum_leaves_nothing(tmp_path):
    info = BENSON_LABELLED["house-committees"]
    opener = _serving({info.url(k): b"1,2\n" for k in ("hyperedges", "node-labels", "label-names")})
    with pytest.raises(ChecksumError):
        load_benson_labelled("house-committees", root=tmp_path, opener=opener)
    cached = tmp_path / "cache" / "benson-labelled" / "house-committees"
    assert not cached.exists() or not any(cached.iterdir())


def test_download_into_cache_with_real_bytes(tmp_path):
    root = require_data("benson-labelled/house-committees/hyperedges-house-committees.txt")
    src = root / "benson-labelled" / "house-committees"
    info = BENSON_LABELLED["house-committees"]
    opener = _serving(
        {
            info.url(k): (src / f"{k}-house-committees.txt").read_bytes()
            for k in ("hyperedges", "node-labels", "label-names")
        }
    )
    got = load_benson_labelled("house-committees", root=tmp_path / "empty", opener=opener)
    assert (
        tmp_path / "cache" / "benson-labelled" / "house-committees" / "hyperedges-house-committees.txt"
    ).is_file()
    ref = load_benson_labelled("house-committees", root=root, download=False)
    assert torch.equal(got.hyperedge_index, ref.hyperedge_index) and torch.equal(got.x, ref.x)


# README §5 (nodes, hyperedges, classes); incidences measured (repeated ids within a line merged)
REAL = [
    ("house-committees", 1290, 341, 2, 11843),
    ("senate-committees", 282, 315, 2, 5408),
    ("walmart-trips", 88860, 69906, 11, 460630),
    ("contact-primary-school-classes", 242, 12704, 11, 30729),
    ("senate-bills", 294, 29157, 2, 232147),
    ("SN-congress-bills", 294, 29157, 2, 232147),
    ("congress-bills", 1718, 84799, 2, 733994),
    ("mathoverflow-answers", 73851, 5446, 641, 131714),
]


@pytest.mark.parametrize("name, n, m, c, nnz", REAL)
def test_offline_sets_match_readme(name, n, m, c, nnz):
    folder = BENSON_LABELLED[name if name in BENSON_LABELLED else "senate-bills"].folder
    root = require_data(f"benson-labelled/{folder}")
    noise = None if name == "mathoverflow-answers" else 0.6  # 73,851 x 641 features: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnverifiedDatasetWarning)  # pinned: verified, no warning
        data = load_benson_labelled(name, root=root, download=False, feature_noise=noise)
    assert (data.num_nodes, data.num_hyperedges, data.num_classes, data.num_incidences) == (n, m, c, nnz)
    assert int(data.y.max()) == c - 1 and len(data.label_names) == c
    assert int(torch.bincount(data.hyperedge_index[1], minlength=m).min()) >= 1
    if noise is not None:
        assert data.x.shape == (n, c)


def test_known_names_are_case_insensitive_and_aliased():
    root = require_data("benson-labelled/SN-congress-bills/hyperedges-SN-congress-bills.txt")
    folder = root / "benson-labelled" / "SN-congress-bills"
    for name in ("senate-bills", "SN-congress-bills", "sn-congress-bills", "Senate-Bills"):
        assert find_benson_labelled(name, root) == folder
