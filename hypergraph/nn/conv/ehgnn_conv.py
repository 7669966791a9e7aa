r"""EHGNN: edge representation learning by running a hypergraph layer on the dual hypergraph.

With the dual incidence :math:`M^\top` of :func:`~hypergraph.data.transforms.dual_incidence` the
edge update is

.. math::
    E' = D^{-1} M^\top W B^{-1} M E \Theta + b

(``kind="hgnnp"``, the paper's and the authors' row-normalised form, :class:`HGNNPConv` on the
dual), or HGNN's symmetric :math:`D^{-1/2} M^\top W B^{-1} M D^{-1/2} E \Theta + b`
(``kind="hgnn"``, :class:`HGNNConv`).  ``D`` is the dual-node degree (2 for an edge, 1 for a
self-loop), ``B`` the dual-hyperedge size (the original node degree), ``W`` = identity.
"""

from __future__ import annotations

import torch
from torch import Tensor

from hypergraph.data.transforms import dual_incidence
from hypergraph.nn.conv.hgnn_conv import HGNNConv
from hypergraph.nn.conv.hgnnp_conv import HGNNPConv

EHGNN_KINDS = {"hgnnp": HGNNPConv, "hgnn": HGNNConv}


class EHGNNConv(torch.nn.Module):
    """One EHGNN layer: a node-level hypergraph convolution applied to the dual hypergraph.

    Args:
        in_channels: edge feature size.
        out_channels: output edge feature size.
        kind: ``"hgnnp"`` (row-normalised, default) or ``"hgnn"`` (symmetric).

    ``forward(edge_attr [m, F], edge_index [2, m], num_nodes)`` returns ``[m, out_channels]``; every
    column of ``edge_index`` is a dual node, every one of the ``num_nodes`` nodes a dual hyperedge.
    """

    def __init__(self, in_channels: int, out_channels: int, kind: str = "hgnnp") -> None:
        super().__init__()
        if kind not in EHGNN_KINDS:
            raise ValueError(f"unknown EHGNN kind {kind!r}; valid: {', '.join(EHGNN_KINDS)}")
        # gather/scatter propagation (no cache): the dual incidence changes with every batch and
        # after every HyperDrop, and a per-call sparse operator measured no faster.
        self.conv = EHGNN_KINDS[kind](in_channels, out_channels)

    def reset_parameters(self) -> None:
        self.conv.reset_parameters()

    def forward(
        self, edge_attr: Tensor, edge_index: Tensor, num_nodes: int, dual_index: Tensor | None = None
    ) -> Tensor:
        if dual_index is None:
            dual_index = dual_incidence(edge_index)
        return self.conv(edge_attr, dual_index, num_hyperedges=num_nodes)
