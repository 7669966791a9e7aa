"""Every dataset name is registered explicitly in ``hypergraph.datasets`` with one calling
convention, ``loader(root=None, download=True, **options)``."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import hypergraph.datasets as datasets_pkg
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.registry import DATASETS

HYPERGCN = {
    "cocitation-cora",
    "cocitation-citeseer",
    "cocitation-pubmed",
    "coauthorship-cora",
    "coauthorship-dblp",
}
BENSON = {
    "coauth-DBLP", "coauth-MAG-History", "coauth-MAG-Geology", "tags-stack-overflow", "tags-math-sx",
    "tags-ask-ubuntu", "threads-stack-overflow", "threads-math-sx", "threads-ask-ubuntu", "NDC-substances",
    "NDC-classes", "DAWN", "congress-bills", "email-Enron", "email-Eu", "contact-high-school",
    "contact-primary-school", "congress-committees", "music-rap-genius",
}  # fmt: skip
SHYRE = {"enron", "school", "school2", "foursquare", "hosts", "dblp"}
TU = {"MUTAG", "PROTEINS", "IMDB-BINARY", "IMDB-MULTI", "NCI1", "DD", "COLLAB"}
OGB = {
    "ogbg-molbace", "ogbg-molbbbp", "ogbg-molclintox", "ogbg-molmuv", "ogbg-molpcba", "ogbg-molsider",
    "ogbg-moltox21", "ogbg-moltoxcast", "ogbg-molhiv", "ogbg-molesol", "ogbg-molfreesolv", "ogbg-mollipo",
    "ogbg-molchembl", "ogbg-ppa", "ogbg-code2",
}  # fmt: skip
LABELLED = {
    "house-committees", "senate-committees", "walmart-trips", "contact-primary-school-classes",
    "senate-bills", "congress-bills-labelled", "mathoverflow-answers",
}  # fmt: skip
UCI = {"zoo", "mushroom", "20newsW100"}
RAW = {f"{n}-raw" for n in HYPERGCN}
FAMILIES = {
    "hypergcn": HYPERGCN,
    "benson": BENSON,
    "shyre": SHYRE,
    "tu": TU,
    "ogb": OGB,
    "benson-labelled": LABELLED,
    "uci": UCI,
    "hypergcn-raw": RAW,
    "synthetic": {"synthetic_hsbm"},
}


def test_every_known_name_is_registered_with_its_format():
    for fmt, names in FAMILIES.items():
        for name in names:
            assert name in DATASETS, name
            entry = DATASETS.get(name)
            assert entry.format == fmt, (name, entry.format)
            bound = entry.args
            assert not bound or bound[0] in (name, name.removesuffix("-raw").removesuffix("-labelled"))
    expected = set().union(*FAMILIES.values())
    assert len(DATASETS.names()) == len(expected) == 68  # every name, and no clash merged two of them
    assert DATASETS.get("congress-bills").format == "benson"  # the temporal set keeps the plain name


def test_ogb_names_match_ogbs_master_list():
    import pandas as pd
    from ogb import graphproppred

    master = pd.read_csv(Path(graphproppred.__file__).parent / "master.csv", index_col=0)
    assert set(master.columns) == OGB


def test_one_calling_convention():
    for name in DATASETS.names():
        sig = inspect.signature(DATASETS.get(name))
        params = sig.parameters
        assert "root" in params and params["root"].default is None, name
        assert "download" in params and params["download"].default is True, name
        assert all(p.kind != p.VAR_POSITIONAL for p in params.values()), name


def test_registration_happens_only_in_the_package_init():
    pkg = Path(datasets_pkg.__file__).parent
    offenders = []
    for path in pkg.glob("*.py"):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "register":
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_synthetic_returns_a_hypergraph():
    hg = DATASETS.get("synthetic_hsbm")(num_nodes=60, num_hyperedges=20, num_classes=3, num_features=4)
    assert isinstance(hg, Hypergraph) and hg.num_nodes == 60 and hg.num_classes == 3
