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
from hypergraph.data.stats import hyperedge_homophily, neighbourhood_vote
from hypergraph.data.validate import validate_hypergraph

__all__ = [
    "OPERATORS",
    "Hypergraph",
    "PropagationOperator",
    "build_operator",
    "hyperedge_degree",
    "hyperedge_homophily",
    "incidence_matrix",
    "incidence_scipy",
    "neighbourhood_vote",
    "node_degree",
    "propagate",
    "validate_hypergraph",
]
