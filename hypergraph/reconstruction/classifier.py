"""Binary classifiers of clique candidates: scikit-learn's MLP (the reference), or any factory
of classifiers with the same interface (the ``reconstruction`` task supplies a Lightning-trained
MLP with the same architecture and optimiser settings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


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


def make_classifier(kind: str | Callable[..., Any], seed: int, **kwargs: Any):
    """``"sklearn"`` (the reference MLP), or a factory ``kind(seed=seed, **kwargs)`` returning an
    object with ``fit(X, y)`` and ``predict_proba1(X)`` (e.g. the ``reconstruction`` task's
    Lightning-trained MLP, :class:`hypergraph.tasks.reconstruction.LightningMLP`)."""
    if kind == "sklearn":
        return SklearnMLP(seed=seed, **kwargs)
    if callable(kind):
        return kind(seed=seed, **kwargs)
    raise ValueError(f"unknown classifier {kind!r}; valid: 'sklearn' or a classifier factory")
