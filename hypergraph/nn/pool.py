"""Edge pooling on the dual hypergraph: HyperDrop (edge dropping) and HyperCluster (edge
clustering), after Jo et al., NeurIPS 2021."""

from __future__ import annotations

import math

import torch
from torch import Tensor
from torch_geometric.nn.pool.select.topk import topk
from torch_geometric.utils import to_dense_batch

from hypergraph.data.transforms import dual_incidence
from hypergraph.nn.conv.ehgnn_conv import EHGNNConv


class HyperDrop(torch.nn.Module):
    r"""Score every edge (dual node) with an EHGNN layer and keep the top
    :math:`\lceil \text{ratio} \cdot m_g \rceil` edges of each graph :math:`g`.

    ``score = tanh(EHGNN(E))``; the kept scores, clamped to ``[0, 1]``, are returned as edge weights
    for the next node-level layer so that the scorer is trained through them.  Nodes are never
    dropped.

    ``forward(edge_attr, edge_index, edge_batch, num_nodes)`` returns
    ``(edge_attr[perm], edge_index[:, perm], edge_weight, perm)``.
    """

    def __init__(self, in_channels: int, ratio: float = 0.5, kind: str = "hgnnp") -> None:
        super().__init__()
        if not 0 < ratio <= 1:
            raise ValueError(f"HyperDrop ratio must be in (0, 1], got {ratio}")
        self.ratio = ratio
        self.score = EHGNNConv(in_channels, 1, kind=kind)

    def reset_parameters(self) -> None:
        self.score.reset_parameters()

    def forward(
        self,
        edge_attr: Tensor,
        edge_index: Tensor,
        edge_batch: Tensor,
        num_nodes: int,
        dual_index: Tensor | None = None,
    ) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        score = torch.tanh(self.score(edge_attr, edge_index, num_nodes, dual_index).view(-1))
        if edge_index.size(1) == 0:
            perm = torch.zeros(0, dtype=torch.long, device=edge_index.device)
        else:
            perm = topk(score, self.ratio, edge_batch)
        return edge_attr[perm], edge_index[:, perm], score[perm].clamp(0, 1), perm


class HyperCluster(torch.nn.Module):
    r"""Soft edge clustering :math:`E^{pool} = C^\top E'` with an attention assignment.

    Keys and values are EHGNN convolutions of the edge features; ``num_clusters`` learnable seed
    queries attend over the edges of each graph (a GMPool-style multi-head attention block,
    ``Q + softmax(Q K^T / sqrt(d)) V`` followed by a residual feed-forward).  ``cluster=True`` takes
    the softmax over the seeds instead of over the edges, so that each edge is *assigned* to the
    clusters (the columns of ``C`` sum to one per edge).

    ``forward(edge_attr, edge_index, edge_batch, num_nodes, num_graphs)`` returns the pooled edges
    ``[B, num_clusters, F]`` and the assignment ``C`` as ``[B, max_edges, num_clusters]`` (zero
    rows for padding) with the padding mask ``[B, max_edges]``.
    """

    def __init__(
        self, channels: int, num_clusters: int, heads: int = 1, cluster: bool = False, kind: str = "hgnnp"
    ) -> None:
        super().__init__()
        if channels % heads:
            raise ValueError(f"channels={channels} must be divisible by heads={heads}")
        self.channels, self.heads, self.num_clusters, self.cluster = channels, heads, num_clusters, cluster
        self.seeds = torch.nn.Parameter(torch.empty(1, num_clusters, channels))
        self.lin_q = torch.nn.Linear(channels, channels)
        self.conv_k = EHGNNConv(channels, channels, kind=kind)
        self.conv_v = EHGNNConv(channels, channels, kind=kind)
        self.lin_o = torch.nn.Linear(channels, channels)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        torch.nn.init.xavier_uniform_(self.seeds)
        for m in (self.lin_q, self.conv_k, self.conv_v, self.lin_o):
            m.reset_parameters()

    def forward(
        self,
        edge_attr: Tensor,
        edge_index: Tensor,
        edge_batch: Tensor,
        num_nodes: int,
        num_graphs: int,
        dual_index: Tensor | None = None,
    ) -> tuple[Tensor, Tensor, Tensor]:
        if dual_index is None:
            dual_index = dual_incidence(edge_index)
        k = self.conv_k(edge_attr, edge_index, num_nodes, dual_index)
        v = self.conv_v(edge_attr, edge_index, num_nodes, dual_index)
        K, mask = to_dense_batch(k, edge_batch, batch_size=num_graphs)  # [B, L, F]
        V, _ = to_dense_batch(v, edge_batch, batch_size=num_graphs)
        Q = self.lin_q(self.seeds).expand(num_graphs, -1, -1)  # [B, S, F]
        B, S, F = Q.shape
        L, h, dh = K.size(1), self.heads, F // self.heads
        q = Q.view(B, S, h, dh).transpose(1, 2)  # [B, h, S, dh]
        kk = K.view(B, L, h, dh).transpose(1, 2)
        vv = V.view(B, L, h, dh).transpose(1, 2)
        logits = q @ kk.transpose(-1, -2) / math.sqrt(dh)  # [B, h, S, L]
        pad = ~mask[:, None, None, :]
        if self.cluster:  # each edge distributes itself over the clusters
            att = torch.softmax(logits, dim=2).masked_fill(pad, 0.0)
        else:  # each cluster attends over the edges of its graph
            att = torch.softmax(logits.masked_fill(pad, float("-inf")), dim=3)
            att = torch.nan_to_num(att, nan=0.0)  # graphs without edges
        out = (q + att @ vv).transpose(1, 2).reshape(B, S, F)
        out = out + torch.relu(self.lin_o(out))
        assignment = att.mean(dim=1).transpose(1, 2)  # C: [B, L, S]
        return out, assignment, mask
