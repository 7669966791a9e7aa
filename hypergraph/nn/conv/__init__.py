"""Hypergraph convolution layers, one per file."""

from hypergraph.nn.conv.hgnn_conv import HGNNConv
from hypergraph.nn.conv.hgnnp_conv import HGNNPConv

__all__ = ["HGNNConv", "HGNNPConv"]
