r"""Cluster-GCN style mini-batches of a hypergraph: unions of node partitions.

The nodes are partitioned once (:func:`hypergraph.loader.partition.partition_nodes`: METIS through
``pymetis`` when installed, else a BFS ordering refined by balanced label propagation; cached on
disk).  Every epoch the parts are shuffled (seeded) and grouped ``parts_per_batch`` at a time; a
batch holds the nodes of its parts and every hyperedge with at least one member among them,
restricted to those members: **members outside the batch are dropped**, so a hyperedge cut by
the partition appears in several batches, each time with part of its members.  Every node is in
exactly one batch per epoch.

Under DDP (``world_size > 1``) every rank builds the same partition and the same epoch order
(a permutation drawn from ``(seed, epoch)``), cuts it into batches of ``parts_per_batch`` parts
and takes every ``world_size``-th batch from its ``rank`` (:class:`RankBatchSampler`).  So that
every rank runs the same number of steps (DDP waits for all), the epoch's batch list is **padded
by repeating its first batches** up to a multiple of ``world_size``: apart from those (fewer than
``world_size``) repeats, every partition is used by exactly one rank per epoch.
"""

from __future__ import annotations

import os
from typing import Any

import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.ops import hyperedge_degree, node_degree
from hypergraph.loader._utils import add_new, build_csr, classify_keys, expand_rows
from hypergraph.loader.partition import partition_nodes


class EpochOrder(torch.utils.data.Sampler[int]):
    """The positions ``0..n-1`` in the epoch's order, identical in every process: a permutation
    drawn from ``(seed, epoch)`` when ``shuffle``, else in order.  The epoch advances by one per
    ``iter``; :meth:`set_epoch` sets it (Lightning calls it at every epoch start)."""

    def __init__(self, n: int, shuffle: bool, seed: int) -> None:
        self.n, self.shuffle, self.seed, self.epoch = int(n), bool(shuffle), int(seed), -1

    def set_epoch(self, epoch: int) -> None:
        """Make the next ``iter`` give epoch ``epoch``'s order."""
        self.epoch = int(epoch) - 1

    def __len__(self) -> int:
        return self.n

    def __iter__(self):  # noqa: ANN204
        self.epoch += 1
        if not self.shuffle:
            return iter(range(self.n))
        g = torch.Generator().manual_seed(hash((self.seed, self.epoch)) & (2**63 - 1))
        return iter(torch.randperm(self.n, generator=g).tolist())


class RankBatchSampler(torch.utils.data.Sampler[list[int]]):
    """One rank's batches: ``sampler``'s epoch order cut into batches of ``batch_size`` (the last
    one possibly shorter), padded by repeating the first batches to a multiple of
    ``world_size``, then every ``world_size``-th batch from ``rank``.  ``len`` is the same on every
    rank: ``ceil(ceil(n / batch_size) / world_size)``."""

    def __init__(self, sampler: EpochOrder, batch_size: int, rank: int, world_size: int) -> None:
        if not 0 <= rank < world_size:
            raise ValueError(f"rank must lie in [0, world_size = {world_size}), got {rank}")
        self.sampler, self.batch_size, self.rank, self.world_size = sampler, batch_size, rank, world_size
        self.num_batches = -(-len(sampler) // batch_size)

    def __len__(self) -> int:
        return -(-self.num_batches // self.world_size)

    def __iter__(self):  # noqa: ANN204
        order = list(self.sampler)
        bs, nb = self.batch_size, self.num_batches
        for i in range(self.rank, len(self) * self.world_size, self.world_size):
            j = i % nb  # i >= nb: a padding batch, repeating batch j
            yield order[j * bs : (j + 1) * bs]


class HypergraphClusterLoader(torch.utils.data.DataLoader):
    r"""Batches of ``parts_per_batch`` node partitions with the hyperedges they induce.

    Each batch is a re-indexed :class:`~hypergraph.data.Hypergraph` with ``n_id`` / ``e_id`` (ids
    in the full hypergraph), ``batch_size`` (= its number of nodes: every node of a cluster batch is
    a training node), ``node_degree`` / ``hyperedge_degree`` (the full-graph weighted degrees and
    sizes, as :class:`~hypergraph.loader.HypergraphNeighborLoader` carries them; Cluster-GCN
    normalises by the batch's own degrees, i.e. does not pass them), ``part_id`` (the parts of the
    batch) and the node- / hyperedge-level attributes sliced.

    Args:
        data: the full hypergraph (CPU).
        num_parts: number of partitions.
        parts_per_batch: partitions per batch (Cluster-GCN's "multiple clusters per batch").
        shuffle: reshuffle the parts every epoch (seeded by ``seed``).
        seed: seeds the partition and the shuffle (``None``: drawn from torch's generator).
        method: ``"auto"`` / ``"metis"`` / ``"bfs"`` / ``"random"``
            (:func:`~hypergraph.loader.partition.partition_nodes`).
        expansion: ``"auto"`` / ``"clique"`` / ``"star"``.
        cache: cache the partition on disk (``$HYPERGRAPH_CACHE/partitions``).
        cache_dir: another cache folder.
        rank: this process's rank, with ``world_size`` > 1: its share of every epoch's batches
            (see the module docstring; the shuffle then comes from ``(seed, epoch)``).
        world_size: the number of DDP processes (1: all batches, shuffled by ``seed``'s generator).
        **kwargs: further :class:`torch.utils.data.DataLoader` arguments.

    Parts that METIS leaves empty are skipped, so ``len(loader)`` is
    ``ceil(non-empty parts / parts_per_batch)`` (divided by ``world_size``, rounded up, under DDP).
    """

    def __init__(
        self,
        data: Hypergraph,
        num_parts: int,
        parts_per_batch: int = 1,
        shuffle: bool = True,
        seed: int | None = None,
        method: str = "auto",
        expansion: str = "auto",
        cache: bool = True,
        cache_dir: str | os.PathLike | None = None,
        rank: int = 0,
        world_size: int = 1,
        **kwargs: Any,
    ) -> None:
        for key in ("dataset", "collate_fn", "batch_size"):
            if key in kwargs:
                raise TypeError(f"HypergraphClusterLoader sets {key!r} itself (use parts_per_batch)")
        if not isinstance(data, Hypergraph):
            raise TypeError(f"data must be a Hypergraph, got {type(data).__name__}")
        if parts_per_batch < 1:
            raise ValueError(f"parts_per_batch must be >= 1, got {parts_per_batch}")
        if not 0 <= rank < world_size:
            raise ValueError(f"rank must lie in [0, world_size = {world_size}), got {rank}")
        if world_size > 1 and seed is None:
            raise ValueError("world_size > 1 needs a seed: every rank must draw the same partition and order")
        if world_size > 1 and {"sampler", "batch_sampler"} & set(kwargs):
            raise TypeError("with world_size > 1 HypergraphClusterLoader sets its batch_sampler itself")
        hi = data.hyperedge_index
        if hi.device.type != "cpu":
            raise ValueError("the loaders sample on the CPU: move data to the CPU first (data.cpu())")
        N, M = data.num_nodes, data.num_hyperedges
        self.data = data
        self.seed = int(torch.randint(2**62, (1,))) if seed is None else int(seed)
        self.num_parts = int(num_parts)
        self.parts_per_batch = int(parts_per_batch)
        self.part = partition_nodes(
            hi,
            N,
            M,
            num_parts,
            method=method,
            expansion=expansion,
            seed=self.seed,
            cache=cache,
            cache_dir=cache_dir,
        )
        nodes_by_part = torch.argsort(self.part, stable=True)
        count = torch.bincount(self.part, minlength=num_parts)
        self.part_ids = (count > 0).nonzero().view(-1)  # non-empty parts
        self.part_ptr = torch.zeros(num_parts + 1, dtype=torch.long)
        torch.cumsum(count, 0, out=self.part_ptr[1:])
        self.part_nodes = nodes_by_part
        self.node_ptr, self.node_col = build_csr(hi[0], hi[1], N, M)
        x = data.get("x")
        dtype = x.dtype if isinstance(x, Tensor) and torch.is_floating_point(x) else torch.float32
        hw = data.get("hyperedge_weight")
        self.node_degree = node_degree(hi, N, None if hw is None else hw.detach(), dtype=dtype)
        self.hyperedge_degree = hyperedge_degree(hi, M, dtype=dtype)
        self.node_keys, self.edge_keys, self.other_keys = classify_keys(data, N, M)
        self._edge_map = torch.full((M,), -1, dtype=torch.long)
        self.rank, self.world_size = int(rank), int(world_size)
        if self.world_size > 1:
            order = EpochOrder(self.part_ids.numel(), shuffle, self.seed)
            kwargs["batch_sampler"] = RankBatchSampler(
                order, self.parts_per_batch, self.rank, self.world_size
            )
        else:
            kwargs.update(batch_size=self.parts_per_batch, shuffle=shuffle)
            if "generator" not in kwargs and "sampler" not in kwargs and "batch_sampler" not in kwargs:
                kwargs["generator"] = torch.Generator().manual_seed(self.seed)
        super().__init__(range(self.part_ids.numel()), collate_fn=self._collate, **kwargs)

    def _collate(self, positions: list[int]) -> Hypergraph:
        parts = self.part_ids[torch.as_tensor(positions, dtype=torch.long)]
        return self.batch_of_parts(parts)

    def batch_of_parts(self, parts: Tensor) -> Hypergraph:
        """The batch made of the partitions ``parts`` (their nodes in this order)."""
        start = self.part_ptr.index_select(0, parts)
        n_id = self.part_nodes.index_select(
            0, expand_rows(start, self.part_ptr.index_select(0, parts + 1) - start)
        )
        v_start = self.node_ptr.index_select(0, n_id)
        v_count = self.node_ptr.index_select(0, n_id + 1) - v_start
        edges = self.node_col.index_select(0, expand_rows(v_start, v_count))
        local_v = torch.repeat_interleave(torch.arange(n_id.numel()), v_count, output_size=edges.numel())
        edge_map = self._edge_map
        e_id = torch.empty(0, dtype=torch.long)
        try:
            e_id = add_new(edges, edge_map, 0)
            local_e = edge_map.index_select(0, edges)
        finally:
            edge_map.index_fill_(0, e_id, -1)
        data = self.data
        out = Hypergraph(
            hyperedge_index=torch.stack([local_v, local_e]),
            num_nodes=n_id.numel(),
            num_hyperedges=e_id.numel(),
            validate=False,
        )
        for key in self.node_keys:
            out[key] = data[key].index_select(0, n_id)
        for key in self.edge_keys:
            out[key] = data[key].index_select(0, e_id)
        for key in self.other_keys:
            out[key] = data[key]
        out.n_id = n_id
        out.e_id = e_id
        out.batch_size = int(n_id.numel())
        out.node_degree = self.node_degree.index_select(0, n_id)
        out.hyperedge_degree = self.hyperedge_degree.index_select(0, e_id)
        out.part_id = parts
        return out

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(num_parts={self.num_parts}, parts_per_batch={self.parts_per_batch}"
            + (f", rank={self.rank}, world_size={self.world_size})" if self.world_size > 1 else ")")
        )
