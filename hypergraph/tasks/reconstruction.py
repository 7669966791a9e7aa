"""Task ``reconstruction``: SHyRe hypergraph reconstruction from a projected graph.

Per seed: load a SHyRe dataset (training hypergraph + query hypergraph), learn the clique
sampler and the candidate features on the training hypergraph, train the two MLP classifiers
(maximal-clique and sub-clique candidates) with Lightning (or scikit-learn with
``model.classifier=sklearn``), reconstruct the query hypergraph from its projection and report
Jaccard / precision / recall / F1 against the true query hyperedges, the candidate-pool recall
and the stage timings.

Config sections::

    dataset: {name: enron, root: null, download: false}
    model:   {features: count, beta: null (dataset's β), classifier: lightning, order: reference,
              k_best: 10, hidden: 100, lr: 0.001, alpha: 0.0001, batch_size: 200, tol: 0.0001,
              patience: 10}
    trainer: Lightning Trainer kwargs (max_epochs is the MLP's epoch cap)

Each classifier logs under ``<seed_dir>/<max_cliques|sub_cliques>/`` (CSV log, last/best
checkpoints by training loss); ``resume=true`` restarts an unfinished seed from those
``last.ckpt`` files.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from hypergraph.registry import check_kwargs
from hypergraph.tasks.base import TRAINER_DEFAULTS, TaskSpec, build_trainer, register_task, validate_trainer


def _dataset_keys(name: str = "enron", root: str | None = None, download: bool = False) -> None:
    """Valid keys of the ``dataset`` section."""


def _model_keys(
    features: str = "count",
    beta: float | None = None,
    classifier: str = "lightning",
    order: str = "reference",
    k_best: int = 10,
    hidden: int = 100,
    lr: float = 1e-3,
    alpha: float = 1e-4,
    batch_size: int = 200,
    tol: float = 1e-4,
    patience: int = 10,
) -> None:
    """Valid keys of the ``model`` section."""


DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "enron", "root": None, "download": False},
    "model": {
        "features": "count",
        "beta": None,
        "classifier": "lightning",
        "order": "reference",
        "k_best": 10,
        "hidden": 100,
        "lr": 1e-3,
        "alpha": 1e-4,
        "batch_size": 200,
        "tol": 1e-4,
        "patience": 10,
    },
    "trainer": {**TRAINER_DEFAULTS, "max_epochs": 2000, "enable_progress_bar": False, "log_every_n_steps": 1},
}


def validate(cfg: DictConfig) -> None:
    from hypergraph.datasets.shyre import SHYRE_DATASETS
    from hypergraph.reconstruction.pipeline import FEATURES, ORDERS

    check_kwargs(_dataset_keys, dict(cfg.dataset), "dataset")
    check_kwargs(_model_keys, dict(cfg.model), "model")
    validate_trainer(cfg.trainer)
    if cfg.dataset.name not in SHYRE_DATASETS:
        raise KeyError(f"unknown SHyRe dataset {cfg.dataset.name!r}; valid: {', '.join(SHYRE_DATASETS)}")
    if cfg.model.features not in FEATURES:
        raise ValueError(f"model.features must be one of {FEATURES}, got {cfg.model.features!r}")
    if cfg.model.order not in ORDERS:
        raise ValueError(f"model.order must be one of {ORDERS}, got {cfg.model.order!r}")
    if cfg.model.classifier not in ("lightning", "sklearn"):
        raise ValueError(f"model.classifier must be 'lightning' or 'sklearn', got {cfg.model.classifier!r}")
    if cfg.model.beta is not None and float(cfg.model.beta) <= 0:
        raise ValueError(f"model.beta must be positive, got {cfg.model.beta}")


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    from hypergraph.datasets.shyre import SHYRE_DATASETS, load_shyre
    from hypergraph.reconstruction.metrics import pool_recall, reconstruction_metrics
    from hypergraph.reconstruction.pipeline import SHyRe
    from hypergraph.reconstruction.projection import project

    if ckpt_path is not None:
        raise ValueError(
            "reconstruction trains two classifiers; use resume=true run_dir=DIR to restart an "
            "unfinished seed from its checkpoints instead of ckpt_path"
        )
    t0 = time.perf_counter()
    d, m = cfg.dataset, cfg.model
    train, query = load_shyre(d.name, root=d.root, download=bool(d.download))
    beta = float(m.beta) if m.beta is not None else float(SHYRE_DATASETS[d.name].beta)
    clf_kwargs: dict[str, Any] = {}
    if m.classifier == "lightning":
        names = iter(["max_cliques", "sub_cliques"])

        def factory(callbacks: list) -> tuple[Any, str | None]:
            sub = seed_dir / next(names)
            trainer, _ = build_trainer(
                cfg.trainer, sub, monitor="train_loss", mode="min", callbacks=callbacks
            )
            last = sub / "checkpoints" / "last.ckpt"
            return trainer, (str(last) if cfg.resume and last.exists() else None)

        clf_kwargs = {
            "hidden": int(m.hidden),
            "lr": float(m.lr),
            "alpha": float(m.alpha),
            "batch_size": int(m.batch_size),
            "tol": float(m.tol),
            "patience": int(m.patience),
            "max_epochs": int(cfg.trainer.max_epochs),
            "trainer_factory": factory,
        }
    else:
        clf_kwargs = {"alpha": float(m.alpha), "hidden_layer_sizes": (int(m.hidden),)}
    model = SHyRe(
        beta,
        features=str(m.features),
        classifier=str(m.classifier),
        seed=int(seed),
        order=str(m.order),
        k_best=int(m.k_best),
        classifier_kwargs=clf_kwargs,
    )
    model.fit(train)
    rec = model.reconstruct_detailed(project(query))
    met = reconstruction_metrics(rec.hyperedges, query)
    out = {f"test_{k}": v for k, v in met.items() if k in ("jaccard", "precision", "recall", "f1")}
    out["pool_recall"] = pool_recall(rec.pool.candidates, query)
    out["num_candidates"] = float(len(rec.pool.candidates))
    out["num_reconstructed"] = met["num_reconstructed"]
    out["time_fit_s"] = float(sum(model.timings.values()))
    out["time_reconstruct_s"] = float(sum(rec.timings.values()))
    out["time_total_s"] = time.perf_counter() - t0
    if seed_dir is not None:
        seed_dir.mkdir(parents=True, exist_ok=True)
        timings = {**{f"fit.{k}": v for k, v in model.timings.items()}, **rec.timings}
        (seed_dir / "timings.yaml").write_text(OmegaConf.to_yaml(OmegaConf.create(timings)))
    return out


register_task(
    TaskSpec(
        name="reconstruction",
        defaults=DEFAULTS,
        run=run,
        open_sections=("dataset", "model", "trainer"),
        validate=validate,
    )
)
