"""hypergraph: hypergraph learning on PyTorch Geometric.

``MODELS``, ``DATASETS`` and ``TASKS`` are the name registries read by the config runner; each
fills itself from its package the first time it is read.
"""

from hypergraph.registry import DATASETS, MODELS, TASKS

__version__ = "0.1.0"

__all__ = ["DATASETS", "MODELS", "TASKS", "__version__"]
