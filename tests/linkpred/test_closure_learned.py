import numpy as np
import pytest
import torch
from conftest import require_data

import hypergraph.closure.learned as learned
import hypergraph.tasks.higher_order_link_prediction as holp
from hypergraph.closure.evaluate import ClosureTask
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.temporal import TemporalSimplicialComplex, percentile_cutoff
from hypergraph.datasets.benson import load_benson
from hypergraph.nn.models.triangle_scorer import TriangleScorer
from hypergraph.train import load_config

ARGS = [
    "task=higher_order_link_prediction",
    "dataset.name=email-Enron",
    "trainer.max_epochs=3",
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
    monkeypatch.setattr(holp, "load_dataset", lambda *a, **k: tsc)
    return holp.prepare(cfg, 0)


def same(a: learned.ClosureBundle, b: learned.ClosureBundle) -> bool:
    return (
        torch.equal(a.tri, b.tri)
        and torch.equal(a.feats, b.feats)
        and torch.equal(a.qfeats, b.qfeats)
        and torch.equal(a.prior, b.prior)
        and torch.equal(a.label_true, b.label_true)
        and torch.equal(a.mask, b.mask)
        and torch.equal(a.hg.hyperedge_index, b.hg.hyperedge_index)
        and torch.equal(a.hg.x, b.hg.x)
    )


def test_training_never_sees_the_future(monkeypatch):
    """Default windows (30,50), (40,60), (50,70) train and (60,80) validates; the test past is 80%."""
    root = require_data("scholp/email-Enron/email-Enron-nverts.txt.gz")
    cfg = load_config(None, [*ARGS, f"dataset.root={root}"])
    tsc = load_benson("email-Enron", root=root, download=False)
    tr, va, te, info = bundles(cfg, monkeypatch, tsc)
    assert len(tr) == 3 and len(va) == 1
    c60, c70, c80 = (percentile_cutoff(tsc.times, q) for q in (60, 70, 80))
    assert max(int(b.hg.hyperedge_time.max()) for b in tr) <= c60  # training structure: pasts <= 50%
    assert int(va[0].hg.hyperedge_time.max()) <= c60  # validation past: 60%
    assert info["t_train_future_max"] <= c80  # every label window ends by 80%
    assert int(te.hg.hyperedge_time.max()) <= c80
    assert all(bool(b.mask.all()) for b in [*tr, *va])  # whole windows: train and validation disjoint
    # scrambling everything after 80% leaves every training and validation input unchanged
    tr2, va2, _, _ = bundles(cfg, monkeypatch, scramble_future(tsc, 80))
    assert all(same(a, b) for a, b in zip([*tr, *va], [*tr2, *va2]))
    # scrambling (70%, 80%] leaves training unchanged but changes the validation labels ...
    tr3, va3, _, _ = bundles(cfg, monkeypatch, scramble_future(tsc, 70))
    assert all(same(a, b) for a, b in zip(tr, tr3))
    assert not torch.equal(va[0].label_true, va3[0].label_true)
    # ... and scrambling (50%, 70%] changes the training labels (the test is not vacuous)
    tr4, _, _, _ = bundles(cfg, monkeypatch, scramble_future(tsc, 50))
    assert not all(torch.equal(a.label_true, b.label_true) for a, b in zip(tr, tr4))


def test_random_validation_holds_out_part_of_every_window(monkeypatch):
    root = require_data("scholp/email-Enron/email-Enron-nverts.txt.gz")
    cfg = load_config(None, [*ARGS, f"dataset.root={root}", "validation=random", "val_fraction=0.25"])
    tr, va, _, _ = bundles(cfg, monkeypatch, load_benson("email-Enron", root=root, download=False))
    assert len(tr) == len(va) == 4
    for a, b in zip(tr, va):
        assert bool((a.mask ^ b.mask).all())
        assert abs(float(b.mask.float().mean()) - 0.25) < 0.01


def test_learned_closure_task_runs(tmp_path):
    root = require_data("scholp/email-Enron/email-Enron-nverts.txt.gz")
    from hypergraph.train import run

    cfg = load_config(None, [*ARGS, f"dataset.root={root}", f"run_dir={tmp_path}"])
    m = run(cfg)["per_seed"][0]
    assert set(m) == {
        "test_rel_ap",
        "test_auc",
        "test_rel_ap_reference",
        "test_auc_reference",
        "test_rel_ap_wide",
    }
    assert m["test_rel_ap"] > 0 and 0 <= m["test_auc"] <= 1
    assert (tmp_path / "seed_0" / "wide.json").exists()


@pytest.mark.parametrize(
    "override, message",
    [
        ("train_windows=[[60,90]]", "test_q"),
        ("train_windows=[]", "empty"),
        ("train_windows=[[40,60]]", "at least two"),
        ("wide=ridge", "wide must be"),
        ("wide_C=[0]", "wide_C"),
        ("recency_taus=[0]", "recency_taus"),
        ("classic_scores=[nope]", "unknown classic score"),
        ("validation=kfold", "validation must be"),
    ],
)
def test_bad_config_errors(override, message):
    with pytest.raises((ValueError, KeyError), match=message):
        load_config(None, [*ARGS, override])  # the runner validates before running anything


# ------------------------------------------------------------------ features and model, by hand
def tiny_task() -> ClosureTask:
    # edges 01 (t=1), 12 (t=2), 02 and 23 (t=3) form the open triangle 012; {0,1,2} closes at t=5
    tsc = TemporalSimplicialComplex.from_simplices(
        [[0, 1], [1, 2], [0, 2], [2, 3], [0, 1, 2]], [1, 2, 3, 3, 5]
    )
    return ClosureTask.build(tsc, 80.0, 100.0)


def test_decayed_weights_closed_form():
    task = tiny_task()
    assert task.triangles.tri.tolist() == [[0, 1, 2]] and task.closed.tolist() == [True]
    tau = 0.5
    q = np.array([0.0, 1 / 3, 2.5 / 3])  # time quantiles of the simplices 01, 12, 02 (ties: mean rank)
    w = np.sort(np.exp(-(1 - q) / tau))
    got = learned.decayed_weights(task, (tau, 2.0))
    assert got.shape == (1, 8)
    np.testing.assert_allclose(got[0, :3], w)
    np.testing.assert_allclose(got[0, 3], np.prod(w) ** (1 / 3))
    np.testing.assert_allclose(got[0, 4:7], np.sort(np.exp(-(1 - q) / 2.0)))


def test_triangle_features_are_permutation_invariant():
    rng = np.random.default_rng(0)
    simplices = [sorted(rng.choice(12, size=rng.integers(2, 4), replace=False).tolist()) for _ in range(60)]
    times = rng.integers(0, 50, size=60)
    perm = rng.permutation(12)
    a = ClosureTask.build(TemporalSimplicialComplex.from_simplices(simplices, times, 12), 70.0)
    b = ClosureTask.build(
        TemporalSimplicialComplex.from_simplices([[int(perm[v]) for v in s] for s in simplices], times, 12),
        70.0,
    )
    assert a.triangles.num_open > 5
    fa = learned.triangle_features(a, taus=(0.1,))
    fb = learned.triangle_features(b, taus=(0.1,))
    ka = {tuple(sorted(perm[t])): i for i, t in enumerate(a.triangles.tri.tolist())}
    kb = {tuple(sorted(t)): i for i, t in enumerate(b.triangles.tri.tolist())}
    assert set(ka) == set(kb)
    order = [kb[k] for k in ka]
    np.testing.assert_allclose(fa[list(ka.values())], fb[order], rtol=1e-6, atol=1e-9)


def test_feature_scaler_uses_only_fitted_rows():
    fit = np.array([[0.0, 2.0, 5.0], [4.0, 2.0, 5.0], [8.0, 2.0, 5.0]])
    sc = learned.FeatureScaler.fit(fit)
    np.testing.assert_allclose(sc.scale, [6.0, 2.0, 5.0])  # median of the positive values
    z = np.log1p(fit / sc.scale)
    np.testing.assert_allclose(
        sc(fit).numpy(), (z - z.mean(0)) / np.where(z.std(0) > 0, z.std(0), 1), atol=1e-6
    )
    far = np.array([[100.0, 2.0, 5.0]])  # a drifted row is transformed, not refitted
    np.testing.assert_allclose(
        sc(far).numpy()[0, 0], (np.log1p(100 / 6) - z[:, 0].mean()) / z[:, 0].std(), rtol=1e-5
    )


def synthetic_bundles(signal: str, seed: int = 0) -> learned.ClosureBundle:
    g = torch.Generator().manual_seed(seed)
    T, F = 3000, 4
    feats = torch.randn(T, F, generator=g)
    prior = torch.randn(T, generator=g)
    logit = 3 * (prior if signal == "prior" else feats[:, 0]) - 4
    y = torch.rand(T, generator=g) < torch.sigmoid(logit)
    hg = Hypergraph(
        hyperedge_index=torch.tensor([[0, 1], [0, 0]]),
        num_nodes=2,
        num_hyperedges=1,
        hyperedge_weight=torch.ones(1),
    )
    return learned.ClosureBundle(
        hg, torch.zeros(T, 3, dtype=torch.long), feats, feats, y, y, prior, torch.ones(T, dtype=torch.bool)
    )


@pytest.mark.parametrize("signal, expected", [("prior", "prior"), ("feature", "logreg")])
def test_select_wide_follows_the_validation_window(signal, expected):
    """The logistic regression learns the feature signal of the training window; the choice
    follows whichever signal the validation window has."""
    train = [synthetic_bundles("feature", 0)]
    val = [synthetic_bundles(signal, 1)]
    w, b, chosen, scores = learned.select_wide(train, val, "auto", [0.1, 1.0], seed=0)
    assert chosen.startswith(expected), scores
    assert set(scores) == {"prior", "logreg_C0.1", "logreg_C1"}
    assert w.shape == (1, 5)
    if expected == "logreg":
        assert w[0, 0] > 1.0 and abs(float(w[0, -1])) < 0.5  # the informative feature carries it


def test_scorer_starts_at_the_wide_score():
    from hypergraph.nn.models import HGNN

    torch.manual_seed(0)
    b = synthetic_bundles("prior")
    b.hg.x = torch.rand(2, 3)
    model = TriangleScorer(HGNN(3, 8, 8, num_layers=2), 8, 2, 0, 4)
    out = model(
        b.hg.x,
        b.hg.hyperedge_index,
        b.hg.hyperedge_weight,
        b.hg.num_hyperedges,
        b.tri,
        b.feats,
        b.qfeats,
        b.prior,
    )
    torch.testing.assert_close(out, b.prior)  # default wide part: the geometric-mean prior, deep part zero
    w = torch.randn(1, 5)
    model.set_wide(w, 0.5, trainable=False)
    torch.testing.assert_close(
        model(
            b.hg.x,
            b.hg.hyperedge_index,
            b.hg.hyperedge_weight,
            b.hg.num_hyperedges,
            b.tri,
            b.feats,
            b.qfeats,
            b.prior,
        ),
        model.wide_score(b.feats, b.prior),
    )
    torch.testing.assert_close(
        model.wide_score(b.feats, b.prior), torch.cat([b.feats, b.prior[:, None]], 1) @ w[0] + 0.5
    )
    assert not model.wide.weight.requires_grad
