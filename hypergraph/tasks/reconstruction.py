"""Task ``reconstruction``: SHyRe hypergraph reconstruction from a projected graph.

Per seed: load a SHyRe dataset (training hypergraph + query hypergraph), learn the clique
sampler and the candidate features on the training hypergraph, train the two MLP classifiers
(maximal-clique and sub-clique candidates) with Lightning (or scikit-learn with
``model.classifier=sklearn``), reconstruct the query hypergraph from its projection and report
Jaccard / precision / recall / F1 against the true query hyperedges, the candidate-pool recall
and the stage timings.

Config sections::

    dataset: {name: enron, root: null, download: false}   (any SHyRe-format folder: format: shyre)
    model:   {features: count, beta: null (dataset's β), classifier: lightning, order: reference,
              k_best: 10, hidden_channels: 100, lr: 0.001, alpha: 0.0001, batch_size: 200, tol: 0.0001,
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

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.callbacks import Callback
from omegaconf import DictConfig, OmegaConf
from torch import Tensor, nn

from hypergraph.nn.models.candidate_mlp import CandidateMLP
from hypergraph.reconstruction.classifier import ConstantClassifier
from hypergraph.tasks.base import (
    TRAINER_DEFAULTS,
    TaskSpec,
    build_trainer,
    check_choice,
    check_section,
    load_dataset,
    validate_trainer,
)


# ------------------------------------------------------------- the Lightning-trained classifier
def _lightning_module(in_dim: int, hidden: int, lr: float, alpha: float, batch_size: int, seed: int):
    class LitCandidateMLP(pl.LightningModule):
        """One Lightning step = one epoch of shuffled mini-batches (manual optimisation).

        The loss of a mini-batch of ``B`` rows is binary cross-entropy +
        ``alpha / (2 B) · ||W||²`` (scikit-learn's penalty); ``train_loss`` is the epoch mean
        weighted by batch size, as scikit-learn's ``loss_curve_``.
        """

        def __init__(self) -> None:
            super().__init__()
            self.save_hyperparameters(
                {"in_dim": in_dim, "hidden": hidden, "lr": lr, "alpha": alpha, "batch_size": batch_size}
            )
            self.net = CandidateMLP(in_dim, hidden)
            self.automatic_optimization = False
            self.gen = torch.Generator().manual_seed(seed)

        def forward(self, x: Tensor) -> Tensor:
            return self.net(x)

        def training_step(self, batch: tuple[Tensor, Tensor], batch_idx: int) -> Tensor:
            X, y = batch
            opt = self.optimizers()
            n = X.shape[0]
            perm = torch.randperm(n, generator=self.gen)
            total = X.new_zeros(())
            for s in range(0, n, batch_size):
                idx = perm[s : s + batch_size]
                xb, yb = X[idx], y[idx]
                loss = nn.functional.binary_cross_entropy_with_logits(self.net(xb), yb)
                l2 = self.net.fc1.weight.pow(2).sum() + self.net.fc2.weight.pow(2).sum()
                loss = loss + alpha * 0.5 * l2 / xb.shape[0]
                opt.zero_grad()
                self.manual_backward(loss)
                opt.step()
                total = total + loss.detach() * xb.shape[0]
            epoch_loss = total / n
            self.log("train_loss", epoch_loss, on_step=False, on_epoch=True, batch_size=1)
            return epoch_loss

        def configure_optimizers(self):
            return torch.optim.Adam(self.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)

    return LitCandidateMLP()


class _WholeSet(torch.utils.data.Dataset):
    """A dataset of one item: the whole training set (shuffled inside the training step)."""

    def __init__(self, X: Tensor, y: Tensor) -> None:
        self.X, self.y = X, y

    def __len__(self) -> int:
        return 1

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.X, self.y


def sklearn_stopping(tol: float, n_iter_no_change: int):
    """A callback with scikit-learn's rule: an epoch whose ``train_loss`` is not below the best
    loss minus ``tol`` counts as no improvement (the best loss is updated whenever the loss is
    lower); training stops once more than ``n_iter_no_change`` such epochs follow each other."""

    class SklearnStopping(Callback):
        def __init__(self) -> None:
            self.best = float("inf")
            self.count = 0

        def on_train_epoch_end(self, trainer, pl_module) -> None:
            loss = float(trainer.callback_metrics["train_loss"])
            self.count = self.count + 1 if loss > self.best - tol else 0
            self.best = min(self.best, loss)
            if self.count > n_iter_no_change:
                trainer.should_stop = True

        def state_dict(self) -> dict:
            return {"best": self.best, "count": self.count}

        def load_state_dict(self, state: dict) -> None:
            self.best, self.count = state["best"], state["count"]

    return SklearnStopping()


class LightningMLP:
    """The reference MLP trained with a Lightning ``Trainer``.

    Adam (lr 1e-3), batches of ``min(200, n)``, L2 ``alpha``, float64, and training stops when
    the epoch training loss has not improved by ``tol`` for more than ``patience`` epochs
    (scikit-learn's rule, :func:`sklearn_stopping`) or after ``max_epochs``.
    ``trainer_factory(callbacks) -> (Trainer, ckpt_path or None)`` may supply a configured
    trainer and a checkpoint to resume from (the config runner passes one with logging and
    checkpoints).
    """

    def __init__(
        self,
        seed: int = 123,
        hidden: int = 100,
        lr: float = 1e-3,
        alpha: float = 1e-4,
        batch_size: int = 200,
        max_epochs: int = 2000,
        tol: float = 1e-4,
        patience: int = 10,
        trainer_factory=None,
    ) -> None:
        self.seed, self.hidden, self.lr, self.alpha = seed, hidden, lr, alpha
        self.batch_size, self.max_epochs, self.tol, self.patience = batch_size, max_epochs, tol, patience
        self.trainer_factory = trainer_factory
        self.module = None

    def fit(self, X: np.ndarray, y: np.ndarray) -> LightningMLP | ConstantClassifier:
        if X.shape[0] == 0 or np.unique(y).size < 2:
            return ConstantClassifier(int(y[0]) if y.size else 0)
        pl.seed_everything(self.seed, workers=False, verbose=False)
        bs = min(self.batch_size, X.shape[0])
        self.module = _lightning_module(X.shape[1], self.hidden, self.lr, self.alpha, bs, self.seed).double()
        Xt = torch.as_tensor(X, dtype=torch.float64)
        yt = torch.as_tensor(y, dtype=torch.float64)
        loader = torch.utils.data.DataLoader(_WholeSet(Xt, yt), batch_size=None)
        stop = sklearn_stopping(self.tol, self.patience)
        ckpt_path = None
        if self.trainer_factory is not None:
            trainer, ckpt_path = self.trainer_factory([stop])
        else:
            trainer = pl.Trainer(
                max_epochs=self.max_epochs,
                accelerator="cpu",
                devices=1,
                logger=False,
                enable_checkpointing=False,
                enable_progress_bar=False,
                enable_model_summary=False,
                callbacks=[stop],
            )
        trainer.fit(self.module, train_dataloaders=loader, ckpt_path=ckpt_path)
        self.module.eval()
        return self

    @torch.no_grad()
    def predict_proba1(self, X: np.ndarray) -> np.ndarray:
        if X.shape[0] == 0:
            return np.zeros(0)
        xt = torch.as_tensor(X, dtype=torch.float64)
        return torch.sigmoid(self.module(xt)).numpy()


DEFAULTS: dict[str, Any] = {
    "dataset": {"name": "enron", "root": None, "download": False, "format": None},
    "model": {
        "features": "count",
        "beta": None,
        "classifier": "lightning",
        "order": "reference",
        "k_best": 10,
        "hidden_channels": 100,
        "lr": 1e-3,
        "alpha": 1e-4,
        "batch_size": 200,
        "tol": 1e-4,
        "patience": 10,
    },
    "trainer": {**TRAINER_DEFAULTS, "max_epochs": 2000, "log_every_n_steps": 1},
}


def validate(cfg: DictConfig) -> None:
    from hypergraph.datasets.shyre import SHYRE_DATASETS
    from hypergraph.reconstruction.pipeline import FEATURES, ORDERS

    check_section(cfg.dataset, DEFAULTS["dataset"], "dataset")
    check_section(cfg.model, DEFAULTS["model"], "model")
    validate_trainer(cfg.trainer)
    m = cfg.model
    if cfg.dataset.name not in SHYRE_DATASETS and m.beta is None:
        raise ValueError(
            f"dataset {cfg.dataset.name!r} is not a known SHyRe set (known: {', '.join(SHYRE_DATASETS)}); "
            "a folder of your own needs model.beta (the sampler's budget ratio)"
        )
    check_choice(m.features, FEATURES, "model.features")
    check_choice(m.order, ORDERS, "model.order")
    check_choice(m.classifier, ("lightning", "sklearn"), "model.classifier")
    if m.beta is not None and float(m.beta) <= 0:
        raise ValueError(f"model.beta must be positive, got {m.beta}")


def run(cfg: DictConfig, seed: int, seed_dir: Path, ckpt_path: str | None) -> dict[str, float]:
    from hypergraph.datasets.shyre import SHYRE_DATASETS
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
    train, query = load_dataset(d)
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
            "hidden": int(m.hidden_channels),
            "lr": float(m.lr),
            "alpha": float(m.alpha),
            "batch_size": int(m.batch_size),
            "tol": float(m.tol),
            "patience": int(m.patience),
            "max_epochs": int(cfg.trainer.max_epochs),
            "trainer_factory": factory,
        }
    else:
        clf_kwargs = {"alpha": float(m.alpha), "hidden_layer_sizes": (int(m.hidden_channels),)}
    model = SHyRe(
        beta,
        features=str(m.features),
        classifier=LightningMLP if m.classifier == "lightning" else "sklearn",
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


TASK = TaskSpec("reconstruction", DEFAULTS, run, ("dataset", "trainer"), validate)
