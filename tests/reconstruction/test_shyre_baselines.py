"""Baselines: greedy edge clique cover and clique-percolation communities."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import pytest

from hypergraph.data.node_sets import NodeSets
from hypergraph.reconstruction.baselines import choose_cfinder_k, edge_clique_cover, k_clique_communities
from hypergraph.reconstruction.projection import as_adjacency


@pytest.mark.parametrize("seed", [None, 0, 1])
def test_edge_clique_cover_of_two_triangles(seed):
    g = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (2, 4)])
    g.add_node(5)  # isolated nodes are not covered (no singletons), as in the reference
    cover = edge_clique_cover(as_adjacency(g), seed=seed)
    assert sorted(cover.to_tuples()) == [(0, 1, 2), (2, 3, 4)]


def test_edge_clique_cover_covers_every_edge_with_cliques():
    g = nx.gnp_random_graph(40, 0.25, seed=5)
    cover = edge_clique_cover(as_adjacency(g), seed=3).to_tuples()
    covered = set()
    for c in cover:
        pairs = set(combinations(c, 2))
        assert all(g.has_edge(u, v) for u, v in pairs)
        covered |= pairs
    assert covered == {tuple(sorted(e)) for e in g.edges}


@pytest.mark.parametrize("k", [2, 3, 4])
def test_k_clique_communities_match_networkx(k):
    g = nx.gnp_random_graph(50, 0.15, seed=k)
    ours = sorted(k_clique_communities(as_adjacency(g), k).to_tuples())
    ref = sorted(tuple(sorted(c)) for c in nx.algorithms.community.k_clique_communities(g, k))
    assert ours == ref


def test_cfinder_k_is_chosen_on_the_training_graph():
    # sizes 3, 3, 3, 2: candidate k = int(decile) + 1 are 3 (q = .1) and 4 (q >= .2)
    sets = NodeSets.from_iterable([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10]])
    g = nx.Graph()
    for c in sets.to_tuples():
        g.add_edges_from(combinations(c, 2))
    k, scored = choose_cfinder_k(as_adjacency(g), sets)
    # k = 3 finds the three triangles (Jaccard 3/4); k = 4 finds nothing
    assert k == 3
    assert dict((kk, j) for j, kk in scored) == {3: pytest.approx(0.75), 4: 0.0}
