"""Every registered model builds from a config and trains through the runner, in every task
that reads ``model.name``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hypergraph import MODELS
from hypergraph.nn.models import GRAPH_MODELS, NODE_MODELS, SCORERS
from hypergraph.train import load_config, run

SMALL = ["dataset.num_nodes=120", "dataset.num_hyperedges=60"]
EPOCHS = ["trainer.max_epochs=2", "trainer.enable_progress_bar=false"]


def _model_overrides(name: str, key: str = "model") -> list[str]:
    out = [f"{key}.name={name}", f"{key}.hidden_channels=8"]
    if name in ("unigat",):
        out.append(f"{key}.heads=2")
    return out


def test_every_registered_model_is_in_a_family():
    assert set(MODELS.names()) == set(NODE_MODELS) | set(GRAPH_MODELS) | set(SCORERS)


def _run(overrides: list[str], tmp_path: Path) -> dict:
    cfg = load_config(None, [*overrides, *EPOCHS, f"out_dir={tmp_path / 'runs'}"])
    return run(cfg)["per_seed"][0]


@pytest.mark.parametrize("name", NODE_MODELS)
def test_node_model_in_node_classification(name, tmp_path):
    m = _run(["task=node_classification", *SMALL, *_model_overrides(name)], tmp_path)
    assert 0.0 <= m["test_acc"] <= 1.0


@pytest.mark.parametrize("name", [n for n in NODE_MODELS if n != "mlp"])
def test_node_model_as_lighthgnn_teacher(name, tmp_path):
    over = [
        "task=distillation",
        *SMALL,
        *_model_overrides(name, "teacher.model"),
        "distill.methods=[lighthgnn]",
    ]
    over += ["distill.primary=lighthgnn", "distill.export=false", "student.model.hidden_channels=8"]
    over += ["split.num_train_per_class=5", "split.num_val_per_class=5"]
    m = _run(over, tmp_path)
    assert 0.0 <= m["acc_hgnn"] <= 1.0 and 0.0 <= m["acc_lighthgnn"] <= 1.0


@pytest.mark.parametrize("name", NODE_MODELS)
def test_node_model_as_hyperedge_prediction_encoder(name, tmp_path):
    over = ["task=hyperedge_prediction", "dataset.name=synthetic_hsbm", *SMALL, "features.kind=random"]
    over += ["negatives.train=[sns]", "negatives.eval=[sns]", *_model_overrides(name)]
    m = _run(over, tmp_path)
    assert 0.0 <= m["test_auc"] <= 1.0


def _benson_root(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    folder = tmp_path / "data" / "toy-complex"
    folder.mkdir(parents=True)
    sizes = rng.integers(2, 5, size=600)
    nodes = np.concatenate([rng.choice(25, size=k, replace=False) + 1 for k in sizes])
    times = np.sort(rng.integers(0, 10_000, size=600))
    for kind, values in (("nverts", sizes), ("simplices", nodes), ("times", times)):
        (folder / f"toy-complex-{kind}.txt").write_text("".join(f"{v}\n" for v in values))
    return tmp_path / "data"


@pytest.mark.parametrize("name", NODE_MODELS)
def test_node_model_as_learned_closure_encoder(name, tmp_path):
    root = _benson_root(tmp_path)
    over = ["task=higher_order_link_prediction", "dataset.name=toy-complex", f"dataset.root={root}"]
    over += ["use_classic_features=false", "recency_taus=[]", "wide=prior", *_model_overrides(name)]
    with pytest.warns(UserWarning, match="unverified"):
        m = _run(over, tmp_path)
    assert np.isfinite(m["test_rel_ap"])


def test_graph_models_and_scorers_are_built_by_their_tasks():
    """The graph models are chosen by ``model.name`` in graph_classification
    (tests/dual/test_dht_task.py trains each); the scorers are built by their tasks around an
    encoder (the tests above), and their constructors take ``hidden_channels``."""
    import inspect

    for name in (*GRAPH_MODELS, *SCORERS):
        assert "hidden_channels" in inspect.signature(MODELS.get(name).__init__).parameters, name
