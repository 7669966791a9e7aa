"""Clique-expansion baselines: GCN and GAT on the projected graph (AllSet's CEGCN / CEGAT)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.nn import GATConv, GCNConv

from hypergraph.nn.conv._clique_expansion import CliqueExpansionCache


class _CEBase(torch.nn.Module):
    """The forward and reset of both baselines: expand (cached), then the conv stack.  GCN takes
    the expansion's edge weights, GAT does not (``edge_weighted``)."""

    edge_weighted: bool = True

    def reset_parameters(self) -> None:
        for conv in self.convs:
            conv.reset_parameters()
        for norm in self.norms:
            if hasattr(norm, "reset_parameters"):
                norm.reset_parameters()
        self.expansion.reset_cache()

    def _conv(
        self, conv: torch.nn.Module, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None
    ) -> Tensor:
        return conv(x, edge_index, edge_weight) if self.edge_weighted else conv(x, edge_index)

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        return_hidden: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the last hidden embedding when ``return_hidden``)."""
        edge_index, edge_weight = self.expansion(
            hyperedge_index, x.size(0), hyperedge_weight, num_hyperedges, x.dtype
        )
        x = F.dropout(x, self.input_dropout, self.training)
        hidden = x
        for conv, norm in zip(self.convs[:-1], self.norms):
            x = norm(F.relu(self._conv(conv, x, edge_index, edge_weight)))
            hidden = x
            x = F.dropout(x, self.dropout, self.training)
        out = self._conv(self.convs[-1], x, edge_index, edge_weight)
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        c = self.convs
        return f"{self.__class__.__name__}({c[0].in_channels}, {c[-1].out_channels}, num_layers={len(c)})"


class CEGCN(_CEBase):
    r"""GCN on the clique expansion (AllSet's CEGCN baseline).

    The hypergraph is projected to the graph linking every two nodes that share a hyperedge,
    with edge weight the number of shared hyperedges (the sum of their weights; ``weighted``),
    GCN-normalised once, :math:`\hat A = D̃^{-1/2}(A + I)D̃^{-1/2}`, and cached per structure
    (:class:`~hypergraph.nn.conv._clique_expansion.CliqueExpansionCache`).  Each hidden layer
    is PyG ``GCNConv`` → ReLU → (BatchNorm) → Dropout; the last is a plain ``GCNConv``.
    Unlike AllSet's ``ConstructV2V``, which keeps each pair in one direction only (so messages
    flow from lower to higher ids), both directions are used.  Building the expansion costs
    :math:`\sum_e |e|^2`.

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size.
        out_channels: output size (number of classes).
        num_layers: number of GCN layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        batch_norm: BatchNorm after each hidden activation.
        weighted: weight edges by the number of shared hyperedges (else 1).
        max_edges: refuse, with a ``ValueError``, a clique expansion with more directed edges
            (each holds a message row per layer); ``None``: no limit.
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        batch_norm: bool = False,
        weighted: bool = True,
        max_edges: int | None = 10_000_000,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        dims = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = torch.nn.ModuleList(GCNConv(a, b, normalize=False) for a, b in zip(dims[:-1], dims[1:]))
        self.norms = torch.nn.ModuleList(
            torch.nn.BatchNorm1d(hidden_channels) if batch_norm else torch.nn.Identity()
            for _ in range(num_layers - 1)
        )
        self.expansion = CliqueExpansionCache(weighted=weighted, gcn=True, max_edges=max_edges)
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.reset_parameters()


class CEGAT(_CEBase):
    r"""GAT on the clique expansion (AllSet's CEGAT baseline).

    PyG ``GATConv`` (with self-loops, attention over the neighbours in the clique expansion,
    which GAT uses unweighted) on the expansion cached per structure.  Hidden layers have
    ``heads`` concatenated heads (width ``heads * hidden_channels``) → ReLU → (BatchNorm) →
    Dropout; the last layer averages ``output_heads`` heads.

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size per head.
        out_channels: output size (number of classes).
        num_layers: number of GAT layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        batch_norm: BatchNorm after each hidden activation.
        heads: attention heads of the hidden layers.
        output_heads: attention heads of the last layer (averaged).
        attention_dropout: dropout on the attention coefficients.
        max_edges: refuse, with a ``ValueError``, a clique expansion with more directed edges
            (each holds ``heads`` attention weights and message rows per layer); ``None``: no limit.
    """

    edge_weighted = False

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        batch_norm: bool = False,
        heads: int = 1,
        output_heads: int = 1,
        attention_dropout: float = 0.0,
        max_edges: int | None = 10_000_000,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        width = heads * hidden_channels
        ins = [in_channels] + [width] * (num_layers - 1)
        convs = [GATConv(a, hidden_channels, heads=heads, dropout=attention_dropout) for a in ins[:-1]]
        convs.append(
            GATConv(ins[-1], out_channels, heads=output_heads, concat=False, dropout=attention_dropout)
        )
        self.convs = torch.nn.ModuleList(convs)
        self.norms = torch.nn.ModuleList(
            torch.nn.BatchNorm1d(width) if batch_norm else torch.nn.Identity() for _ in range(num_layers - 1)
        )
        self.expansion = CliqueExpansionCache(weighted=False, gcn=False, max_edges=max_edges)
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.reset_parameters()
