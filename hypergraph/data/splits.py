"""Seeded node splits: random fractions (AllSet), per class (LightHGNN), and fixed splits.

Splits of hyperedges live with their task (:func:`hypergraph.linkpred.split.split_hyperedges`) and
splits of timestamped simplices by time with the complex
(:meth:`hypergraph.data.temporal.TemporalSimplicialComplex.split`).
"""

from __future__ import annotations

import torch
from torch import Tensor


def _masks(num_nodes: int, train: Tensor, val: Tensor, test: Tensor) -> dict[str, Tensor]:
    out = {}
    for name, idx in (("train_mask", train), ("val_mask", val), ("test_mask", test)):
        m = torch.zeros(num_nodes, dtype=torch.bool)
        m[idx] = True
        out[name] = m
    return out


def random_split(num_nodes: int, train: float = 0.5, val: float = 0.25, seed: int = 0) -> dict[str, Tensor]:
    """Random ``train`` / ``val`` / rest fractions of all nodes (AllSet's ``rand_train_test_idx``)."""
    if not (0 < train < 1 and 0 <= val < 1 and train + val < 1):
        raise ValueError(f"need 0 < train, 0 <= val and train + val < 1; got {train}, {val}")
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(num_nodes, generator=g)
    n_tr, n_va = int(round(train * num_nodes)), int(round(val * num_nodes))
    return _masks(num_nodes, perm[:n_tr], perm[n_tr : n_tr + n_va], perm[n_tr + n_va :])


def per_class_split(
    y: Tensor, num_train_per_class: int = 20, num_val_per_class: int = 100, seed: int = 0
) -> dict[str, Tensor]:
    """``num_train_per_class`` training and ``num_val_per_class`` validation nodes of each class,
    the rest for test (DHG ``split_by_num``, used by LightHGNN).  Vectorised: a random key per
    node, then ranks within each class."""
    N = y.numel()
    g = torch.Generator().manual_seed(seed)
    key = torch.rand(N, generator=g)
    order = torch.argsort(y.double() * 2.0 + key.double())  # by class, random within a class
    ys = y[order]
    count = torch.bincount(ys)
    start = torch.cumsum(count, 0) - count
    rank = torch.arange(N) - start[ys]
    need = num_train_per_class + num_val_per_class
    if bool((count[count > 0] < need).any()):
        c = int(((count < need) & (count > 0)).nonzero()[0])
        raise ValueError(f"class {c} has {int(count[c])} nodes, fewer than train+val={need}")
    train = order[rank < num_train_per_class]
    val = order[(rank >= num_train_per_class) & (rank < need)]
    test = order[rank >= need]
    return _masks(N, train, val, test)


def fixed_split(
    split_train: Tensor,
    split_test: Tensor,
    num_nodes: int,
    index: int = 0,
    val_size: int = 500,
    seed: int = 0,
) -> dict[str, Tensor]:
    """Split ``index`` of a dataset's fixed train/test splits (HyperGCN's 10).

    These splits have no validation set: ``val_size`` nodes of the split's test part are drawn
    (seeded) for model selection and the remaining test nodes are the test set.
    """
    if not 0 <= index < split_train.size(0):
        raise ValueError(f"fixed split index {index} not in [0, {split_train.size(0)})")
    test = split_test[index]
    g = torch.Generator().manual_seed(seed)
    perm = test[torch.randperm(test.numel(), generator=g)]
    return _masks(num_nodes, split_train[index], perm[:val_size], perm[val_size:])
