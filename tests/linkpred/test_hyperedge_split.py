import pytest
import torch

from hypergraph.data import Hypergraph
from hypergraph.data.construct import from_node_sets
from hypergraph.data.generators import hypergraph_sbm
from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import isin_keys
from hypergraph.data.transforms import hyperedge_keys
from hypergraph.linkpred import make_sampler, split_hyperedges
from hypergraph.linkpred.negative import projected_adjacency
from hypergraph.linkpred.scores import classic_scores


def obs_keys(h: Hypergraph) -> torch.Tensor:
    return hyperedge_keys(h.hyperedge_index, h.num_nodes, h.num_hyperedges)


@pytest.fixture(scope="module")
def hg():
    h = hypergraph_sbm(num_nodes=300, num_hyperedges=600, mean_size=3.0, seed=2)
    # duplicate 50 hyperedges: a node set must land in one split only
    dup = h.hyperedge_index[:, h.hyperedge_index[1] < 50]
    hi = torch.cat([h.hyperedge_index, torch.stack([dup[0], dup[1] + 600])], dim=1)
    return Hypergraph(x=h.x, y=h.y, hyperedge_index=hi, num_nodes=300, num_hyperedges=650)


def test_observed_structure_holds_no_held_out_hyperedge(hg):
    s = split_hyperedges(hg, 0.1, 0.2, seed=0)
    n = hg.num_nodes
    observed = obs_keys(s.observed)
    for held in (s.val, s.test):
        assert held.num_sets > 0
        assert not isin_keys(held.keys(n), observed).any(), "held-out hyperedge in message passing"
    assert not isin_keys(s.val.keys(n), s.test.keys(n)).any()
    distinct = torch.unique(obs_keys(hg), dim=0).size(0)
    assert s.observed.num_hyperedges + s.val.num_sets + s.test.num_sets == distinct
    assert torch.equal(s.observed.x, hg.x)


def test_temporal_split_holds_out_the_latest():
    h = from_node_sets([[0, 1], [1, 2], [2, 3], [3, 4], [0, 1], [4, 5]], num_nodes=6)
    times = torch.tensor([5.0, 1.0, 2.0, 3.0, 0.0, 9.0])
    s = split_hyperedges(h, 0.2, 0.2, times=times)
    assert s.test.to_tuples() == [(4, 5)] and s.val.to_tuples() == [(3, 4)]
    with pytest.raises(ValueError, match="times has 2 entries"):
        split_hyperedges(h, times=torch.ones(2))


@pytest.mark.parametrize("name", ["sns", "mns", "cns"])
def test_negatives_are_never_positive_and_unique(hg, name):
    s = split_hyperedges(hg, 0.1, 0.2, seed=1)
    exclude = s.all_positive_keys()
    sampler = make_sampler(name, s.observed, exclude)
    neg = sampler.sample(s.test, seed=3)
    keys = neg.keys(hg.num_nodes)
    assert neg.num_sets >= 0.8 * s.test.num_sets
    assert not isin_keys(keys, torch.cat([obs_keys(hg), exclude])).any(), "a negative equals a true hyperedge"
    assert torch.unique(keys, dim=0).size(0) == neg.num_sets, "duplicate negatives"
    assert (neg.sizes >= 2).all()
    if name == "cns":  # every CNS negative is a clique of the observed projection
        A = projected_adjacency(s.observed).toarray()
        for members in neg.to_tuples()[:50]:
            sub = A[list(members)][:, list(members)]
            assert (sub + torch.eye(len(members)).numpy() > 0).all()


def test_sampler_cap_and_unknown():
    h = hypergraph_sbm(num_nodes=100, num_hyperedges=100, seed=0)
    s = split_hyperedges(h, 0.1, 0.3)
    neg = make_sampler("sns", s.observed, s.all_positive_keys(), max_candidates=5).sample(s.test)
    assert neg.num_sets == 5
    with pytest.raises(KeyError, match="unknown negative sampler"):
        make_sampler("xns", s.observed, s.all_positive_keys())


def test_classic_scores_by_hand():
    observed = from_node_sets([[0, 1, 2], [0, 1], [2, 3], [1, 3]], num_nodes=5)
    cands = NodeSets.from_iterable([[0, 1], [0, 3], [1, 2, 3], [0, 4]])
    sc = classic_scores(observed, cands)
    # projection: 0-1 (w2), 0-2, 1-2, 2-3, 1-3 (w1 each)
    assert sc["common_neighbors"].tolist() == [1.0, 2.0, 0.0, 0.0]  # {0,1}: 2; {0,3}: 1 and 2
    assert sc["arithmetic_mean"].tolist() == pytest.approx([2.0, 0.0, 1.0, 0.0])
    assert sc["harmonic_mean"].tolist() == pytest.approx([2.0, 0.0, 1.0, 0.0])
    assert sc["geometric_mean"].tolist() == pytest.approx([2.0, 0.0, 1.0, 0.0])
    import math

    assert sc["adamic_adar"][1].item() == pytest.approx(1 / math.log(3) + 1 / math.log(3))


def test_task_runs_leak_free(tmp_path):
    from hypergraph.train import load_config, run

    cfg = load_config(
        None,
        [
            "task=hyperedge_prediction",
            "dataset.name=synthetic_hsbm",
            "dataset.num_nodes=300",
            "dataset.num_hyperedges=300",
            "trainer.max_epochs=3",
            "trainer.enable_progress_bar=false",
            f"run_dir={tmp_path}",
        ],
    )
    res = run(cfg)
    m = res["per_seed"][0]
    assert {"test_sns_auc", "test_mns_ap", "test_cns_hits@50", "test_auc"} <= set(m)
    assert all(0.0 <= v <= 1.0 for v in m.values())
