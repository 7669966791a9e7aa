"""A learned hyperedge scorer: a hypergraph encoder plus a set-invariant decoder."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.utils import scatter


class SetDecoder(torch.nn.Module):
    """Scores a node set from its members' embeddings: ``MLP([mean ‖ max])`` (permutation
    invariant).  Shapes: embeddings ``(N, H)``, set index ``(2, nnz)`` → logits ``(K,)``."""

    def __init__(self, hidden_channels: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.lin1 = torch.nn.Linear(2 * hidden_channels, hidden_channels)
        self.lin2 = torch.nn.Linear(hidden_channels, 1)
        self.dropout = dropout
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin1.reset_parameters()
        self.lin2.reset_parameters()

    def forward(self, z: Tensor, set_index: Tensor, num_sets: int) -> Tensor:
        member = z[set_index[0]]
        mean = scatter(member, set_index[1], 0, dim_size=num_sets, reduce="mean")
        mx = scatter(member, set_index[1], 0, dim_size=num_sets, reduce="max")
        h = F.relu(self.lin1(torch.cat([mean, mx], dim=-1)))
        h = F.dropout(h, self.dropout, self.training)
        return self.lin2(h).view(-1)


class HyperedgePredictor(torch.nn.Module):
    """``encoder(x, hyperedge_index, None, num_hyperedges)`` on the observed hypergraph gives
    node embeddings; :class:`SetDecoder` scores candidate sets."""

    def __init__(self, encoder: torch.nn.Module, hidden_channels: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = SetDecoder(hidden_channels, dropout)

    def forward(
        self, x: Tensor, hyperedge_index: Tensor, num_hyperedges: int, set_index: Tensor, num_sets: int
    ) -> Tensor:
        z = self.encoder(x, hyperedge_index, None, num_hyperedges)
        return self.decoder(z, set_index, num_sets)
