"""Count and motif features against direct (looping) definitions on small random graphs."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import k_subsets
from hypergraph.reconstruction.features import GraphStats, count_features, motif_features
from hypergraph.reconstruction.projection import clique_expansion, maximal_cliques


def _random_case(seed: int, n: int = 25, m: int = 30):
    rng = np.random.default_rng(seed)
    edges = [rng.choice(n, size=rng.integers(1, 6), replace=False).tolist() for _ in range(m)]
    sets = NodeSets.from_iterable(edges)
    adj = clique_expansion(sets, n)
    cliques = maximal_cliques(adj)
    # candidates: all maximal cliques plus every 2- and 3-subset of the larger ones
    subs = []
    for k in (1, 2, 3):
        for size in range(k + 1, int(cliques.sizes.max()) + 1):
            _, rows = cliques.rows_of_size(size)
            if rows.size:
                subs += [tuple(r) for r in k_subsets(rows, k).tolist()]
    subs = sorted(set(subs) - set(cliques.to_tuples()))
    cands = NodeSets.from_iterable(list(cliques.to_tuples()) + subs)
    return adj, cliques, cands


def _brute_motif(cands, cliques, g):
    H = [set(c) for c in cliques]
    node2hes = {}
    for i, c in enumerate(H):
        for v in c:
            node2hes.setdefault(v, []).append(i)
    rows = []
    for c in cands:
        dist = {i: [] for i in range(1, 14)}
        for v in c:
            hes = node2hes[v]
            m2 = sum(1 for a, b in combinations(hes, 2) if not (H[a] & H[b]) - {v})
            dist[1].append(len(hes))
            dist[2].append(m2)
            dist[3].append(len(hes) * (len(hes) - 1) // 2 - m2)
        pairs = list(combinations(c, 2)) or [None]
        for pair in pairs:
            cnt = dict.fromkeys(range(4, 14), 0)
            if pair is not None:
                v1, v2 = pair
                hes = sorted(set(node2hes[v1]) | set(node2hes[v2]))
                for h in hes:
                    both = v1 in H[h] and v2 in H[h]
                    cnt[4] += both
                    cnt[5] += not both
                for a, b in combinations(hes, 2):
                    its = len((H[a] & H[b]) - {v1, v2}) > 0
                    c11 = v1 in H[a]
                    c12 = (not c11) or v2 in H[a]
                    c21 = v1 in H[b]
                    c22 = (not c21) or v2 in H[b]
                    f = (its, c11, c12, c21, c22)
                    s = c11 + c12 + c21 + c22
                    cnt[6] += f in ((0, 1, 0, 0, 1), (0, 0, 1, 1, 0))
                    cnt[7] += f in ((0, 1, 0, 1, 0), (0, 0, 1, 0, 1))
                    cnt[8] += f in ((1, 1, 0, 0, 1), (1, 0, 1, 1, 0))
                    cnt[9] += (not its) and s == 3
                    cnt[10] += f in ((1, 1, 0, 1, 0), (1, 0, 1, 0, 1))
                    cnt[11] += (not its) and s == 4
                    cnt[12] += its and s == 3
                    cnt[13] += its and s == 4
            for i in range(4, 14):
                dist[i].append(cnt[i])
        feat = [len(c), np.mean([g.degree[v] for v in c])]
        for i in range(1, 14):
            d = np.asarray(dist[i], dtype=float)
            feat += [d.min(), d.max(), d.mean(), d.std()]
        rows.append(feat)
    return np.asarray(rows)


@pytest.mark.parametrize("seed", [0, 1])
def test_motif_features_match_direct_counting(seed):
    adj, cliques, cands = _random_case(seed)
    g = nx.from_scipy_sparse_array(adj)
    ours = motif_features(GraphStats(adj, cliques), cands)
    ref = _brute_motif(cands.to_tuples(), cliques.to_tuples(), g)
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-9)


def test_motif_features_with_small_chunks_agree():
    from hypergraph.reconstruction.features import motif_node_edge_tables

    adj, cliques, _ = _random_case(2)
    a = motif_node_edge_tables(GraphStats(adj, cliques))
    b = motif_node_edge_tables(GraphStats(adj, cliques), rows_per_chunk=3)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_count_features_match_networkx():
    adj, cliques, cands = _random_case(4)
    g = nx.from_scipy_sparse_array(adj)
    num_max = len(cliques)
    parents = np.arange(len(cands), dtype=float) % 3
    X = count_features(GraphStats(adj, cliques), cands, num_max, parents)
    clus = nx.clustering(g)
    edge_deg = {}
    node_deg2 = {}
    for c in cliques.to_tuples():
        for e in combinations(c, 2):
            edge_deg[e] = edge_deg.get(e, 0) + 1
        for v in c:
            node_deg2[v] = node_deg2.get(v, 0) + 1
    for i, c in enumerate(cands.to_tuples()):
        s = len(c)
        ed = [edge_deg[e] for e in combinations(c, 2)]
        nbr = [np.mean([g.degree[u] for u in g[v]]) if g.degree[v] else 0.0 for v in c]
        want = [
            int(i >= num_max),
            s,
            all(d > 1 for d in ed) if s > 1 else False,
            sum(ed) / max(s * (s - 1) / 2, 1),
            np.mean([g.degree[v] for v in c]),
            np.mean(nbr),
            np.mean([node_deg2[v] for v in c]),
            np.mean([clus[v] for v in c]),
            parents[i],
        ]
        np.testing.assert_allclose(X[i], want, rtol=1e-12, atol=1e-12)
