import pytest
import torch

from hypergraph.data.generators import hypergraph_sbm
from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.ops import hyperedge_degree, node_degree
from hypergraph.loader.neighbor_loader import HypergraphNeighborLoader, parse_num_neighbors
from hypergraph.nn.models.hgnn import HGNN, HGNNP


def small_graph(seed=1, n=120, m=80, weighted=True):
    hg = hypergraph_sbm(n, 3, m, mean_size=4.0, max_size=10, num_features=5, seed=seed)
    # an isolated node (drop node n-1 from every hyperedge) and an empty hyperedge (id m-1)
    hi = hg.hyperedge_index
    keep = (hi[0] != n - 1) & (hi[1] != m - 1)
    hg.hyperedge_index = hi[:, keep]
    g = torch.Generator().manual_seed(seed)
    if weighted:
        hg.hyperedge_weight = torch.rand(m, generator=g) + 0.5
    hg.hyperedge_attr = torch.randn(m, 2, generator=g)
    hg.train_mask = torch.rand(n, generator=g) < 0.5
    hg.num_classes = 3
    return hg


def incidence_set(hi):
    return set(map(tuple, hi.t().tolist()))


def star_of_hyperedges(k=10, size=8):
    """Node 0 in k hyperedges; hyperedge i = {0} + `size` private nodes (no overlap)."""
    rows, cols = [], []
    for i in range(k):
        members = [0] + list(range(1 + i * size, 1 + (i + 1) * size))
        rows += members
        cols += [i] * len(members)
    n = 1 + k * size
    return Hypergraph(
        x=torch.randn(n, 2), hyperedge_index=torch.tensor([rows, cols]), num_nodes=n, num_hyperedges=k
    )


def test_parse_num_neighbors():
    assert parse_num_neighbors([10, 5]) == [(10, 10), (5, 5)]
    assert parse_num_neighbors([[10, 3], [-1, 2]]) == [(10, 3), (-1, 2)]
    for bad in (5, [], [[1, 2, 3]], [-2], [[1, "a"]], [True]):
        with pytest.raises(ValueError):
            parse_num_neighbors(bad)


def test_exact_budgets_on_disjoint_hyperedges():
    hg = star_of_hyperedges(k=10, size=8)
    loader = HypergraphNeighborLoader(hg, [[3, 2]], batch_size=1, input_nodes=torch.tensor([0]), seed=0)
    b = next(iter(loader))
    assert b.batch_size == 1 and int(b.n_id[0]) == 0
    assert b.num_sampled_hyperedges == [3]
    members = {int(e): set(hg.hyperedge_index[0][hg.hyperedge_index[1] == e].tolist()) for e in b.e_id}
    new = set(b.n_id[1:].tolist())
    assert len(new) == b.num_sampled_nodes[1] and b.num_sampled_nodes[0] == 1
    assert new <= set().union(*members.values())
    for s in members.values():  # 2 members drawn per hyperedge; one of them may be node 0 itself
        assert 1 <= len(new & s) <= 2
    # budgets larger than the rows take everything
    b = next(iter(HypergraphNeighborLoader(hg, [[20, 20]], input_nodes=torch.tensor([0]))))
    assert b.num_nodes == hg.num_nodes and b.num_hyperedges == 10


def test_sampling_is_roughly_uniform():
    hg = star_of_hyperedges(k=10, size=8)
    counts = torch.zeros(10)
    member_counts = torch.zeros(hg.num_nodes)
    loader = HypergraphNeighborLoader(hg, [[3, 2]], input_nodes=torch.tensor([0]), seed=0)
    for _ in range(300):  # each iteration is a new epoch: new draws
        b = next(iter(loader))
        counts[b.e_id] += 1
        member_counts[b.n_id[1:]] += 1
    assert counts.sum() == 900
    assert counts.min() > 60 and counts.max() < 120  # expectation 90 each
    # each private member is drawn with probability 0.3 * 2/8: 22.5 expected in 300 epochs
    assert member_counts[1:].min() > 5 and member_counts[1:].max() < 45


@pytest.mark.parametrize("num_neighbors", [[[2, 3], [1, 2]], [2, 2], [[-1, 1], [1, -1]]])
def test_batches_respect_budgets_and_true_neighbourhoods(num_neighbors):
    hg = small_graph()
    hops = parse_num_neighbors(num_neighbors)
    full = incidence_set(hg.hyperedge_index)
    node_edges = {}
    for v, e in full:
        node_edges.setdefault(v, set()).add(e)
    loader = HypergraphNeighborLoader(hg, num_neighbors, batch_size=9, shuffle=True, seed=3)
    for b in loader:
        n_id, e_id = b.n_id.tolist(), b.e_id.tolist()
        assert len(set(n_id)) == len(n_id) and len(set(e_id)) == len(e_id)
        assert sum(b.num_sampled_nodes) == b.num_nodes and sum(b.num_sampled_hyperedges) == b.num_hyperedges
        # the batch holds exactly the full hypergraph's incidences among its nodes and hyperedges
        got = {(n_id[v], e_id[e]) for v, e in b.hyperedge_index.t().tolist()}
        ns, es = set(n_id), set(e_id)
        assert got == {(v, e) for v, e in full if v in ns and e in es}
        b.validate_structure()
        # hop by hop: hyperedges touch the frontier, new nodes are their members, within budget
        nv, ne = 0, 0
        frontier = n_id[: b.num_sampled_nodes[0]]
        nv = len(frontier)
        for h, (k_e, k_v) in enumerate(hops):
            hop_e = e_id[ne : ne + b.num_sampled_hyperedges[h]]
            ne += len(hop_e)
            reach = set().union(*(node_edges.get(v, set()) for v in frontier)) if frontier else set()
            assert set(hop_e) <= reach
            if k_e >= 0:
                assert len(hop_e) <= k_e * len(frontier)
            new = n_id[nv : nv + b.num_sampled_nodes[h + 1]]
            nv += len(new)
            hop_members = {v for v, e in full if e in set(hop_e)}
            assert set(new) <= hop_members
            if k_v >= 0:
                assert len(new) <= k_v * len(hop_e)
            frontier = new


@pytest.mark.parametrize("model_cls", [HGNN, HGNNP])
@pytest.mark.parametrize("batch_size, shuffle", [(120, True), (7, False), (16, True)])
def test_whole_neighbourhoods_reproduce_full_batch(model_cls, batch_size, shuffle):
    hg = small_graph()
    torch.manual_seed(0)
    model = model_cls(5, 8, 3, num_layers=2).eval()
    full = model(hg.x, hg.hyperedge_index, hg.hyperedge_weight, hg.num_hyperedges)
    loader = HypergraphNeighborLoader(hg, [-1, -1], batch_size=batch_size, shuffle=shuffle, seed=0)
    seen = []
    for b in loader:
        out = model(
            b.x,
            b.hyperedge_index,
            b.hyperedge_weight,
            b.num_hyperedges,
            node_degree=b.node_degree,
            hyperedge_degree=b.hyperedge_degree,
        )
        seeds = b.n_id[: b.batch_size]
        assert torch.allclose(out[: b.batch_size], full[seeds], atol=1e-5)
        assert not torch.isnan(out).any()
        seen.append(seeds)
    assert torch.equal(torch.sort(torch.cat(seen)).values, torch.arange(hg.num_nodes))


def test_degrees_matter_on_partial_batches():
    """Without the full-graph degrees, a subset batch normalises boundary nodes differently."""
    hg = small_graph()
    torch.manual_seed(0)
    model = HGNN(5, 8, 3).eval()
    full = model(hg.x, hg.hyperedge_index, hg.hyperedge_weight, hg.num_hyperedges)
    b = next(iter(HypergraphNeighborLoader(hg, [-1, -1], batch_size=3, seed=0)))
    assert b.num_nodes < hg.num_nodes
    local = model(b.x, b.hyperedge_index, b.hyperedge_weight, b.num_hyperedges)
    assert not torch.allclose(local[: b.batch_size], full[b.n_id[: b.batch_size]], atol=1e-5)


def test_attributes_and_full_degrees_travel():
    hg = small_graph()
    loader = HypergraphNeighborLoader(hg, [[2, 2], [2, 2]], batch_size=10, shuffle=True, seed=5)
    dv = node_degree(hg.hyperedge_index, hg.num_nodes, hg.hyperedge_weight)
    de = hyperedge_degree(hg.hyperedge_index, hg.num_hyperedges)
    for b in loader:
        assert torch.equal(b.x, hg.x[b.n_id]) and torch.equal(b.y, hg.y[b.n_id])
        assert torch.equal(b.train_mask, hg.train_mask[b.n_id])
        assert torch.equal(b.hyperedge_weight, hg.hyperedge_weight[b.e_id])
        assert torch.equal(b.hyperedge_attr, hg.hyperedge_attr[b.e_id])
        assert torch.allclose(b.node_degree, dv[b.n_id]) and torch.equal(b.hyperedge_degree, de[b.e_id])
        assert b.num_classes == 3
        assert b.num_sampled_nodes[0] == b.batch_size


def test_same_seed_same_batches_and_epochs_differ():
    hg = small_graph()

    def run(seed, epochs=2, **kw):
        loader = HypergraphNeighborLoader(hg, [[2, 2], [1, 3]], batch_size=16, seed=seed, **kw)
        return [[(b.n_id, b.e_id, b.hyperedge_index) for b in loader] for _ in range(epochs)]

    a, b = run(7, shuffle=True), run(7, shuffle=True)
    for ea, eb in zip(a, b):
        for (na, ea_, ha), (nb, eb_, hb) in zip(ea, eb):
            assert torch.equal(na, nb) and torch.equal(ea_, eb_) and torch.equal(ha, hb)
    c = run(8, shuffle=True)
    assert any(not torch.equal(x[0], y[0]) for x, y in zip(a[0], c[0]))
    d = run(7, shuffle=False)  # same seed nodes per batch, new draws per epoch
    assert all(torch.equal(x[0][:bs], y[0][:bs]) for x, y, bs in zip(d[0], d[1], [16] * 7 + [8]))
    assert any(not torch.equal(x[0], y[0]) for x, y in zip(d[0], d[1]))


def test_workers_give_the_same_batches():
    hg = small_graph()
    kw = dict(num_neighbors=[[2, 2], [2, 2]], batch_size=30, shuffle=True, seed=1)
    a = [b.n_id for b in HypergraphNeighborLoader(hg, **kw)]
    b = [b.n_id for b in HypergraphNeighborLoader(hg, num_workers=2, **kw)]
    assert len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


def test_isolated_seed_and_empty_hyperedge():
    hg = small_graph()
    n, m = hg.num_nodes, hg.num_hyperedges
    loader = HypergraphNeighborLoader(hg, [-1, -1], input_nodes=torch.tensor([n - 1]), seed=0)
    b = next(iter(loader))
    assert b.num_nodes == 1 and b.num_hyperedges == 0 and b.hyperedge_index.shape == (2, 0)
    assert b.node_degree.tolist() == [0.0]
    model = HGNN(5, 4, 3).eval()
    out = model(
        b.x,
        b.hyperedge_index,
        b.hyperedge_weight,
        b.num_hyperedges,
        node_degree=b.node_degree,
        hyperedge_degree=b.hyperedge_degree,
    )
    assert torch.allclose(out, model.convs[-1].bias.expand(1, -1))
    all_e = torch.cat([b.e_id for b in HypergraphNeighborLoader(hg, [-1, -1], batch_size=50)])
    assert m - 1 not in all_e.tolist()  # the empty hyperedge is never reached


def test_input_nodes_and_errors():
    hg = small_graph()
    mask = torch.zeros(hg.num_nodes, dtype=torch.bool)
    mask[[3, 5, 8]] = True
    loader = HypergraphNeighborLoader(hg, [1], batch_size=2, input_nodes=mask)
    assert len(loader) == 2
    assert torch.cat([b.n_id[: b.batch_size] for b in loader]).tolist() == [3, 5, 8]
    with pytest.raises(ValueError, match="distinct"):
        HypergraphNeighborLoader(hg, [1], input_nodes=torch.tensor([1, 1]))
    with pytest.raises(ValueError, match="lie in"):
        HypergraphNeighborLoader(hg, [1], input_nodes=torch.tensor([hg.num_nodes]))
    with pytest.raises(ValueError, match="mask"):
        HypergraphNeighborLoader(hg, [1], input_nodes=torch.ones(3, dtype=torch.bool))
    with pytest.raises(TypeError, match="collate_fn"):
        HypergraphNeighborLoader(hg, [1], collate_fn=list)


def test_batch_attribute_validation():
    hg = small_graph()
    b = next(iter(HypergraphNeighborLoader(hg, [2], batch_size=4)))
    b.validate_structure()
    b.node_degree = torch.ones(b.num_nodes + 1)
    with pytest.raises(ValueError, match="node_degree"):
        b.validate_structure()
    b.node_degree = -torch.ones(b.num_nodes)
    with pytest.raises(ValueError, match="non-negative"):
        b.validate_structure()
    b.node_degree = torch.ones(b.num_nodes)
    b.batch_size = b.num_nodes + 1
    with pytest.raises(ValueError, match="batch_size"):
        b.validate_structure()
