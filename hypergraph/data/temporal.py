"""Temporal simplicial complexes (Benson et al., PNAS 2018) and their basic matrices.

A complex is a list of timestamped simplices (node sets).  It is stored flat, as the CSR arrays
of a :class:`~hypergraph.data.node_sets.NodeSets` (:attr:`TemporalSimplicialComplex.sets`):
``nodes`` holds the 0-based node ids of all simplices back to back, simplex ``s`` is
``nodes[offsets[s]:offsets[s + 1]]`` and ``times[s]`` is its timestamp.  Node ``v`` of the
complex is node id ``v + 1`` of Benson's 1-based files; ids that never occur are isolated nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets, canonicalize
from hypergraph.data.set_ops import unique_sets

__all__ = ["TemporalSimplicialComplex", "percentile_cutoff"]


def percentile_cutoff(times: np.ndarray, q: float) -> int:
    """``round(percentile(times, q))`` with numpy's default linear interpolation.

    This is the cutoff of ``split_data`` in ScHoLP.jl: ``round`` is round-half-to-even, as
    Julia's default ``round``.
    """
    if len(times) == 0:
        raise ValueError("cannot split an empty complex by time")
    return int(np.rint(np.percentile(np.asarray(times, dtype=np.float64), q)))


@dataclass
class TemporalSimplicialComplex:
    """Timestamped simplices over ``num_nodes`` nodes.

    Args:
        nodes: int64 ``[nnz]`` 0-based node ids of all simplices, concatenated.
        offsets: int64 ``[S + 1]`` start of each simplex in ``nodes`` (``offsets[0] == 0``).
        times: int64 ``[S]`` timestamps.
        num_nodes: number of nodes (at least ``nodes.max() + 1``).
        node_labels: optional ``[num_nodes]`` string array ("" where a node has no label).
        name: dataset name.

    Simplices are sets: the constructor sorts each simplex and drops repeated ids inside it
    (``num_repeated_ids`` counts how many were dropped).  Identical simplices at different (or
    equal) times are kept: they are separate events and count separately in every weight.
    """

    nodes: np.ndarray
    offsets: np.ndarray
    times: np.ndarray
    num_nodes: int
    node_labels: np.ndarray | None = None
    name: str = ""
    num_repeated_ids: int = field(default=0)

    def __post_init__(self) -> None:
        nodes = np.asarray(self.nodes, dtype=np.int64).ravel()
        offsets = np.asarray(self.offsets, dtype=np.int64).ravel()
        times = np.asarray(self.times, dtype=np.int64).ravel()
        if offsets.size == 0 or offsets[0] != 0 or offsets[-1] != nodes.size:
            raise ValueError("offsets must start at 0 and end at len(nodes)")
        if np.any(np.diff(offsets) < 0):
            raise ValueError("offsets must be non-decreasing")
        if times.size != offsets.size - 1:
            raise ValueError(f"{offsets.size - 1} simplices but {times.size} timestamps")
        if nodes.size and (nodes.min() < 0 or nodes.max() >= self.num_nodes):
            raise ValueError(f"node ids must lie in [0, {self.num_nodes})")
        if self.node_labels is not None and len(self.node_labels) != self.num_nodes:
            raise ValueError(f"node_labels has {len(self.node_labels)} entries, expected {self.num_nodes}")
        # canonical form (the one of NodeSets): each simplex sorted, repeated ids dropped
        sets = canonicalize(offsets, nodes)
        dropped = int(nodes.size - sets.indices.size)
        self.nodes, self.offsets, self.times = sets.indices, sets.indptr, times
        self.num_nodes = int(self.num_nodes)
        self.num_repeated_ids = int(self.num_repeated_ids) + dropped

    # ------------------------------------------------------------------ basics
    @property
    def sets(self) -> NodeSets:
        """The simplices as a :class:`~hypergraph.data.node_sets.NodeSets` (shares the arrays)."""
        return NodeSets._trusted(self.offsets, self.nodes)

    @property
    def num_simplices(self) -> int:
        return int(self.offsets.size - 1)

    @property
    def sizes(self) -> np.ndarray:
        """Number of nodes of each simplex."""
        return np.diff(self.offsets)

    @property
    def simplex_index(self) -> np.ndarray:
        """Simplex id of each entry of ``nodes``."""
        return np.repeat(np.arange(self.num_simplices), self.sizes)

    def simplex(self, s: int) -> np.ndarray:
        return self.nodes[self.offsets[s] : self.offsets[s + 1]]

    def __repr__(self) -> str:
        return (
            f"TemporalSimplicialComplex(name={self.name!r}, num_nodes={self.num_nodes}, "
            f"num_simplices={self.num_simplices}, nnz={self.nodes.size})"
        )

    def subset(self, mask: np.ndarray) -> TemporalSimplicialComplex:
        """The complex of the simplices selected by the boolean ``mask`` (same node set)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (self.num_simplices,):
            raise ValueError(f"mask must have shape ({self.num_simplices},)")
        sel = self.sets.select(np.flatnonzero(mask))
        return TemporalSimplicialComplex(
            sel.indices, sel.indptr, self.times[mask], self.num_nodes, self.node_labels, self.name
        )

    def window(self, start: int | None = None, end: int | None = None) -> TemporalSimplicialComplex:
        """Simplices with ``start < t <= end`` (either bound may be ``None``)."""
        mask = np.ones(self.num_simplices, dtype=bool)
        if start is not None:
            mask &= self.times > start
        if end is not None:
            mask &= self.times <= end
        return self.subset(mask)

    def split(self, q: float = 80.0, q_end: float = 100.0) -> tuple[TemporalSimplicialComplex, ...]:
        """``(past, future)``: ``t <= t_q`` and ``t_q < t <= t_{q_end}`` (``q_end=100``: all)."""
        t_q = percentile_cutoff(self.times, q)
        t_end = None if q_end >= 100 else percentile_cutoff(self.times, q_end)
        return self.window(None, t_q), self.window(t_q, t_end)

    # ----------------------------------------------------------------- matrices
    def incidence(self) -> sp.csr_matrix:
        """Node x simplex incidence ``A`` (scipy CSR, int64, entries 0/1)."""
        data = np.ones(self.nodes.size, dtype=np.int64)
        return sp.csr_matrix(
            (data, (self.nodes, self.simplex_index)), shape=(self.num_nodes, self.num_simplices)
        )

    def projected_graph(self) -> sp.csr_matrix:
        """Weighted projection ``W = A Aᵀ - diag``: ``W_ij`` = #simplices containing i and j."""
        a = self.incidence()
        w = (a @ a.T).tocsr()
        w.setdiag(0)
        w.eliminate_zeros()
        w.sort_indices()
        return w

    def simplex_degree(self) -> np.ndarray:
        """Number of simplices containing each node (singletons and repeats included)."""
        return np.bincount(self.nodes, minlength=self.num_nodes).astype(np.int64)

    # -------------------------------------------------------------- conversion
    def unique_simplices(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Distinct node sets: ``(nodes, offsets, first_index, multiplicity)``.

        ``first_index[u]`` is the first simplex (in input order) with the node set ``u`` and
        ``multiplicity[u]`` how many simplices have it (:func:`~hypergraph.data.set_ops.unique_sets`:
        vectorised per simplex size, memory ``O(nnz)``).
        """
        unique, inverse, first_index = unique_sets(self.sets, return_index=True)
        mult = np.bincount(inverse, minlength=len(unique)).astype(np.int64)
        return unique.indices, unique.indptr, first_index, mult

    def to_hypergraph(self, deduplicate: bool = False) -> Hypergraph:
        """The core :class:`~hypergraph.data.Hypergraph` (one hyperedge per simplex).

        With ``deduplicate=True`` simplices with the same node set become one hyperedge whose
        ``hyperedge_weight`` is their multiplicity and ``hyperedge_time`` the first timestamp;
        otherwise every simplex is a hyperedge of weight 1 with its own ``hyperedge_time``.
        """
        if deduplicate:
            nodes, offsets, first, mult = self.unique_simplices()
            times = self.times[first]
            weight = mult.astype(np.float32)
        else:
            nodes, offsets, times = self.nodes, self.offsets, self.times
            weight = np.ones(self.num_simplices, dtype=np.float32)
        edge = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))
        return Hypergraph(
            hyperedge_index=torch.from_numpy(np.stack([nodes, edge]).astype(np.int64)),
            hyperedge_weight=torch.from_numpy(weight),
            num_nodes=self.num_nodes,
            num_hyperedges=int(offsets.size - 1),
            hyperedge_time=torch.from_numpy(np.asarray(times, dtype=np.int64)),
        )

    @classmethod
    def from_simplices(
        cls, simplices: list, times: list | np.ndarray, num_nodes: int | None = None, name: str = ""
    ) -> TemporalSimplicialComplex:
        """Build from a list of 0-based node-id sequences (small inputs, tests)."""
        sizes = np.array([len(s) for s in simplices], dtype=np.int64)
        nodes = (
            np.concatenate([np.asarray(s, dtype=np.int64) for s in simplices])
            if len(simplices)
            else np.zeros(0, np.int64)
        )
        if num_nodes is None:
            num_nodes = int(nodes.max()) + 1 if nodes.size else 0
        return cls(nodes, np.concatenate([[0], np.cumsum(sizes)]), np.asarray(times), num_nodes, name=name)
