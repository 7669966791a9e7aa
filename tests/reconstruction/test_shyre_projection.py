"""Projection (clique expansion with deduplication) and maximal cliques."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import isin_sets, k_subsets, unique_sets
from hypergraph.reconstruction.projection import (
    as_adjacency,
    hypergraph_sets,
    maximal_cliques,
    project,
)


def _hypergraph(edges, n):
    nodes = [v for e in edges for v in e]
    ids = [i for i, e in enumerate(edges) for _ in e]
    # validate=False: a repeated id inside a hyperedge is a repeated incidence
    return Hypergraph(
        hyperedge_index=torch.tensor([nodes, ids]), num_nodes=n, num_hyperedges=len(edges), validate=False
    )


def test_projection_dedups_hyperedges_and_repeated_ids():
    # a duplicate hyperedge (listed in another order), a repeated id, a singleton and an unused node
    h = _hypergraph([[0, 1, 2], [2, 1, 0], [3, 3, 4], [5]], n=7)
    assert hypergraph_sets(h).to_tuples() == [(0, 1, 2), (3, 4), (5,)]
    adj = project(h)
    assert adj.shape == (7, 7)
    assert (adj != adj.T).nnz == 0 and adj.diagonal().sum() == 0
    assert set(zip(*adj.nonzero())) == {(0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1), (3, 4), (4, 3)}
    assert adj.max() == 1  # no multiplicities
    assert adj[5].nnz == 0 and adj[6].nnz == 0  # singleton and unused node are isolated


def test_maximal_cliques_of_a_small_graph():
    h = _hypergraph([[0, 1, 2], [1, 2, 3], [3, 4], [5]], n=7)
    cliques = maximal_cliques(project(h))
    assert sorted(cliques.to_tuples()) == [(0, 1, 2), (1, 2, 3), (3, 4), (5,), (6,)]


def test_maximal_cliques_match_networkx_on_random_graph():
    g = nx.gnp_random_graph(60, 0.2, seed=3)
    adj = as_adjacency(g)
    ours = sorted(maximal_cliques(adj).to_tuples())
    assert ours == sorted(tuple(sorted(c)) for c in nx.find_cliques(g))


def test_as_adjacency_inputs_agree():
    ei = torch.tensor([[0, 1, 1], [1, 2, 0]])
    a = as_adjacency(ei, num_nodes=4)
    g = nx.Graph([(0, 1), (1, 2)])
    g.add_node(3)
    b = as_adjacency(g)
    assert (a != b).nnz == 0 and a.shape == (4, 4)
    with pytest.raises(ValueError, match="num_nodes"):
        as_adjacency(ei)
    with pytest.raises(ValueError, match="outside"):
        as_adjacency(ei, num_nodes=2)


def test_set_helpers():
    s = NodeSets.from_iterable([[3, 1], [1, 3], [2], [1, 2, 3]])
    u, inv = unique_sets(s)
    assert u.to_tuples() == [(1, 3), (2,), (1, 2, 3)] and inv.tolist() == [0, 0, 1, 2]
    assert isin_sets(s, NodeSets.from_iterable([[1, 2, 3], [3, 1]])).tolist() == [True, True, False, True]
    assert k_subsets(np.array([[1, 4, 7]]), 2).tolist() == [[1, 4], [1, 7], [4, 7]]
