"""The GCN layer with edge embeddings of OGB's molecule examples (used by Jo et al. for OGB)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch_geometric.utils import scatter


class OGBGCNConv(torch.nn.Module):
    r"""The OGB example GCN layer with edge embeddings (used by the authors for molecules):

    .. math::
        x'_i = \sum_{j \to i} \frac{w_{ji}}{\sqrt{\hat d_i \hat d_j}} \mathrm{ReLU}(W x_j + U e_{ji})
              + \frac{\mathrm{ReLU}(W x_i + r)}{\hat d_i}, \qquad \hat d_i = 1 + \deg(i)

    with optional edge weights ``w`` (default 1).
    """

    def __init__(self, channels: int, edge_channels: int) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(channels, channels)
        self.edge_lin = torch.nn.Linear(edge_channels, channels)
        self.root = torch.nn.Parameter(torch.zeros(1, channels))

    def forward(
        self, x: Tensor, edge_index: Tensor, edge_attr: Tensor, edge_weight: Tensor | None = None
    ) -> Tensor:
        x = self.lin(x)
        n = x.size(0)
        row, col = edge_index
        w = torch.ones(row.numel(), device=x.device, dtype=x.dtype) if edge_weight is None else edge_weight
        deg = scatter(w, row, 0, dim_size=n, reduce="sum") + 1
        dis = deg.pow(-0.5)
        norm = dis[row] * dis[col] * w
        msg = torch.relu(x[row] + self.edge_lin(edge_attr)) * norm.unsqueeze(-1)
        out = scatter(msg, col, 0, dim_size=n, reduce="sum")
        return out + torch.relu(x + self.root) / deg.unsqueeze(-1)
