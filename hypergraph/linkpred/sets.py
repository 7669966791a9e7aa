"""Collections of candidate hyperedges (node sets) in incidence-list form."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from hypergraph.data.transforms import coalesce_incidence, hyperedge_keys


@dataclass
class NodeSets:
    """``num_sets`` node sets; ``index[0]`` node ids, ``index[1]`` set ids (sorted by set, then
    node, no repeated member)."""

    index: Tensor
    num_sets: int

    @classmethod
    def from_lists(cls, sets: list[list[int]]) -> NodeSets:
        sizes = torch.tensor([len(s) for s in sets], dtype=torch.long)
        nodes = torch.tensor([v for s in sets for v in s], dtype=torch.long)
        sid = torch.arange(len(sets)).repeat_interleave(sizes)
        n = int(nodes.max()) + 1 if nodes.numel() else 1
        return cls(coalesce_incidence(torch.stack([nodes, sid]), n), len(sets))

    @property
    def sizes(self) -> Tensor:
        return torch.bincount(self.index[1], minlength=self.num_sets)

    def keys(self, num_nodes: int) -> Tensor:
        """Hash key ``[num_sets, 3]`` per set: equal sets have equal keys (see ``hyperedge_keys``)."""
        return hyperedge_keys(self.index, num_nodes, self.num_sets)

    def select(self, ids: Tensor) -> NodeSets:
        """The sets ``ids`` (in that order), renumbered ``0..len(ids)-1``."""
        new = torch.full((self.num_sets,), -1, dtype=torch.long)
        new[ids] = torch.arange(ids.numel())
        keep = new[self.index[1]] >= 0
        idx = torch.stack([self.index[0][keep], new[self.index[1][keep]]])
        order = torch.argsort(idx[1] * (int(idx[0].max()) + 1 if idx.numel() else 1) + idx[0])
        return NodeSets(idx[:, order], int(ids.numel()))

    def to_lists(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in range(self.num_sets)]
        for v, s in self.index.t().tolist():  # for display and tests only
            out[s].append(v)
        return out

    @staticmethod
    def cat(parts: list[NodeSets]) -> NodeSets:
        offset, idx = 0, []
        for p in parts:
            idx.append(torch.stack([p.index[0], p.index[1] + offset]))
            offset += p.num_sets
        return NodeSets(torch.cat(idx, dim=1) if idx else torch.zeros(2, 0, dtype=torch.long), offset)


def isin_keys(keys: Tensor, reference: Tensor) -> Tensor:
    """Boolean ``[K]``: whether each key row occurs among ``reference`` rows (exact row match)."""
    if reference.numel() == 0 or keys.numel() == 0:
        return torch.zeros(keys.size(0), dtype=torch.bool)
    both = torch.cat([reference, keys])
    _, inv = torch.unique(both, dim=0, return_inverse=True)
    ref_ids = torch.zeros(int(inv.max()) + 1, dtype=torch.bool)
    ref_ids[inv[: reference.size(0)]] = True
    return ref_ids[inv[reference.size(0) :]]
