"""SHyRe end to end: reference reproduction, library API, config runner."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from conftest import REPO, require_data

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.reconstruction import SHyRe, project, reconstruction_metrics
from hypergraph.reconstruction.metrics import pool_recall


def test_count_reproduces_reference_on_hosts():
    """The authors' code gives Jaccard .492 / F1 .6593 and pool recall 178/218 on Hosts-Virus."""
    from hypergraph.datasets.shyre import load_shyre

    root = require_data("shyre/hosts/train.txt.gz", "shyre/hosts/test.txt.gz")
    train, test = load_shyre("hosts", root=root)
    model = SHyRe(6000, features="count", classifier="sklearn", seed=123).fit(train)
    rec = model.reconstruct_detailed(project(test))
    m = reconstruction_metrics(rec.hyperedges, test)
    assert m["num_correct"] == 120 and m["num_reconstructed"] == 146
    assert m["f1"] == pytest.approx(0.6593, abs=1e-4)
    assert pool_recall(rec.pool.candidates, test) == pytest.approx(178 / 218)


def _toy(seed: int, n: int = 30, m: int = 40) -> Hypergraph:
    rng = np.random.default_rng(seed)
    edges = [sorted(rng.choice(n, size=rng.integers(1, 5), replace=False).tolist()) for _ in range(m)]
    edges = [list(e) for e in {tuple(e) for e in edges}]
    nodes = [v for e in edges for v in e]
    ids = [i for i, e in enumerate(edges) for _ in e]
    return Hypergraph(hyperedge_index=torch.tensor([nodes, ids]), num_nodes=n, num_hyperedges=len(edges))


@pytest.mark.parametrize("features", ["count", "motif"])
def test_library_api_inputs_agree(features):
    train, query = _toy(0), _toy(1)
    model = SHyRe(200, features=features, classifier="sklearn", classifier_kwargs={"max_iter": 30}).fit(train)
    adj = project(query)
    out = model.reconstruct(adj)
    assert isinstance(out, Hypergraph) and out.num_nodes == query.num_nodes
    coo = adj.tocoo()
    ei = torch.tensor(np.stack([coo.row, coo.col]), dtype=torch.long)
    again = model.reconstruct(ei, num_nodes=query.num_nodes)
    assert torch.equal(out.hyperedge_index, again.hyperedge_index)
    # every reconstructed hyperedge is a clique of the projected graph
    hi = out.hyperedge_index.numpy()
    for e in range(out.num_hyperedges):
        nodes = hi[0][hi[1] == e]
        sub = adj[nodes][:, nodes].toarray()
        assert sub.sum() == len(nodes) * (len(nodes) - 1)


def test_reconstruct_before_fit_and_bad_options():
    with pytest.raises(RuntimeError, match="fit"):
        SHyRe(10).reconstruct(project(_toy(0)))
    with pytest.raises(ValueError, match="features"):
        SHyRe(10, features="nope")
    with pytest.raises(ValueError, match="classifier"):
        SHyRe(10, classifier="nope")


def test_config_runner_on_enron(tmp_path, capsys):
    from hypergraph.train import main

    root = require_data("shyre/enron/train.txt.gz", "shyre/enron/test.txt.gz")
    cfg = str(REPO / "configs" / "shyre_enron.yaml")
    args = [f"config={cfg}", f"dataset.root={root / 'shyre'}", "trainer.max_epochs=3", f"run_dir={tmp_path}"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "test_jaccard" in out
    res = json.loads((tmp_path / "results.json").read_text())
    m = res["per_seed"][0]
    assert 0.0 <= m["test_jaccard"] <= 1.0 and m["pool_recall"] == pytest.approx(229 / 756)
    assert (tmp_path / "seed_123" / "max_cliques" / "checkpoints" / "last.ckpt").exists()
    # an unknown key in an open section is rejected with the valid ones
    assert main([f"config={cfg}", "model.nope=1", f"run_dir={tmp_path / 'x'}"]) == 2
    assert "nope" in capsys.readouterr().err
