"""Simplicial closure and higher-order link prediction (Benson et al., PNAS 2018).

* input: a :class:`~hypergraph.data.temporal.TemporalSimplicialComplex` (timestamped
  simplices, split by time);
* :func:`enumerate_open_triangles`, :class:`ClosureTriangles`, :func:`closure_type_counts`;
* the scores of :mod:`hypergraph.closure.scores` and the task runner of
  :mod:`hypergraph.closure.evaluate` (label modes ``"true"`` and ``"reference"``).
"""

from hypergraph.closure.evaluate import (
    LABEL_MODES,
    SCORES,
    ClosureTask,
    evaluate_scores,
    logreg_features,
    logreg_scores,
    relative_ap,
)
from hypergraph.closure.triangles import (
    CONFIGURATIONS,
    ClosureTriangles,
    ProjectedGraph,
    closure_type_counts,
    enumerate_open_triangles,
    simplex_triple_keys,
)

__all__ = [
    "CONFIGURATIONS",
    "LABEL_MODES",
    "SCORES",
    "ClosureTask",
    "ClosureTriangles",
    "ProjectedGraph",
    "closure_type_counts",
    "enumerate_open_triangles",
    "evaluate_scores",
    "logreg_features",
    "logreg_scores",
    "relative_ap",
    "simplex_triple_keys",
]
