"""Neural-network layers (``hypergraph.nn.conv``) and models (``hypergraph.nn.models``)."""
