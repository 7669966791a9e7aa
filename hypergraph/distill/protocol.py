"""LightHGNN's data protocol: row-normalised features and the production (inductive) split."""

from __future__ import annotations

import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.transforms import add_singleton_hyperedges, remove_duplicate_hyperedges, subhypergraph


def row_normalize(x: Tensor) -> Tensor:
    """Rows scaled to unit L1 norm (all-zero rows stay zero), as DHG does for these features."""
    s = x.abs().sum(1, keepdim=True)
    return x / torch.where(s > 0, s, torch.ones_like(s))


def production_split(
    data: Hypergraph, test_ind_ratio: float, seed: int, remove_duplicates: bool = True
) -> tuple[Hypergraph, Tensor]:
    """Hold out ``test_ind_ratio`` of the test nodes (seeded).

    Returns the observed sub-hypergraph (train ∪ val ∪ remaining test nodes, re-indexed, with
    their masks; hyperedges restricted to observed nodes, emptied ones dropped, duplicates merged
    when asked, then a singleton for each isolated node, i.e. the authors' ``fix_iso_v``) and
    the boolean ``[N]`` mask of the held-out (inductive) nodes in the full graph.
    """
    test = data.test_mask.nonzero().view(-1)
    g = torch.Generator().manual_seed(int(seed))
    perm = test[torch.randperm(test.numel(), generator=g)]
    ind_mask = torch.zeros(data.num_nodes, dtype=torch.bool)
    ind_mask[perm[: int(test.numel() * test_ind_ratio)]] = True
    sub = subhypergraph(data, ~ind_mask)
    del sub.hyperedge_id  # refers to the full graph and would go stale below
    if remove_duplicates:
        sub = remove_duplicate_hyperedges(sub, reduce="mean")
    sub = add_singleton_hyperedges(sub, mode="isolated")
    return sub, ind_mask
