"""Models built from the layers of :mod:`hypergraph.nn.conv`, each registered in ``MODELS``.

Every model takes ``(in_channels, hidden_channels, out_channels, ...)``; node models are called
as ``model(x, hyperedge_index, hyperedge_weight=None, num_hyperedges=None)`` and return logits
``[N, out_channels]``.  A new model is one file here plus one line below.
"""

from hypergraph.nn.models.hgnn import HGNN, HGNNP
from hypergraph.nn.models.mlp import MLP
from hypergraph.registry import MODELS

MODELS.register("hgnn", HGNN)
MODELS.register("hgnnp", HGNNP)
MODELS.register("mlp", MLP)

__all__ = ["HGNN", "HGNNP", "MLP"]
