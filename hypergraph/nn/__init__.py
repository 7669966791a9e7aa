"""Neural-network layers (``hypergraph.nn.conv``), pooling (``hypergraph.nn.pool``) and models
(``hypergraph.nn.models``)."""

from hypergraph.nn.conv import *  # noqa: F403
from hypergraph.nn.conv import __all__ as _conv_all
from hypergraph.nn.models import *  # noqa: F403
from hypergraph.nn.models import __all__ as _models_all
from hypergraph.nn.pool import HyperCluster, HyperDrop

__all__ = [*_conv_all, *_models_all, "HyperCluster", "HyperDrop"]
