"""Hypergraph reconstruction from projected graphs: SHyRe (Wang & Kleinberg, ICLR 2024).

Library use::

    from hypergraph.reconstruction import SHyRe, project, reconstruction_metrics
    model = SHyRe(beta=1000, features="count").fit(train_hypergraph)
    rec = model.reconstruct(project(query_hypergraph))      # a Hypergraph
    reconstruction_metrics(rec, query_hypergraph)            # jaccard, precision, recall, f1
"""

from hypergraph.reconstruction.baselines import (
    cfinder_baseline,
    edge_clique_cover,
    k_clique_communities,
    max_clique_baseline,
)
from hypergraph.reconstruction.features import GraphStats, count_features, motif_features
from hypergraph.reconstruction.metrics import pool_recall, reconstruction_metrics
from hypergraph.reconstruction.pipeline import SHyRe, fit, reconstruct
from hypergraph.reconstruction.projection import as_adjacency, clique_expansion, maximal_cliques, project
from hypergraph.reconstruction.sampler import SamplerPlan, apply_plan, fit_sampler

__all__ = [
    "GraphStats",
    "SHyRe",
    "SamplerPlan",
    "apply_plan",
    "as_adjacency",
    "cfinder_baseline",
    "clique_expansion",
    "count_features",
    "edge_clique_cover",
    "fit",
    "fit_sampler",
    "k_clique_communities",
    "max_clique_baseline",
    "maximal_cliques",
    "motif_features",
    "pool_recall",
    "project",
    "reconstruct",
    "reconstruction_metrics",
]
