r"""Cluster-GCN style mini-batches of a hypergraph: unions of node partitions.

The nodes are partitioned once (:func:`hypergraph.loader.partition.partition_nodes`: METIS through
``pymetis`` when installed, else a BFS ordering refined by balanced label propagation; cached on
disk).  Every epoch the parts are shuffled (seeded) and grouped ``parts_per_batch`` at a time; a
batch holds the nodes of its parts and every hyperedge with at least one member among them,
restricted to those members: **members outside the batch are dropped**, so a hyperedge cut by
the partition appears in several batches, each time with part of its members.  Every node is in
exactly one batch per epoch.
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
        **kwargs: further :class:`torch.utils.data.DataLoader` arguments.

    Parts that METIS leaves empty are skipped, so ``len(loader)`` is
    ``ceil(non-empty parts / parts_per_batch)``.
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
        **kwargs: Any,
    ) -> None:
        for key in ("dataset", "collate_fn", "batch_size"):
            if key in kwargs:
                raise TypeError(f"HypergraphClusterLoader sets {key!r} itself (use parts_per_batch)")
        if not isinstance(data, Hypergraph):
            raise TypeError(f"data must be a Hypergraph, got {type(data).__name__}")
        if parts_per_batch < 1:
            raise ValueError(f"parts_per_batch must be >= 1, got {parts_per_batch}")
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
        if "generator" not in kwargs and "sampler" not in kwargs and "batch_sampler" not in kwargs:
            kwargs["generator"] = torch.Generator().manual_seed(self.seed)
        super().__init__(
            range(self.part_ids.numel()),
            batch_size=self.parts_per_batch,
            shuffle=shuffle,
            collate_fn=self._collate,
            **kwargs,
        )

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
            f"{self.__class__.__name__}(num_parts={self.num_parts}, parts_per_batch={self.parts_per_batch})"
        )
