import pytest
import torch

from hypergraph.data.stats import hyperedge_homophily, neighbourhood_vote
from hypergraph.data.transforms import clique_expansion

# node 5 isolated, node 4 only in a singleton, hyperedge 4 empty
HI = torch.tensor([[0, 1, 2, 2, 3, 4, 1], [0, 0, 0, 1, 1, 2, 3]])
Y = torch.tensor([0, 0, 1, 1, 0, 1])


def test_hyperedge_homophily_by_hand():
    h = hyperedge_homophily(HI, Y, 5)
    assert torch.allclose(h[:4], torch.tensor([2 / 3, 1.0, 1.0, 1.0], dtype=torch.float64))
    assert torch.isnan(h[4])


def test_neighbourhood_vote_by_hand():
    # node 0: others in {0,1,2} are labels 0, 1 (a tie: class 0); node 2: {0,1} -> 0 and {3} -> 1,
    # a tie again; node 3: {2} -> 1; node 4: only a singleton; node 5: no hyperedge
    assert neighbourhood_vote(HI, Y, 5).tolist() == [0, 0, 0, 1, -1, -1]


def _vote_loop(hi, y, m, p=0.0, mean=True):
    members = [[] for _ in range(m)]
    for v, e in hi.t().tolist():
        members[e].append(v)
    c = int(y.max()) + 1
    out = []
    for v in range(y.numel()):
        score, any_ = [0.0] * c, False
        for e in range(m):
            for _ in range(members[e].count(v)):
                others = list(members[e])
                others.remove(v)
                if not others:
                    continue
                any_ = True
                for u in others:
                    score[int(y[u])] += len(members[e]) ** p / (len(others) if mean else 1)
        out.append(max(range(c), key=lambda k: (score[k], -k)) if any_ else -1)
    return out


def test_neighbourhood_vote_equals_a_per_node_loop():
    g = torch.Generator().manual_seed(0)
    n, m, nnz = 30, 40, 120
    hi = torch.stack([torch.randint(0, n, (nnz,), generator=g), torch.randint(0, m, (nnz,), generator=g)])
    y = torch.randint(0, 4, (n,), generator=g)
    assert neighbourhood_vote(hi, y, m).tolist() == _vote_loop(hi, y, m)
    assert neighbourhood_vote(hi, y, m, size_power=-1.5).tolist() == _vote_loop(hi, y, m, -1.5)
    assert neighbourhood_vote(hi, y, m, mean=False).tolist() == _vote_loop(hi, y, m, mean=False)
    assert neighbourhood_vote(hi, y, m, 0.5, mean=False).tolist() == _vote_loop(hi, y, m, 0.5, False)


def test_the_sum_vote_is_the_clique_expansion_vote():
    """``mean=False``: each neighbour weighs the number of hyperedges it shares with the node, the
    pair weight of the weighted clique expansion."""
    g = torch.Generator().manual_seed(1)
    n, m, nnz = 25, 12, 90
    hi = torch.stack([torch.randint(0, n, (nnz,), generator=g), torch.randint(0, m, (nnz,), generator=g)])
    hi = torch.unique(hi, dim=1)  # no repeated incidence: the expansion counts a pair once per hyperedge
    y = torch.randint(0, 3, (n,), generator=g)
    ei, ew = clique_expansion(hi, n, m)
    score = torch.zeros(n, 3, dtype=torch.float64).index_put_((ei[1], y[ei[0]]), ew.double(), accumulate=True)
    linked = torch.zeros(n, dtype=torch.bool).index_fill_(0, ei[1], True)
    expected = torch.where(linked, score.argmax(1), -1)
    assert torch.equal(neighbourhood_vote(hi, y, m, mean=False), expected)
    # node 0 shares two pairs with node 1 (class 1) and one 4-set with three nodes of class 2: the
    # mean vote weighs each hyperedge alike (class 1: 2 against 1), the sum each neighbour (2 against 3)
    hi = torch.tensor([[0, 1, 0, 1, 0, 2, 3, 4], [0, 0, 1, 1, 2, 2, 2, 2]])
    y = torch.tensor([0, 1, 2, 2, 2])
    assert neighbourhood_vote(hi, y, 3)[0] == 1
    assert neighbourhood_vote(hi, y, 3, mean=False)[0] == 2


def test_a_heterophilous_hypergraph_votes_wrong():
    """Balanced two-class hyperedges: leaving a node out leaves the other class in the majority."""
    hi = torch.tensor([[0, 1, 2, 3, 0, 1, 2, 3], [0, 0, 0, 0, 1, 1, 1, 1]])
    y = torch.tensor([0, 1, 0, 1])
    assert (neighbourhood_vote(hi, y) != y).all()
    assert torch.equal(hyperedge_homophily(hi, y), torch.full((2,), 0.5, dtype=torch.float64))


def test_bad_labels_are_refused():
    with pytest.raises(ValueError, match="negative label"):
        neighbourhood_vote(HI, torch.tensor([0, -1, 1, 1, 0, 1]))
    with pytest.raises(ValueError, match="node id 4 but y has 3"):
        hyperedge_homophily(HI, torch.tensor([0, 1, 1]))
    with pytest.raises(ValueError, match="hyperedge id 3 but num_hyperedges is 3"):
        hyperedge_homophily(HI, Y, num_hyperedges=3)
    with pytest.raises(ValueError, match="negative id"):
        neighbourhood_vote(torch.tensor([[0, 1], [0, -1]]), Y[:2], num_hyperedges=1)
    with pytest.raises(ValueError, match="integer label"):
        hyperedge_homophily(HI, Y.float())
