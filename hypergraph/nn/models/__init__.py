"""Models built from the layers of :mod:`hypergraph.nn.conv`."""

from hypergraph.nn.models.hgnn import HGNN, HGNNP
from hypergraph.nn.models.mlp import MLP

__all__ = ["HGNN", "HGNNP", "MLP"]
