"""The learned-closure result must not depend on the thread count (issue 14, reproducibility).

Three places made it depend on it: the fused LayerNorm backward and the advanced-indexing
backward of the triangle scorer (their reductions split between torch threads), and the wide
part's logistic regression (float32 input, ``tol=1e-4``: L-BFGS stopped where OpenBLAS's thread
count took it).  A selection step (the wide part, the best checkpoint) then amplified the noise.
On an AVX-512 machine two more showed: MKL splits a matmul's inner sum between threads, so every
weight gradient (a sum over triangles) and the one-output linear maps' logits depended on it;
the task's backward now runs on one thread and those maps are row-wise product sums.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import hypergraph.closure.learned as learned
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.nn.models.hgnn import HGNN
from hypergraph.nn.models.triangle_scorer import TriangleScorer, _Score
from hypergraph.tasks.base import one_thread
from hypergraph.tasks.higher_order_link_prediction import HigherOrderLinkPrediction
from hypergraph.train import main


def _at_threads(n: int, fn):
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        return fn()
    finally:
        torch.set_num_threads(old)


def _scorer_grads() -> dict[str, torch.Tensor]:
    """Logits and gradients of a BCE step of the scorer, the backward run by the task's
    ``backward`` hook, on a window large enough for torch and MKL to split their reductions
    between two threads."""
    g = torch.Generator().manual_seed(0)
    N, M, T, F = 300, 600, 20000, 8
    index = torch.stack([torch.randint(0, N, (4 * M,), generator=g), torch.arange(M).repeat(4)])
    x = torch.rand(N, 3, generator=g)
    tri = torch.randint(0, N, (T, 3), generator=g)
    feats, qfeats = torch.randn(T, F, generator=g), torch.rand(T, F, generator=g)
    prior, y = torch.randn(T, generator=g), torch.rand(T, generator=g) < 0.1
    torch.manual_seed(0)
    model = TriangleScorer(HGNN(3, 64, 64, num_layers=2, dropout=0.0, cached=True), 64, N, 0, F, dropout=0.0)
    torch.nn.init.normal_(model.mlp[-1].weight)  # let gradients reach the encoder and the norm
    out = model(x, index, torch.ones(M), M, tri, feats, qfeats, prior)
    task = HigherOrderLinkPrediction(model, lr=1e-3, weight_decay=0.0, pos_weight=1.0)
    task.backward(torch.nn.functional.binary_cross_entropy_with_logits(out, y.float(), reduction="sum"))
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    return {"logits": out.detach(), **grads}


def test_scorer_logits_and_gradients_do_not_depend_on_the_thread_count():
    one, two = _at_threads(1, _scorer_grads), _at_threads(2, _scorer_grads)
    assert one.keys() == two.keys() and "encoder.convs.0.lin.weight" in one
    assert {"logits", "wide.weight", "mlp.0.weight", "mlp.1.weight"} <= one.keys()
    for name in one:
        assert torch.equal(one[name], two[name]), name  # bitwise, not approximately


def test_scorer_norm_matches_torch_layer_norm():
    torch.manual_seed(0)
    model = TriangleScorer(HGNN(3, 8, 8, num_layers=2), 8, 4, 0, 2)
    norm = model.mlp[1]
    norm.weight.data.normal_()
    norm.bias.data.normal_()
    ref = torch.nn.LayerNorm(8)
    ref.load_state_dict(norm.state_dict())  # same parameter names: old checkpoints still load
    h = torch.randn(50, 8)
    torch.testing.assert_close(norm(h), ref(h))


def test_score_is_a_linear_map_to_one_output():
    torch.manual_seed(0)
    ref = torch.nn.Linear(7, 1)
    score = _Score(7)
    score.load_state_dict(ref.state_dict())  # same parameter names as nn.Linear: checkpoints load
    x = torch.randn(30, 7)
    torch.testing.assert_close(score(x), ref(x))
    assert score(x).shape == (30, 1)


def test_score_does_not_depend_on_the_thread_count():
    """8,292 rows: a window size of contact-high-school at which ``nn.Linear(64, 1)`` gave
    other last bits on two threads than on one (MKL's matrix-vector product, AVX-512)."""
    torch.manual_seed(0)
    score = _Score(64)
    x = torch.randn(8292, 64)
    one, two = _at_threads(1, lambda: score(x)), _at_threads(2, lambda: score(x))
    assert torch.equal(one, two)


def test_one_thread_restores_the_thread_count():
    old = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with one_thread():
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
        try:
            with one_thread():
                raise RuntimeError("inside")
        except RuntimeError:
            pass
        assert torch.get_num_threads() == 2  # restored after an error too
    finally:
        torch.set_num_threads(old)


def _wide_bundle(seed: int) -> learned.ClosureBundle:
    g = torch.Generator().manual_seed(seed)
    T, F = 40000, 30
    feats = torch.randn(T, F, generator=g)
    prior = torch.randn(T, generator=g)
    logit = feats[:, :5].sum(1) * 0.3 + prior - 3
    y = torch.rand(T, generator=g) < torch.sigmoid(logit)
    hg = Hypergraph(torch.tensor([[0, 1], [0, 0]]), num_nodes=2, num_hyperedges=1)
    return learned.ClosureBundle(
        hg, torch.zeros(T, 3, dtype=torch.long), feats, feats, y, y, prior, torch.ones(T, dtype=torch.bool)
    )


def test_select_wide_does_not_depend_on_the_blas_thread_count():
    train, val = [_wide_bundle(0)], [_wide_bundle(1)]
    runs = []
    for n in (1, 2):
        with threadpool_limits(n):
            runs.append(learned.select_wide(train, val, "logreg", [0.1, 1.0], seed=0))
    (w1, c1, k1, s1), (w2, c2, k2, s2) = runs
    assert torch.equal(w1, w2) and c1 == c2 and k1 == k2 and s1 == s2


def test_round_mantissa_merges_last_bit_noise_only():
    x = np.array([1.0, 1.0 + 2e-16, 3.0, 3.0 * (1 + 1e-12), 3.001, 0.0, -2.5, 1e-300])
    r = learned.round_mantissa(x)
    assert r[0] == r[1] and r[2] == r[3]  # noise far below 10 digits: a tie again
    assert r[4] != r[2] and r[5] == 0.0 and r[6] == -2.5 and r[7] > 0
    np.testing.assert_allclose(r, x, rtol=1e-10)
    assert learned._round_sig(np.array([0.123456789, -1234.56789, 0.0]), 6).tolist() == [
        0.123457,
        -1234.57,
        0.0,
    ]


def _write_benson(root: Path, name: str = "tiny-complex") -> Path:
    """A small temporal complex in Benson's format (as ``tests/test_user_data.py``), with more
    nodes and simplices so that every window has open triangles of both classes."""
    rng = np.random.default_rng(3)
    folder = root / name
    folder.mkdir(parents=True)
    n = 800
    sizes = rng.integers(2, 4, size=n)
    nodes = np.concatenate([rng.choice(40, size=k, replace=False) + 1 for k in sizes])
    times = np.sort(rng.integers(0, 100_000, size=n))
    for kind, values in (("nverts", sizes), ("simplices", nodes), ("times", times)):
        (folder / f"{name}-{kind}.txt").write_text("".join(f"{v}\n" for v in values))
    return root


def _run(root: Path, run_dir: Path, threads: int) -> dict:
    args = [
        "task=higher_order_link_prediction",
        "dataset.name=tiny-complex",
        f"dataset.root={root}",
        "classic_scores=[harm_mean,adamic_adar,UPKatz,WPPR]",
        "wide=auto",
        "wide_C=[0.1]",
        "model.hidden_channels=16",
        "trainer.max_epochs=5",
        "trainer.enable_progress_bar=false",
        f"num_threads={threads}",
        f"run_dir={run_dir}",
    ]
    old = torch.get_num_threads()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user folder is unverified
            assert main(args) == 0
    finally:
        torch.set_num_threads(old)
    metrics = json.loads((run_dir / "seed_0" / "metrics.json").read_text())
    metrics["wide"] = json.loads((run_dir / "seed_0" / "wide.json").read_text())
    metrics["log"] = (run_dir / "seed_0" / "logs" / "metrics.csv").read_text()  # every epoch's losses
    return metrics


def test_task_metrics_do_not_depend_on_num_threads(tmp_path):
    """End to end, ``num_threads=1`` then ``2`` (the runner calls ``torch.set_num_threads``).
    A guard: on a complex this small the old code gave the same numbers too; the tests above
    catch each cause of the drift the full contact-high-school config showed."""
    root = _write_benson(tmp_path / "data")
    one = _run(root, tmp_path / "one", 1)
    two = _run(root, tmp_path / "two", 2)
    assert np.isfinite(one["test_rel_ap"]) and set(one["wide"]["val_rel_ap"]) == {"prior", "logreg_C0.1"}
    assert one == two
