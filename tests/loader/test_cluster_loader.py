import sys

import pytest
import torch

import hypergraph.loader.partition as partition_mod
from hypergraph.data.generators import hypergraph_sbm
from hypergraph.data.ops import hyperedge_degree
from hypergraph.loader.cluster_loader import HypergraphClusterLoader
from hypergraph.loader.partition import partition_nodes, partition_quality, resolve_expansion


@pytest.fixture
def hg():
    g = hypergraph_sbm(300, 4, 200, mean_size=4.0, num_features=3, homophily=0.9, seed=2)
    g.hyperedge_weight = torch.rand(200, generator=torch.Generator().manual_seed(0)) + 0.5
    return g


@pytest.fixture
def no_pymetis(monkeypatch):
    monkeypatch.setitem(sys.modules, "pymetis", None)  # `import pymetis` raises ImportError


@pytest.mark.parametrize("method", ["bfs", "random", "auto"])
def test_batches_cover_every_node_once_per_epoch(hg, tmp_path, method):
    loader = HypergraphClusterLoader(
        hg, num_parts=7, parts_per_batch=2, seed=0, method=method, cache_dir=tmp_path
    )
    assert len(loader) == 4
    full = set(map(tuple, hg.hyperedge_index.t().tolist()))
    sizes = hyperedge_degree(hg.hyperedge_index, hg.num_hyperedges)
    orders = []
    for _ in range(2):
        ids = []
        for b in loader:
            n_id, e_id = b.n_id.tolist(), b.e_id.tolist()
            ids += n_id
            assert b.batch_size == b.num_nodes
            # incidences: every full incidence of a batch node; hyperedges: those touching the batch
            got = {(n_id[v], e_id[e]) for v, e in b.hyperedge_index.t().tolist()}
            assert got == {(v, e) for v, e in full if v in set(n_id)}
            assert len(set(e_id)) == len(e_id) == len({e for _, e in got})
            assert torch.equal(b.hyperedge_weight, hg.hyperedge_weight[b.e_id])
            assert torch.equal(b.hyperedge_degree, sizes[b.e_id])
            assert torch.equal(b.x, hg.x[b.n_id])
            b.validate_structure()
        assert sorted(ids) == list(range(hg.num_nodes))
        orders.append(ids)
    assert orders[0] != orders[1]  # reshuffled per epoch


def test_same_seed_same_batches(hg, tmp_path):
    def run(seed):
        loader = HypergraphClusterLoader(
            hg, 6, parts_per_batch=2, seed=seed, method="bfs", cache_dir=tmp_path
        )
        return [b.n_id for _ in range(2) for b in loader]

    a, b, c = run(1), run(1), run(2)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert any(not torch.equal(x, y) for x, y in zip(a, c))


@pytest.mark.parametrize("parts_per_batch,padded,per_rank", [(2, 0, 2), (1, 1, 4)])
def test_ddp_ranks_split_each_epoch(hg, tmp_path, parts_per_batch, padded, per_rank):
    """world_size=2: the ranks' batches are disjoint and cover every node (7 parts, 2 per batch:
    4 batches, 2 each; 1 per batch: 7 batches padded to 8 by repeating the epoch's first)."""
    kw = dict(num_parts=7, parts_per_batch=parts_per_batch, seed=3, method="bfs", cache_dir=tmp_path)
    ranks = [HypergraphClusterLoader(hg, **kw, rank=r, world_size=2) for r in range(2)]
    assert len(ranks[0]) == len(ranks[1]) == per_rank
    epochs = []
    for _ in range(2):
        batches = [list(loader) for loader in ranks]
        assert len(batches[0]) == len(batches[1]) == per_rank
        nodes = [torch.cat([b.n_id for b in bs]).tolist() for bs in batches]
        parts = [torch.cat([b.part_id for b in bs]).tolist() for bs in batches]
        assert sorted(set(nodes[0]) | set(nodes[1])) == list(range(hg.num_nodes))
        assert len(nodes[0]) + len(nodes[1]) == hg.num_nodes + sum(
            b.num_nodes for b in batches[1][len(batches[1]) - padded :]
        )
        if padded:  # rank 1's last batch repeats the epoch's first batch (rank 0's first)
            assert torch.equal(batches[1][-1].part_id, batches[0][0].part_id)
            parts[1] = parts[1][:-1]
        assert not set(parts[0]) & set(parts[1]) and len(parts[0]) + len(parts[1]) == 7
        epochs.append(parts)
    assert epochs[0] != epochs[1]  # a new order each epoch, the same on both ranks
    order = ranks[0].batch_sampler.sampler
    order.set_epoch(0)  # what Lightning calls at an epoch start: epoch 0 again
    assert torch.cat([b.part_id for b in ranks[0]]).tolist() == epochs[0][0]


def test_ddp_arguments_are_checked(hg, tmp_path):
    kw = dict(num_parts=4, method="bfs", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="rank"):
        HypergraphClusterLoader(hg, **kw, seed=0, rank=2, world_size=2)
    with pytest.raises(ValueError, match="seed"):
        HypergraphClusterLoader(hg, **kw, seed=None, rank=0, world_size=2)
    more_ranks_than_batches = HypergraphClusterLoader(
        hg, **kw, parts_per_batch=4, seed=0, rank=2, world_size=3
    )
    (batch,) = list(more_ranks_than_batches)  # a padding batch: the whole (only) batch again
    assert batch.num_nodes == hg.num_nodes


def test_partition_cache_written_atomically_and_reused(hg, tmp_path, monkeypatch):
    kw = dict(num_parts=5, method="bfs", expansion="star", seed=0, cache_dir=tmp_path)
    part = partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, **kw)
    files = list((tmp_path / "partitions").iterdir())
    assert len(files) == 1 and files[0].suffix == ".pt"  # no temporary file left behind

    def boom(*args, **kwargs):
        raise AssertionError("partition recomputed instead of read from the cache")

    monkeypatch.setattr(partition_mod, "_partition", boom)
    again = partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, **kw)
    assert torch.equal(part, again)
    loader = HypergraphClusterLoader(hg, 5, method="bfs", expansion="star", seed=0, cache_dir=tmp_path)
    assert torch.equal(loader.part, part)
    with pytest.raises(AssertionError, match="recomputed"):  # another key: not in the cache
        partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, **{**kw, "num_parts": 6})


def test_interrupted_cache_write_leaves_no_file(hg, tmp_path, monkeypatch):
    def failing_save(obj, f):
        f.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(partition_mod.torch, "save", failing_save)
    with pytest.raises(KeyboardInterrupt):
        partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, 4, "bfs", cache_dir=tmp_path)
    assert list((tmp_path / "partitions").iterdir()) == []


def test_corrupt_cache_file_is_recomputed(hg, tmp_path):
    kw = dict(num_parts=4, method="random", seed=0, cache_dir=tmp_path)
    part = partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, **kw)
    (path,) = (tmp_path / "partitions").iterdir()
    path.write_bytes(b"not a torch file")
    assert torch.equal(partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, **kw), part)


def test_fallback_without_pymetis(hg, tmp_path, no_pymetis):
    assert partition_mod.resolve_method("auto") == "bfs"
    with pytest.raises(ImportError, match="pymetis"):
        partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, 4, "metis", cache=False)
    P = 6
    part = partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, P, cache_dir=tmp_path)
    size = torch.bincount(part, minlength=P)
    assert int(size.min()) >= 0.95 * hg.num_nodes / P - 1 and int(size.max()) <= 1.05 * hg.num_nodes / P + 1
    rand = partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, P, "random", cache=False)
    q, q_rand = (partition_quality(hg.hyperedge_index, p, hg.num_hyperedges) for p in (part, rand))
    assert q > 2 * q_rand  # far better than chance on a homophilous HSBM
    loader = HypergraphClusterLoader(hg, P, cache_dir=tmp_path, seed=0)  # "auto" works without METIS
    assert sorted(torch.cat([b.n_id for b in loader]).tolist()) == list(range(hg.num_nodes))


@pytest.mark.parametrize("expansion", ["clique", "star"])
def test_metis_partition(hg, expansion):
    pytest.importorskip("pymetis")
    P = 5
    part = partition_nodes(
        hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, P, "metis", expansion, cache=False
    )
    assert part.shape == (hg.num_nodes,) and int(part.min()) >= 0 and int(part.max()) < P
    rand = partition_nodes(hg.hyperedge_index, hg.num_nodes, hg.num_hyperedges, P, "random", cache=False)
    q, q_rand = (partition_quality(hg.hyperedge_index, p, hg.num_hyperedges) for p in (part, rand))
    assert q > 2 * q_rand


def test_partition_edge_cases_and_errors(hg):
    hi = hg.hyperedge_index
    assert torch.equal(
        partition_nodes(hi, hg.num_nodes, hg.num_hyperedges, 1, "bfs", cache=False),
        torch.zeros(hg.num_nodes, dtype=torch.long),
    )
    with pytest.raises(ValueError, match="num_parts"):
        partition_nodes(hi, hg.num_nodes, hg.num_hyperedges, 0, cache=False)
    with pytest.raises(ValueError, match="exceeds"):
        partition_nodes(hi, hg.num_nodes, hg.num_hyperedges, hg.num_nodes + 1, cache=False)
    with pytest.raises(ValueError, match="unknown partition method"):
        partition_nodes(hi, hg.num_nodes, hg.num_hyperedges, 2, "spectral", cache=False)
    with pytest.raises(ValueError, match="unknown expansion"):
        resolve_expansion(hi, hg.num_hyperedges, "line")
    # a hypergraph with isolated nodes and an empty hyperedge partitions and loads
    sub = hi[:, hi[0] >= 20]
    part = partition_nodes(sub, hg.num_nodes, hg.num_hyperedges + 1, 4, "bfs", "star", cache=False)
    assert torch.bincount(part, minlength=4).min() > 0
    assert partition_quality(torch.tensor([[0], [0]]), torch.tensor([0]), 1) == 1.0
