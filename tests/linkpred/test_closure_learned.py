import numpy as np
import torch
from conftest import require_data

import hypergraph.tasks.higher_order_link_prediction as holp
from hypergraph.closure.complex import TemporalSimplicialComplex, percentile_cutoff
from hypergraph.datasets.benson import load_benson
from hypergraph.train import load_config

ARGS = [
    "task=higher_order_link_prediction",
    "dataset.name=email-Enron",
    "trainer.max_epochs=2",
    "trainer.enable_progress_bar=false",
]


def scramble_future(tsc: TemporalSimplicialComplex, q: float, seed: int = 0) -> TemporalSimplicialComplex:
    """Same timestamps, but every simplex after the q-th percentile gets random nodes."""
    cut = percentile_cutoff(tsc.times, q)
    rng = np.random.default_rng(seed)
    owner = np.repeat(np.arange(tsc.num_simplices), np.diff(tsc.offsets))
    nodes = tsc.nodes.copy()
    future = tsc.times[owner] > cut
    nodes[future] = rng.integers(0, tsc.num_nodes, int(future.sum()))
    return TemporalSimplicialComplex(nodes, tsc.offsets, tsc.times, tsc.num_nodes, name=tsc.name)


def bundles(cfg, monkeypatch, tsc):
    monkeypatch.setattr(holp, "load_benson", lambda *a, **k: tsc)
    return holp.prepare(cfg, 0)


def test_training_never_sees_the_future(monkeypatch):
    root = require_data("scholp/email-Enron/email-Enron-nverts.txt.gz")
    cfg = load_config(None, [*ARGS, f"dataset.root={root}"])
    tsc = load_benson("email-Enron", root=root, download=False)
    tr, va, te, info = bundles(cfg, monkeypatch, tsc)
    c60, c80 = percentile_cutoff(tsc.times, 60), percentile_cutoff(tsc.times, 80)
    assert int(tr.hg.hyperedge_time.max()) <= c60  # training structure: past of the 60% task
    assert info["t_train_future_max"] <= c80  # training labels: closures in (60%, 80%]
    assert int(te.hg.hyperedge_time.max()) <= c80
    assert bool((tr.mask ^ va.mask).all())  # validation triangles are held out of training
    # scrambling everything after 80% leaves every training input unchanged
    tr2, va2, _, _ = bundles(cfg, monkeypatch, scramble_future(tsc, 80))
    for a, b in ((tr, tr2), (va, va2)):
        assert torch.equal(a.tri, b.tri) and torch.equal(a.feats, b.feats)
        assert torch.equal(a.label_true, b.label_true) and torch.equal(a.mask, b.mask)
        assert torch.equal(a.hg.hyperedge_index, b.hg.hyperedge_index)
    # ... while scrambling (60%, 80%] changes the training labels (the test is not vacuous)
    tr3, _, _, _ = bundles(cfg, monkeypatch, scramble_future(tsc, 60))
    assert not torch.equal(tr.label_true, tr3.label_true)


def test_learned_closure_task_runs(tmp_path):
    root = require_data("scholp/email-Enron/email-Enron-nverts.txt.gz")
    from hypergraph.train import run

    cfg = load_config(None, [*ARGS, f"dataset.root={root}", f"run_dir={tmp_path}"])
    m = run(cfg)["per_seed"][0]
    assert set(m) == {"test_rel_ap", "test_auc", "test_rel_ap_reference", "test_auc_reference"}
    assert m["test_rel_ap"] > 0 and 0 <= m["test_auc"] <= 1
