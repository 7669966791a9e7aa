"""Synthetic hypergraphs."""

from __future__ import annotations

import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.transforms import coalesce_incidence


def hypergraph_sbm(
    num_nodes: int = 2000,
    num_classes: int = 5,
    num_hyperedges: int = 1000,
    mean_size: float = 4.0,
    min_size: int = 2,
    max_size: int = 20,
    homophily: float = 0.8,
    num_features: int = 64,
    feature_signal: float = 1.0,
    feature_noise: float = 1.0,
    seed: int = 0,
) -> Hypergraph:
    r"""A hypergraph stochastic block model with class-dependent Gaussian features.

    Nodes get balanced class labels.  Each hyperedge draws a size
    ``min_size + Poisson(mean_size - min_size)`` (clipped to ``max_size``) and a home class;
    each member comes from the home class with probability ``homophily`` and from a uniformly
    random class otherwise, and is a uniform node of that class (repeats are merged, so a few
    hyperedges are smaller).  Features are ``feature_signal * mu_y + feature_noise * eps`` with
    one random unit-variance centroid ``mu_c`` per class.  Fully vectorised and seeded.
    """
    if num_classes < 1 or num_nodes < num_classes:
        raise ValueError("need num_nodes >= num_classes >= 1")
    if not 0.0 <= homophily <= 1.0:
        raise ValueError(f"homophily must be in [0, 1], got {homophily}")
    if not 1 <= min_size <= max_size:
        raise ValueError("need 1 <= min_size <= max_size")
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(num_nodes) % num_classes
    y = y[torch.randperm(num_nodes, generator=g)]
    order = torch.argsort(y, stable=True)  # nodes grouped by class
    count = torch.bincount(y, minlength=num_classes)
    start = torch.cumsum(count, 0) - count
    lam = torch.full((num_hyperedges,), max(mean_size - min_size, 0.0))
    sizes = (min_size + torch.poisson(lam, generator=g).long()).clamp(max=max_size)
    edge = torch.arange(num_hyperedges).repeat_interleave(sizes)
    home = torch.randint(num_classes, (num_hyperedges,), generator=g)[edge]
    other = torch.randint(num_classes, (edge.numel(),), generator=g)
    same = torch.rand(edge.numel(), generator=g) < homophily
    cls = torch.where(same, home, other)
    offset = (torch.rand(edge.numel(), generator=g) * count[cls]).long()
    node = order[start[cls] + offset]
    hi = coalesce_incidence(torch.stack([node, edge]), num_nodes)
    mu = torch.randn(num_classes, num_features, generator=g)
    x = feature_signal * mu[y] + feature_noise * torch.randn(num_nodes, num_features, generator=g)
    return Hypergraph(x=x, y=y, hyperedge_index=hi, num_nodes=num_nodes, num_hyperedges=num_hyperedges)
