"""Cached clique expansion of a hypergraph, shared by the clique-expansion models (CEGCN, CEGAT)."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import Tensor
from torch_geometric.nn.conv.gcn_conv import gcn_norm

from hypergraph.data.hypergraph import same_stamp
from hypergraph.data.transforms import clique_expansion


class CliqueExpansionCache(torch.nn.Module):
    """The clique expansion of a hypergraph, computed once per structure and reused.

    Keyed like :class:`~hypergraph.nn.conv._propagation.CachedPropagation`: by the identity and
    version of ``hyperedge_index`` / ``hyperedge_weight`` plus ``num_nodes``, ``num_hyperedges``
    and the device, so an in-place change or a new tensor rebuilds it; up to ``max_cached``
    hypergraphs are kept (least recently used dropped first).  ``gcn=True`` also applies GCN's
    normalisation :math:`D̃^{-1/2}(A + I)D̃^{-1/2}` to the (weighted) expansion once.  The
    expansion is not differentiable in the hyperedge weights.

    Args:
        weighted: use the number of shared hyperedges (sum of their weights) as edge weight;
            else every linked pair has weight 1.
        gcn: return GCN-normalised weights with self-loops.
        max_cached: number of hypergraphs kept.
        max_edges: refuse (``ValueError``) an expansion with more directed edges than this
            (checked before building it when the largest hyperedge's clique alone exceeds it);
            a GCN / GAT layer holds an ``[E, F]`` message tensor, so 10^7 edges at width 128
            take 5 GB per layer.  ``None``: no limit.
    """

    def __init__(
        self,
        weighted: bool = True,
        gcn: bool = False,
        max_cached: int = 8,
        max_edges: int | None = 10_000_000,
    ) -> None:
        super().__init__()
        if max_edges is not None and max_edges < 0:
            raise ValueError(f"max_edges must be >= 0 or None, got {max_edges}")
        self.weighted = weighted
        self.gcn = gcn
        self.max_cached = max_cached
        self.max_edges = max_edges
        self._graphs: OrderedDict[int, tuple[tuple, tuple[Tensor, Tensor | None]]] = OrderedDict()

    def reset_cache(self) -> None:
        self._graphs.clear()

    def forward(
        self,
        hyperedge_index: Tensor,
        num_nodes: int,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> tuple[Tensor, Tensor | None]:
        """``(edge_index, edge_weight)`` of the expansion (``edge_weight`` ``None`` when unweighted
        and not GCN-normalised)."""
        if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
            raise ValueError(f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}")
        if num_hyperedges is None:
            if hyperedge_weight is not None:
                num_hyperedges = hyperedge_weight.numel()
            else:
                num_hyperedges = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
        if hyperedge_weight is not None and hyperedge_weight.numel() != num_hyperedges:
            raise ValueError(
                f"hyperedge_weight has {hyperedge_weight.numel()} entries, expected {num_hyperedges}"
            )
        stamp = (
            hyperedge_index,
            hyperedge_index._version,
            hyperedge_weight,
            None if hyperedge_weight is None else hyperedge_weight._version,
            num_nodes,
            num_hyperedges,
            hyperedge_index.device,
            dtype,
        )
        key = id(hyperedge_index)
        entry = self._graphs.get(key)
        if entry is None or not same_stamp(entry[0], stamp):
            entry = (stamp, self._build(hyperedge_index, num_nodes, hyperedge_weight, num_hyperedges, dtype))
            self._graphs[key] = entry
            while len(self._graphs) > self.max_cached:
                self._graphs.popitem(last=False)
        self._graphs.move_to_end(key)
        return entry[1]

    def _build(
        self,
        hyperedge_index: Tensor,
        num_nodes: int,
        hyperedge_weight: Tensor | None,
        num_hyperedges: int,
        dtype: torch.dtype,
    ) -> tuple[Tensor, Tensor | None]:
        device = hyperedge_index.device
        if self.max_edges is not None and hyperedge_index.numel():
            # the largest hyperedge's clique is a lower bound: refuse before building
            largest = int(torch.bincount(hyperedge_index[1], minlength=num_hyperedges).max())
            if largest * (largest - 1) > self.max_edges:
                self._refuse(f"at least {largest * (largest - 1):,}", num_nodes, num_hyperedges)
        edge_index, weight = clique_expansion(
            hyperedge_index, num_nodes, num_hyperedges, hyperedge_weight if self.weighted else None
        )
        if self.max_edges is not None and edge_index.size(1) > self.max_edges:
            self._refuse(f"{edge_index.size(1):,}", num_nodes, num_hyperedges)
        edge_index = edge_index.to(device)
        weight = weight.to(device=device, dtype=dtype) if self.weighted else None
        if self.gcn:
            edge_index, weight = gcn_norm(edge_index, weight, num_nodes, add_self_loops=True, dtype=dtype)
        return edge_index, weight

    def _refuse(self, edges: str, num_nodes: int, num_hyperedges: int) -> None:
        raise ValueError(
            f"the clique expansion of this hypergraph ({num_nodes:,} nodes, {num_hyperedges:,} hyperedges) "
            f"has {edges} directed edges, above max_edges={self.max_edges:,}: a GCN / GAT layer on it "
            f"holds one message row per edge; set model.max_edges higher (or null) to build it anyway"
        )
