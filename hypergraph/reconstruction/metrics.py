"""Exact-match metrics of a reconstruction against the ground-truth hyperedges."""

from __future__ import annotations

from collections.abc import Iterable

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import isin_sets, unique_sets


def as_sets(x: NodeSets | Hypergraph | Iterable[Iterable[int]]) -> NodeSets:
    """A deduplicated :class:`NodeSets` from a NodeSets, a Hypergraph or an iterable of sets."""
    if isinstance(x, NodeSets):
        return unique_sets(x)[0]
    if isinstance(x, Hypergraph):
        from hypergraph.reconstruction.projection import hypergraph_sets

        return hypergraph_sets(x)
    return unique_sets(NodeSets.from_iterable(x))[0]


def reconstruction_metrics(reconstructed, ground_truth) -> dict[str, float]:
    """Jaccard ``|R∩H| / |R∪H|``, precision, recall and F1 over exact hyperedge sets.

    ``R`` and ``H`` are sets (duplicates are merged; singletons count).  Conventions for empty
    inputs: precision is 0 when ``R`` is empty and recall 0 when ``H`` is empty (as in the
    reference code), F1 is 0 when precision·recall is 0, and Jaccard is 1 when both are empty.
    """
    r, h = as_sets(reconstructed), as_sets(ground_truth)
    hit = int(isin_sets(r, h).sum())
    union = len(r) + len(h) - hit
    p = hit / len(r) if len(r) else 0.0
    rec = hit / len(h) if len(h) else 0.0
    f1 = 2 * p * rec / (p + rec) if p * rec > 0 else 0.0
    jac = hit / union if union else 1.0
    return {
        "jaccard": jac,
        "precision": p,
        "recall": rec,
        "f1": f1,
        "num_reconstructed": float(len(r)),
        "num_true": float(len(h)),
        "num_correct": float(hit),
    }


def pool_recall(candidates, ground_truth) -> float:
    """Fraction of the (unique) ground-truth hyperedges present in the candidate pool."""
    h = as_sets(ground_truth)
    return float(isin_sets(h, as_sets(candidates)).mean()) if len(h) else 0.0
