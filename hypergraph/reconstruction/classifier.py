"""Binary classifiers of clique candidates: scikit-learn's MLP (the reference) and a
Lightning-trained MLP with the same architecture and optimiser settings."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor, nn


class ConstantClassifier:
    """Predicts the single class seen in training (or 0 without training data)."""

    def __init__(self, value: int = 0) -> None:
        self.value = int(value)

    def predict_proba1(self, X: np.ndarray) -> np.ndarray:
        return np.full(X.shape[0], float(self.value))


class SklearnMLP:
    """``MLPClassifier(random_state=seed, max_iter=2000, alpha=1e-4)`` as in the reference
    (hidden layer of 100 ReLU units, Adam, lr 1e-3, batch 200, early stop on the training
    loss)."""

    def __init__(self, seed: int = 123, max_iter: int = 2000, alpha: float = 1e-4, **kwargs: Any) -> None:
        from sklearn.neural_network import MLPClassifier

        self.model = MLPClassifier(random_state=seed, max_iter=max_iter, alpha=alpha, **kwargs)

    def fit(self, X: np.ndarray, y: np.ndarray) -> SklearnMLP | ConstantClassifier:
        if X.shape[0] == 0 or np.unique(y).size < 2:
            return ConstantClassifier(int(y[0]) if y.size else 0)
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(X, y)
        return self

    def predict_proba1(self, X: np.ndarray) -> np.ndarray:
        if X.shape[0] == 0:
            return np.zeros(0)
        return self.model.predict_proba(X)[:, 1]


class CandidateMLP(nn.Module):
    """``Linear(F, hidden) -> ReLU -> Linear(hidden, 1)``, scikit-learn's initialisation."""

    def __init__(self, in_dim: int, hidden: int = 100) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, 1)
        for layer in (self.fc1, self.fc2):  # Glorot-uniform as sklearn with ReLU (factor 6)
            fan_in, fan_out = layer.weight.shape[1], layer.weight.shape[0]
            bound = (6.0 / (fan_in + fan_out)) ** 0.5
            nn.init.uniform_(layer.weight, -bound, bound)
            nn.init.uniform_(layer.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(torch.relu(self.fc1(x))).squeeze(-1)


def _lightning_module(in_dim: int, hidden: int, lr: float, alpha: float, batch_size: int, seed: int):
    import lightning.pytorch as pl

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
    from lightning.pytorch.callbacks import Callback

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
        import lightning.pytorch as pl

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


def make_classifier(kind: str, seed: int, **kwargs: Any):
    """``"sklearn"`` (reference MLP) or ``"lightning"`` (the same MLP trained by Lightning)."""
    if kind == "sklearn":
        return SklearnMLP(seed=seed, **kwargs)
    if kind == "lightning":
        return LightningMLP(seed=seed, **kwargs)
    raise ValueError(f"unknown classifier {kind!r}; valid: sklearn, lightning")
