"""Leak-free hyperedge splits: observed / validation / test hyperedges.

Hyperedges are first de-duplicated by node set, so one node set lands in exactly one split;
message passing may only use :attr:`HyperedgeSplit.observed`, which holds the observed
hyperedges alone (held-out hyperedges leaking into message passing is a known bug of other
benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import unique_keys


@dataclass
class HyperedgeSplit:
    """``observed`` is the message-passing hypergraph (observed hyperedges only, all nodes and
    their features); ``train``/``val``/``test`` are the positive node sets of each split
    (``train`` equals the observed hyperedges of size ≥ ``min_size``)."""

    observed: Hypergraph
    train: NodeSets
    val: NodeSets
    test: NodeSets

    @property
    def num_nodes(self) -> int:
        return self.observed.num_nodes

    def all_positive_keys(self) -> Tensor:
        """Keys of every true hyperedge of every split (what negatives must avoid)."""
        n = self.num_nodes
        observed = NodeSets.from_hypergraph(self.observed).keys(n)
        return torch.cat([self.train.keys(n), self.val.keys(n), self.test.keys(n), observed])


def split_hyperedges(
    hg: Hypergraph,
    val_ratio: float = 0.1,
    test_ratio: float = 0.1,
    seed: int = 0,
    times: Tensor | None = None,
    min_size: int = 2,
) -> HyperedgeSplit:
    """Split the distinct hyperedges of ``hg`` (size ≥ ``min_size``) into observed / val / test.

    Random (seeded) by default; with ``times`` (one timestamp per hyperedge) the earliest
    occurrence of each node set orders them and the latest ``test_ratio`` go to test, the
    ``val_ratio`` before them to validation.  Hyperedges smaller than ``min_size`` stay in the
    observed structure and are never targets.
    """
    if not (0 <= val_ratio < 1 and 0 < test_ratio < 1 and val_ratio + test_ratio < 1):
        raise ValueError(f"need 0 <= val, 0 < test, val + test < 1; got {val_ratio}, {test_ratio}")
    N, M = hg.num_nodes, hg.num_hyperedges
    reps = NodeSets.from_hypergraph(hg)  # every original hyperedge
    keys = reps.keys(N)
    inv, first = unique_keys(keys)  # distinct node sets, and the first hyperedge of each
    U = first.numel()
    size = torch.from_numpy(reps.sizes)[first]
    target = (size >= min_size).nonzero().view(-1)  # distinct sets that may be predicted
    if times is not None:
        if times.numel() != M:
            raise ValueError(f"times has {times.numel()} entries but there are {M} hyperedges")
        t_first = torch.full((U,), float("inf"), dtype=torch.float64).scatter_reduce(
            0, inv, times.double(), reduce="amin"
        )
        order = target[torch.argsort(t_first[target], stable=True)]
    else:
        g = torch.Generator().manual_seed(seed)
        order = target[torch.randperm(target.numel(), generator=g)]
    n_test = int(round(test_ratio * order.numel()))
    n_val = int(round(val_ratio * order.numel()))
    test_u = order[order.numel() - n_test :]
    val_u = order[order.numel() - n_test - n_val : order.numel() - n_test]
    held = torch.zeros(U, dtype=torch.bool)
    held[test_u] = True
    held[val_u] = True
    obs_u = (~held).nonzero().view(-1)
    observed_sets = reps.select(first[obs_u])
    observed = Hypergraph(
        x=hg.get("x"),
        y=hg.get("y"),
        hyperedge_index=observed_sets.index,
        num_nodes=N,
        num_hyperedges=observed_sets.num_sets,
    )
    train_u = obs_u[size[obs_u] >= min_size]
    return HyperedgeSplit(
        observed=observed,
        train=reps.select(first[train_u]),
        val=reps.select(first[val_u]),
        test=reps.select(first[test_u]),
    )
