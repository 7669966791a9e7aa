r"""Two-level neighbour sampling of a hypergraph into re-indexed mini-batches (PyG
``NeighborLoader`` conventions).

One hop from a frontier of nodes samples at most :math:`k_e` incident hyperedges per frontier node,
then at most :math:`k_v` members per *newly* reached hyperedge; the members not seen before form
the next frontier.  Each node is expanded once and each hyperedge's members are sampled once
per batch.  The batch is the sub-hypergraph induced on the sampled nodes and hyperedges: every
incidence of the full hypergraph between a sampled node and a sampled hyperedge is kept (PyG's
``subgraph_type="induced"``), so it is exactly the full hypergraph's structure on that set.

Everything is vectorised over CSR arrays (built once) with the loader's seeded
:class:`torch.Generator`; the only Python loops run over hops and over the ``k`` draws of
Floyd's sampling, never over nodes or hyperedges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.ops import hyperedge_degree, node_degree
from hypergraph.loader._utils import add_new, batch_seed, build_csr, classify_keys, expand_rows, sample_rows

NumNeighbors = Sequence[int | Sequence[int]]


def parse_num_neighbors(num_neighbors: NumNeighbors) -> list[tuple[int, int]]:
    """``num_neighbors`` as one ``(k_e, k_v)`` pair per hop.

    Each entry is either an int ``k`` (used for both levels: at most ``k`` hyperedges per node and
    ``k`` members per hyperedge) or a pair ``(k_e, k_v)``; ``-1`` means all.  E.g. ``[10, 10]`` is two
    hops of ``(10, 10)``, ``[[10, 5], [5, -1]]`` two hops with different budgets.
    """
    if isinstance(num_neighbors, int) or not isinstance(num_neighbors, Sequence) or not num_neighbors:
        raise ValueError(
            f"num_neighbors must be a non-empty list with one entry per hop (an int k or a pair "
            f"[k_e, k_v], -1 = all), got {num_neighbors!r}"
        )
    hops = []
    for h, entry in enumerate(num_neighbors):
        pair = (entry, entry) if isinstance(entry, int) else tuple(entry)
        if len(pair) != 2 or not all(isinstance(k, int) and not isinstance(k, bool) for k in pair):
            raise ValueError(f"num_neighbors[{h}] must be an int or a pair of ints, got {entry!r}")
        if any(k < -1 for k in pair):
            raise ValueError(f"num_neighbors[{h}] = {entry!r}: budgets must be >= 0 or -1 (all)")
        hops.append((int(pair[0]), int(pair[1])))
    return hops


class HypergraphNeighborSampler:
    """The sampling engine behind :class:`HypergraphNeighborLoader` (usable on its own).

    Args:
        data: the full :class:`~hypergraph.data.Hypergraph` (CPU).
        num_neighbors: budgets per hop, see :func:`parse_num_neighbors`.
    """

    def __init__(self, data: Hypergraph, num_neighbors: NumNeighbors) -> None:
        if not isinstance(data, Hypergraph):
            raise TypeError(f"data must be a Hypergraph, got {type(data).__name__}")
        self.data = data
        self.num_neighbors = parse_num_neighbors(num_neighbors)
        hi = data.hyperedge_index
        if hi.device.type != "cpu":
            raise ValueError("the loaders sample on the CPU: move data to the CPU first (data.cpu())")
        N, M = data.num_nodes, data.num_hyperedges
        self.num_nodes, self.num_hyperedges = N, M
        self.node_ptr, self.node_col = build_csr(hi[0], hi[1], N, M)  # node -> its hyperedges
        self.edge_ptr, self.edge_col = build_csr(hi[1], hi[0], M, N)  # hyperedge -> its members
        x = data.get("x")
        dtype = x.dtype if isinstance(x, Tensor) and torch.is_floating_point(x) else torch.float32
        hw = data.get("hyperedge_weight")
        self.node_degree = node_degree(hi, N, None if hw is None else hw.detach(), dtype=dtype)
        self.hyperedge_degree = hyperedge_degree(hi, M, dtype=dtype)
        self.node_keys, self.edge_keys, self.other_keys = classify_keys(data, N, M)
        self._node_map = torch.full((N,), -1, dtype=torch.long)
        self._edge_map = torch.full((M,), -1, dtype=torch.long)

    def sample(self, seeds: Tensor, generator: torch.Generator) -> Hypergraph:
        """The mini-batch of the seed nodes ``seeds`` (distinct ids; they come first)."""
        seeds = seeds.to(torch.long).view(-1)
        N = self.num_nodes
        if seeds.numel() and (int(seeds.min()) < 0 or int(seeds.max()) >= N):
            raise ValueError(f"seed node ids must lie in [0, {N})")
        node_map, edge_map = self._node_map, self._edge_map
        nodes: list[Tensor] = []
        edges: list[Tensor] = []
        try:
            first = add_new(seeds, node_map, 0)
            if first.numel() != seeds.numel():
                raise ValueError("seed nodes must be distinct")
            nodes.append(first)
            num_v, num_e = first.numel(), 0
            frontier = first
            for k_e, k_v in self.num_neighbors:
                cand_e = sample_rows(self.node_ptr, self.node_col, frontier, k_e, generator)
                new_e = add_new(cand_e, edge_map, num_e)
                edges.append(new_e)
                num_e += new_e.numel()
                cand_v = sample_rows(self.edge_ptr, self.edge_col, new_e, k_v, generator)
                frontier = add_new(cand_v, node_map, num_v)
                nodes.append(frontier)
                num_v += frontier.numel()
            n_id = torch.cat(nodes)
            e_id = torch.cat(edges) if edges else torch.empty(0, dtype=torch.long)
            hyperedge_index = self._induced(n_id, e_id)
        finally:
            for part in nodes:
                node_map.index_fill_(0, part, -1)
            for part in edges:
                edge_map.index_fill_(0, part, -1)
        batch = self._make_batch(hyperedge_index, n_id, e_id, seeds.numel())
        batch.num_sampled_nodes = [int(t.numel()) for t in nodes]
        batch.num_sampled_hyperedges = [int(t.numel()) for t in edges]
        return batch

    def _induced(self, n_id: Tensor, e_id: Tensor) -> Tensor:
        """All incidences between the batch's nodes and hyperedges, in local ids (no repeats:
        read from one CSR side, the cheaper one)."""
        node_map, edge_map = self._node_map, self._edge_map
        e_start = self.edge_ptr.index_select(0, e_id)
        e_count = self.edge_ptr.index_select(0, e_id + 1) - e_start
        v_start = self.node_ptr.index_select(0, n_id)
        v_count = self.node_ptr.index_select(0, n_id + 1) - v_start
        if int(e_count.sum()) <= int(v_count.sum()):
            member = self.edge_col.index_select(0, expand_rows(e_start, e_count))
            local_e = torch.repeat_interleave(torch.arange(e_id.numel()), e_count, output_size=member.numel())
            local_v = node_map.index_select(0, member)
        else:
            edge = self.node_col.index_select(0, expand_rows(v_start, v_count))
            local_v = torch.repeat_interleave(torch.arange(n_id.numel()), v_count, output_size=edge.numel())
            local_e = edge_map.index_select(0, edge)
        keep = (local_v >= 0) & (local_e >= 0)
        return torch.stack([local_v[keep], local_e[keep]])

    def _make_batch(self, hyperedge_index: Tensor, n_id: Tensor, e_id: Tensor, batch_size: int) -> Hypergraph:
        data = self.data
        out = Hypergraph(
            hyperedge_index=hyperedge_index,
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
        out.batch_size = int(batch_size)
        out.node_degree = self.node_degree.index_select(0, n_id)
        out.hyperedge_degree = self.hyperedge_degree.index_select(0, e_id)
        return out


class HypergraphNeighborLoader(torch.utils.data.DataLoader):
    r"""Mini-batches of seed nodes with their sampled multi-hop hypergraph neighbourhoods.

    Each batch is a re-indexed :class:`~hypergraph.data.Hypergraph` whose first ``batch_size``
    nodes are the seed nodes (compute the loss on ``out[:batch.batch_size]``), with

    * ``n_id`` / ``e_id``: the ids of its nodes / hyperedges in the full hypergraph;
    * ``batch_size``: the number of seed nodes;
    * ``node_degree``: full-graph weighted node degrees :math:`d_v = \sum_{e \ni v} w_e`, and
      ``hyperedge_degree``: full-graph sizes :math:`|e|` -- pass them to the model
      (``model(x, hyperedge_index, hyperedge_weight, num_hyperedges, node_degree=...,
      hyperedge_degree=...)``) to normalise with the full hypergraph's degrees: with whole
      neighbourhoods (``-1`` budgets and as many hops as layers) the seed outputs then equal
      the full-batch outputs exactly.  Omitted, the layers normalise by the batch's own
      degrees (a mean over the sampled neighbours, as Cluster-GCN / GraphSAGE do);
    * ``num_sampled_nodes`` / ``num_sampled_hyperedges``: counts per hop (seeds first);
    * every node-level attribute (``x``, ``y``, masks) sliced by ``n_id`` and every hyperedge-level
      one (``hyperedge_weight``, ``hyperedge_attr``) by ``e_id``; other attributes copied.

    Sampling per hop: at most :math:`k_e` incident hyperedges per frontier node, then at most
    :math:`k_v` members per newly reached hyperedge, uniformly without replacement (among all
    members, so the node that reached the hyperedge may be one of the :math:`k_v`); the batch
    holds every incidence between its nodes and hyperedges (see the module docstring), so a
    node may end up linked to more than :math:`k_e` batch hyperedges.  The neighbourhood grows
    as :math:`(k_e k_v)^{hops}` at most: on a hypergraph with 5 hyperedges per node of 5 members,
    ``[10, 10]`` binds nowhere and two hops reach about 400 nodes per seed.

    Determinism: the shuffle order comes from a generator seeded by ``seed``, and each batch's
    draws from a generator seeded by ``(seed, epoch, the batch's seed ids)``, so two loaders with the
    same seed give the same batches epoch by epoch, whatever ``num_workers``.  The epoch counter
    advances on every ``iter(loader)`` (or is set with :meth:`set_epoch`); persistent workers do
    not see it advance.  ``seed=None`` draws one from torch's global generator.

    Args:
        data: the full hypergraph (CPU).
        num_neighbors: one entry per hop, an int ``k`` (both levels) or a pair ``[k_e, k_v]``;
            ``-1`` = all.  Use as many hops as the model has hypergraph layers.
        batch_size: seed nodes per batch.
        shuffle: reshuffle the seed nodes every epoch.
        input_nodes: the seed nodes (ids or a bool mask ``[N]``; default all nodes); distinct.
        seed: the loader seed.
        **kwargs: further :class:`torch.utils.data.DataLoader` arguments (``num_workers``,
            ``drop_last``, ``sampler`` e.g. a ``DistributedSampler`` over ``range(num_seeds)``, ...).
    """

    def __init__(
        self,
        data: Hypergraph,
        num_neighbors: NumNeighbors,
        batch_size: int = 1,
        shuffle: bool = False,
        input_nodes: Tensor | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        for key in ("dataset", "collate_fn"):
            if key in kwargs:
                raise TypeError(f"HypergraphNeighborLoader sets {key!r} itself")
        self.data = data
        self.num_neighbors = num_neighbors
        self.neighbor_sampler = HypergraphNeighborSampler(data, num_neighbors)
        self.input_nodes = _input_nodes(input_nodes, data.num_nodes)
        self.seed = int(torch.randint(2**62, (1,))) if seed is None else int(seed)
        self.epoch = -1
        if "generator" not in kwargs and "sampler" not in kwargs and "batch_sampler" not in kwargs:
            kwargs["generator"] = torch.Generator().manual_seed(self.seed)
        super().__init__(
            range(self.input_nodes.numel()),
            batch_size=batch_size,
            shuffle=shuffle,
            collate_fn=self._collate,
            **kwargs,
        )

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch used to seed the next iteration's draws (it then advances by one per
        ``iter``)."""
        self.epoch = int(epoch) - 1

    def __iter__(self):  # noqa: ANN204
        self.epoch += 1
        return super().__iter__()

    def _collate(self, positions: list[int]) -> Hypergraph:
        seeds = self.input_nodes[torch.as_tensor(positions, dtype=torch.long)]
        g = torch.Generator().manual_seed(batch_seed(self.seed, max(self.epoch, 0), seeds))
        return self.neighbor_sampler.sample(seeds, g)

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(num_seeds={self.input_nodes.numel()}, "
            f"num_neighbors={self.neighbor_sampler.num_neighbors}, batch_size={self.batch_size})"
        )


def _input_nodes(input_nodes: Tensor | None, num_nodes: int) -> Tensor:
    if input_nodes is None:
        return torch.arange(num_nodes)
    t = torch.as_tensor(input_nodes)
    if t.dtype == torch.bool:
        if t.numel() != num_nodes:
            raise ValueError(f"the input_nodes mask has {t.numel()} entries but num_nodes={num_nodes}")
        return t.nonzero().view(-1)
    t = t.to(torch.long).view(-1)
    if t.numel() and (int(t.min()) < 0 or int(t.max()) >= num_nodes):
        raise ValueError(f"input_nodes must lie in [0, {num_nodes})")
    if torch.unique(t).numel() != t.numel():
        raise ValueError("input_nodes must be distinct")
    return t
