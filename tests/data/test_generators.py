import torch

from hypergraph.data.generators import hypergraph_sbm


def homophily(h):
    e = h.hyperedge_index[1]
    lab = h.y[h.hyperedge_index[0]]
    # fraction of incidences sharing the majority label of their hyperedge
    counts = torch.zeros(h.num_hyperedges, int(h.y.max()) + 1)
    counts.index_put_((e, lab), torch.ones_like(e, dtype=torch.float), accumulate=True)
    return float(counts.max(1).values.sum() / counts.sum())


def test_hsbm_seeded_and_homophily_controls_structure():
    a = hypergraph_sbm(num_nodes=500, num_hyperedges=400, homophily=0.9, seed=1)
    b = hypergraph_sbm(num_nodes=500, num_hyperedges=400, homophily=0.9, seed=1)
    assert torch.equal(a.hyperedge_index, b.hyperedge_index) and torch.equal(a.x, b.x)
    low = hypergraph_sbm(num_nodes=500, num_hyperedges=400, homophily=0.0, seed=1)
    assert homophily(a) > 0.85 > 0.6 > homophily(low)
    assert a.num_nodes == 500 and a.num_hyperedges == 400 and a.x.shape == (500, 64)
    a.validate_structure()
