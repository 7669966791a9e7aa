"""The hypergraph data object, sparse operators, transforms, constructors and I/O."""

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.ops import (
    OPERATORS,
    PropagationOperator,
    build_operator,
    hyperedge_degree,
    incidence_matrix,
    incidence_scipy,
    node_degree,
    propagate,
)
from hypergraph.data.validate import validate_hypergraph

__all__ = [
    "OPERATORS",
    "Hypergraph",
    "PropagationOperator",
    "build_operator",
    "hyperedge_degree",
    "incidence_matrix",
    "incidence_scipy",
    "node_degree",
    "propagate",
    "validate_hypergraph",
]
