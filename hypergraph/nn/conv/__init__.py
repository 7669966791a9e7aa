"""Hypergraph convolution layers, one per file."""

from hypergraph.nn.conv.alldeepsets_conv import AllDeepSetsConv
from hypergraph.nn.conv.allsettransformer_conv import AllSetTransformerConv
from hypergraph.nn.conv.edhnn_conv import EDHNNConv
from hypergraph.nn.conv.ehgnn_conv import EHGNNConv
from hypergraph.nn.conv.hcha_conv import HCHAConv
from hypergraph.nn.conv.hgnn_conv import HGNNConv
from hypergraph.nn.conv.hgnnp_conv import HGNNPConv
from hypergraph.nn.conv.hnhn_conv import HNHNConv
from hypergraph.nn.conv.hypergcn_conv import HyperGCNConv
from hypergraph.nn.conv.ogb_gcn_conv import OGBGCNConv
from hypergraph.nn.conv.unigat_conv import UniGATConv
from hypergraph.nn.conv.unigcn_conv import UniGCNConv
from hypergraph.nn.conv.unigcnii_conv import UniGCNIIConv
from hypergraph.nn.conv.unigin_conv import UniGINConv
from hypergraph.nn.conv.unisage_conv import UniSAGEConv

__all__ = [
    "AllDeepSetsConv",
    "AllSetTransformerConv",
    "EDHNNConv",
    "HCHAConv",
    "HNHNConv",
    "HyperGCNConv",
    "EHGNNConv",
    "HGNNConv",
    "HGNNPConv",
    "OGBGCNConv",
    "UniGATConv",
    "UniGCNConv",
    "UniGCNIIConv",
    "UniGINConv",
    "UniSAGEConv",
]
