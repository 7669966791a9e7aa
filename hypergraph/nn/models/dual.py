"""Graph-classification networks with dual-hypergraph edge learning (Jo et al., NeurIPS 2021).

* :class:`HyperDropNet`: GCN on nodes; after every layer but the last, an EHGNN edge update and
  HyperDrop; readout ``sum over layers of [max || mean || sum]``; 3-layer MLP classifier.  With
  ``use_ehgnn=False`` it is the GCN baseline of the same code path (the paper's "w/o EHGNN"), with
  ``ratio=1`` the "w/o HyperDrop" ablation (EHGNN edge updates, nothing dropped, no edge weights).
* :class:`HyperClusterNet`: the same node GCN, plus an EHGNN edge branch pooled by
  :class:`~hypergraph.nn.pool.HyperCluster`; the pooled edge clusters are read out and
  concatenated to the node readout.

Inputs are PyG mini-batches (``x, edge_index, edge_attr, batch``).  Every column of
``edge_index`` is a dual node (the authors' directed form); graphs without ``edge_attr`` start
from constant edge features ``1``.  For OGB molecules, ``encoder="ogb"`` embeds atoms and bonds
with OGB's ``AtomEncoder`` / ``BondEncoder`` and the node layer is the OGB-style GCN with edge
embeddings (:class:`OGBGCNConv`).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor
from torch_geometric.nn import GCNConv, global_add_pool, global_max_pool, global_mean_pool

from hypergraph.data.transforms import dual_incidence
from hypergraph.nn.conv.ehgnn_conv import EHGNNConv
from hypergraph.nn.conv.ogb_gcn_conv import OGBGCNConv
from hypergraph.nn.pool import HyperCluster, HyperDrop


def _readout(x: Tensor, batch: Tensor, num_graphs: int) -> Tensor:
    return torch.cat(
        [
            global_max_pool(x, batch, num_graphs),
            global_mean_pool(x, batch, num_graphs),
            global_add_pool(x, batch, num_graphs),
        ],
        dim=-1,
    )


class _Encoders(torch.nn.Module):
    """Input embeddings: identity-width for TU (raw features go to the first layer), OGB
    atom/bond encoders for molecules."""

    def __init__(self, encoder: str, in_channels: int, edge_in_channels: int, hidden: int) -> None:
        super().__init__()
        if encoder not in ("none", "ogb"):
            raise ValueError(f"unknown encoder {encoder!r}; valid: none, ogb")
        self.kind = encoder
        if encoder == "ogb":
            from ogb.graphproppred.mol_encoder import AtomEncoder, BondEncoder

            self.atom = AtomEncoder(hidden)
            self.bond = BondEncoder(hidden)
            self.node_dim = self.edge_dim = hidden
        else:
            self.node_dim = in_channels
            self.edge_dim = max(edge_in_channels, 1)

    def forward(self, data) -> tuple[Tensor, Tensor]:
        edge_attr = data.get("edge_attr", None)
        if self.kind == "ogb":
            return self.atom(data.x), self.bond(edge_attr)
        x = data.x.float()
        if edge_attr is None:
            e = torch.ones(data.edge_index.size(1), 1, device=x.device)
        else:
            e = edge_attr.float().view(edge_attr.size(0), -1)
        return x, e


def _mlp(in_dim: int, hidden: int, out: int, dropout: float) -> torch.nn.Sequential:
    return torch.nn.Sequential(
        torch.nn.Linear(in_dim, hidden),
        torch.nn.ReLU(),
        torch.nn.Dropout(dropout),
        torch.nn.Linear(hidden, hidden // 2),
        torch.nn.ReLU(),
        torch.nn.Dropout(dropout),
        torch.nn.Linear(hidden // 2, out),
    )


class HyperDropNet(torch.nn.Module):
    """HyperDrop graph classifier (``Model_HyperDrop`` of the authors' code).

    Args:
        in_channels: node feature size (ignored with ``encoder="ogb"``).
        edge_in_channels: edge feature size (0: no edge features, edges start as ones).
        hidden_channels: node hidden size.
        out_channels: classes (TU) or tasks (OGB); the output is raw logits.
        num_layers: node GCN layers; HyperDrop follows each but the last.
        ratio: fraction of edges each HyperDrop keeps per graph (1: keep all, no edge weights).
        dropout: classifier dropout.
        edge_hidden: edge hidden size (default ``hidden_channels``).
        use_ehgnn: ``False`` gives the GCN baseline (no edge branch at all).
        ehgnn: ``"hgnnp"`` (row-normalised, the paper's) or ``"hgnn"`` (symmetric).
        encoder: ``"none"`` (TU) or ``"ogb"`` (atom/bond encoders and :class:`OGBGCNConv`).
    """

    def __init__(
        self,
        in_channels: int,
        edge_in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 3,
        ratio: float = 0.5,
        dropout: float = 0.5,
        edge_hidden: int | None = None,
        use_ehgnn: bool = True,
        ehgnn: str = "hgnnp",
        encoder: str = "none",
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        hidden = hidden_channels
        self.num_layers, self.use_ehgnn, self.ratio = num_layers, use_ehgnn, ratio
        self.enc = _Encoders(encoder, in_channels, edge_in_channels, hidden)
        self.ogb = encoder == "ogb"
        eh = edge_hidden or hidden
        self.convs = torch.nn.ModuleList()
        self.edge_convs = torch.nn.ModuleList()
        self.drops = torch.nn.ModuleList()
        e_in = self.enc.edge_dim
        for layer in range(num_layers):
            n_in = self.enc.node_dim if layer == 0 else hidden
            if self.ogb:
                if n_in != hidden:
                    raise ValueError("OGB encoder must output the hidden size")
                self.convs.append(OGBGCNConv(hidden, e_in))
            else:
                self.convs.append(GCNConv(n_in, hidden))
            if use_ehgnn and layer < num_layers - 1:
                self.edge_convs.append(EHGNNConv(e_in, eh, kind=ehgnn))
                e_in = eh
                if ratio < 1:
                    self.drops.append(HyperDrop(eh, ratio=ratio, kind=ehgnn))
        self.classifier = _mlp(3 * hidden, hidden, out_channels, dropout)

    def forward(self, data) -> Tensor:
        x, e = self.enc(data)
        edge_index, batch = data.edge_index, data.batch
        num_graphs = int(data.num_graphs)
        n = x.size(0)
        edge_batch = batch[edge_index[0]]
        weight: Tensor | None = None
        out = 0
        for layer, conv in enumerate(self.convs):
            if self.ogb:
                x = torch.relu(conv(x, edge_index, e, weight))
            else:
                x = torch.relu(conv(x, edge_index, weight))
            if self.use_ehgnn and layer < self.num_layers - 1:
                dual = dual_incidence(edge_index)
                e = torch.relu(self.edge_convs[layer](e, edge_index, n, dual))
                if self.ratio < 1:
                    e, edge_index, weight, perm = self.drops[layer](e, edge_index, edge_batch, n, dual)
                    edge_batch = edge_batch[perm]
            out = out + _readout(x, batch, num_graphs)
        return self.classifier(out)


class GCNNet(HyperDropNet):
    """The GCN baseline of :class:`HyperDropNet`: the same node GCN, readout and classifier, with
    no edge branch (the paper's "w/o EHGNN")."""

    def __init__(
        self,
        in_channels: int,
        edge_in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 3,
        dropout: float = 0.5,
        encoder: str = "none",
    ) -> None:
        super().__init__(
            in_channels,
            edge_in_channels,
            hidden_channels,
            out_channels,
            num_layers=num_layers,
            dropout=dropout,
            use_ehgnn=False,
            encoder=encoder,
        )


class HyperClusterNet(torch.nn.Module):
    """Graph classifier with HyperCluster edge pooling.

    Node branch: ``num_layers`` GCN layers with the :class:`HyperDropNet` readout.  Edge branch:
    ``edge_layers`` EHGNN layers, then :class:`~hypergraph.dual.pool.HyperCluster` with
    ``num_clusters`` seeds (e.g. ``ceil(ratio * average #edges)``); the clusters are read out by
    ``[max || mean || sum]`` over the seeds and concatenated to the node readout.
    """

    def __init__(
        self,
        in_channels: int,
        edge_in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_clusters: int,
        num_layers: int = 3,
        edge_layers: int = 2,
        heads: int = 1,
        cluster: bool = True,
        dropout: float = 0.5,
        ehgnn: str = "hgnnp",
        encoder: str = "none",
    ) -> None:
        super().__init__()
        hidden = hidden_channels
        self.enc = _Encoders(encoder, in_channels, edge_in_channels, hidden)
        self.ogb = encoder == "ogb"
        self.convs = torch.nn.ModuleList()
        for layer in range(num_layers):
            n_in = self.enc.node_dim if layer == 0 else hidden
            self.convs.append(OGBGCNConv(hidden, self.enc.edge_dim) if self.ogb else GCNConv(n_in, hidden))
        self.edge_convs = torch.nn.ModuleList(
            EHGNNConv(self.enc.edge_dim if i == 0 else hidden, hidden, kind=ehgnn) for i in range(edge_layers)
        )
        self.pool = HyperCluster(hidden, num_clusters, heads=heads, cluster=cluster, kind=ehgnn)
        self.classifier = _mlp(6 * hidden, hidden, out_channels, dropout)

    def forward(self, data) -> Tensor:
        x0, e0 = self.enc(data)
        edge_index, batch = data.edge_index, data.batch
        num_graphs = int(data.num_graphs)
        n = x0.size(0)
        out = 0
        x = x0
        for conv in self.convs:
            x = torch.relu(conv(x, edge_index, e0) if self.ogb else conv(x, edge_index))
            out = out + _readout(x, batch, num_graphs)
        dual = dual_incidence(edge_index)
        e = e0
        for conv in self.edge_convs:
            e = torch.relu(conv(e, edge_index, n, dual))
        pooled, _, _ = self.pool(e, edge_index, batch[edge_index[0]], n, num_graphs, dual)
        edge_out = torch.cat([pooled.max(dim=1).values, pooled.mean(dim=1), pooled.sum(dim=1)], dim=-1)
        return self.classifier(torch.cat([out, edge_out], dim=-1))


class HyperClusterAutoencoder(torch.nn.Module):
    """Edge reconstruction through HyperCluster (the paper's bond-type experiment on molecules).

    Encoder: ``enc_layers`` EHGNN layers on the edge features; :class:`HyperCluster` compresses the
    ``m`` edges of each graph to ``num_clusters`` clusters ``E_pool = C^T E'``; the unpooled edges
    ``C E_pool`` go through ``dec_layers`` EHGNN layers and a final EHGNN layer to ``num_classes``
    logits per edge (e.g. bond types), trained with cross-entropy.

    ``forward(data)`` returns per-edge logits ``[m, num_classes]`` in ``edge_index`` column order.
    """

    def __init__(
        self,
        edge_in_channels: int,
        hidden_channels: int,
        num_classes: int,
        num_clusters: int,
        enc_layers: int = 2,
        dec_layers: int = 2,
        heads: int = 1,
        cluster: bool = True,
        ehgnn: str = "hgnnp",
    ) -> None:
        super().__init__()
        hidden = hidden_channels
        self.enc = torch.nn.ModuleList(
            EHGNNConv(edge_in_channels if i == 0 else hidden, hidden, kind=ehgnn) for i in range(enc_layers)
        )
        self.pool = HyperCluster(hidden, num_clusters, heads=heads, cluster=cluster, kind=ehgnn)
        self.dec = torch.nn.ModuleList(EHGNNConv(hidden, hidden, kind=ehgnn) for _ in range(dec_layers))
        self.out = EHGNNConv(hidden, num_classes, kind=ehgnn)

    def forward(self, data) -> Tensor:
        edge_index, batch = data.edge_index, data.batch
        n, num_graphs = int(data.num_nodes), int(data.num_graphs)
        e = data.edge_attr.float()
        dual = dual_incidence(edge_index)
        for conv in self.enc:
            e = torch.relu(conv(e, edge_index, n, dual))
        edge_batch = batch[edge_index[0]]
        pooled, C, mask = self.pool(e, edge_index, edge_batch, n, num_graphs, dual)
        e = (C @ pooled)[mask]  # unpool: each edge from its clusters
        for conv in self.dec:
            e = torch.relu(conv(e, edge_index, n, dual))
        return self.out(e, edge_index, n, dual)


def num_clusters_for(ratio: float, avg_edges: float) -> int:
    """``ceil(ratio * average number of edges)``, at least 1 (the authors' seed count)."""
    return max(1, math.ceil(ratio * avg_edges))
