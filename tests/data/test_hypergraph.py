import copy
import pickle

import pytest
import torch
from torch_geometric.loader import DataLoader

from hypergraph.data import Hypergraph, incidence_matrix


def small(weight=None):
    hi = torch.tensor([[0, 1, 2, 1, 3], [0, 0, 0, 1, 1]])
    return Hypergraph(x=torch.randn(5, 2), hyperedge_index=hi, num_hyperedges=3, hyperedge_weight=weight)


def test_explicit_counts_kept():
    h = small()
    assert h.num_nodes == 5  # node 4 isolated, still counted
    assert h.num_hyperedges == 3  # hyperedge 2 empty, still counted
    assert h.num_incidences == 5


def test_counts_are_never_guessed():
    hi = torch.tensor([[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="num_nodes"):
        Hypergraph(hyperedge_index=hi, num_hyperedges=1)
    with pytest.raises(ValueError, match="num_hyperedges"):
        Hypergraph(hyperedge_index=hi, num_nodes=2)


@pytest.mark.parametrize(
    "hi, n, m, kw, match",
    [
        (torch.tensor([[0, 5], [0, 0]]), 5, 1, {}, "node id 5 .* out of range"),
        (torch.tensor([[0, -1], [0, 0]]), 5, 1, {}, "negative node id -1"),
        (torch.tensor([[0, 1], [0, 3]]), 5, 2, {}, "hyperedge id 3 .* not in"),
        (torch.tensor([[0, 1], [0, -2]]), 5, 2, {}, "hyperedge id -2"),
        (
            torch.tensor([[0, 0], [1, 1]]),
            5,
            2,
            {},
            "duplicate incidence: node 0 appears twice in hyperedge 1",
        ),
        (torch.tensor([[0, 1], [0, 0]]).int(), 5, 1, {}, "int64"),
        (torch.tensor([0, 1]), 5, 1, {}, r"shape \[2, nnz\]"),
        (
            torch.tensor([[0, 1], [0, 0]]),
            5,
            2,
            {"hyperedge_weight": torch.tensor([1.0, float("nan")])},
            "NaN",
        ),
        (
            torch.tensor([[0, 1], [0, 0]]),
            5,
            2,
            {"hyperedge_weight": torch.tensor([1.0, float("inf")])},
            "infinite",
        ),
        (
            torch.tensor([[0, 1], [0, 0]]),
            5,
            2,
            {"hyperedge_weight": torch.ones(3)},
            "hyperedge_weight must have shape",
        ),
        (
            torch.tensor([[0, 1], [0, 0]]),
            5,
            2,
            {"hyperedge_attr": torch.ones(3, 2)},
            "hyperedge_attr has 3 rows",
        ),
        (torch.tensor([[0, 1], [0, 0]]), 5, 2, {"x": torch.ones(4, 2)}, "x has 4 rows"),
        (torch.tensor([[0, 1], [0, 0]]), 5, 2, {"allow_empty_hyperedges": False}, "hyperedge 1 is empty"),
    ],
)
def test_bad_input_errors(hi, n, m, kw, match):
    with pytest.raises(ValueError, match=match):
        Hypergraph(hyperedge_index=hi, num_nodes=n, num_hyperedges=m, **kw)


def test_more_hyperedges_than_nodes_and_singletons_valid():
    hi = torch.tensor([[0, 1, 0, 1, 0], [0, 1, 2, 2, 3]])
    h = Hypergraph(hyperedge_index=hi, num_nodes=2, num_hyperedges=5)
    assert h.num_hyperedges == 5 and h.num_nodes == 2


def test_batch_is_block_diagonal():
    a = Hypergraph(
        x=torch.randn(3, 2), hyperedge_index=torch.tensor([[0, 1, 2], [0, 0, 1]]), num_hyperedges=3
    )
    b = Hypergraph(
        x=torch.randn(2, 2), hyperedge_index=torch.tensor([[0, 1, 1], [0, 0, 1]]), num_hyperedges=2
    )
    batch = next(iter(DataLoader([a, b], batch_size=2)))
    assert batch.num_nodes == 5 and batch.num_hyperedges == 5
    H = incidence_matrix(batch.hyperedge_index, batch.num_nodes, batch.num_hyperedges).to_dense()
    Ha = incidence_matrix(a.hyperedge_index, 3, 3).to_dense()
    Hb = incidence_matrix(b.hyperedge_index, 2, 2).to_dense()
    assert torch.equal(H, torch.block_diag(Ha, Hb))
    back = batch.get_example(1)
    assert torch.equal(back.hyperedge_index, b.hyperedge_index) and back.num_hyperedges == 2
    assert torch.equal(batch.batch, torch.tensor([0, 0, 0, 1, 1]))


def test_operator_cache_and_invalidation():
    h = small(torch.tensor([1.0, 2.0, 3.0]))
    op = h.operator("hgnn")
    assert h.operator("hgnn") is op
    assert h.operator("hgnnp") is not op
    h.hyperedge_weight.mul_(2)  # in-place change
    op2 = h.operator("hgnn")
    assert op2 is not op
    h.hyperedge_index = h.hyperedge_index.clone()  # replaced
    assert h.operator("hgnn") is not op2


def test_copy_and_pickle_drop_cache():
    h = small()
    h.operator()
    for c in (copy.copy(h), copy.deepcopy(h), pickle.loads(pickle.dumps(h))):
        assert "_operator_cache" not in c.__dict__
        assert c.num_hyperedges == 3
        assert torch.allclose(c.operator().to_dense(), h.operator().to_dense())


# ------------------------------------------------------------ silently wrong inputs (issue 14)
def test_nan_features_rejected_naming_the_row():
    x = torch.randn(5, 3)
    x[3, 1] = float("nan")
    with pytest.raises(ValueError, match=r"x\[3\] \(node 3\) hold a non-finite value \(nan\)"):
        Hypergraph(x=x, hyperedge_index=torch.tensor([[0, 1], [0, 0]]), num_hyperedges=1)
    x[3, 1] = float("-inf")
    with pytest.raises(ValueError, match=r"x\[3\]"):
        Hypergraph(x=x, hyperedge_index=torch.tensor([[0, 1], [0, 0]]), num_hyperedges=1)
    sparse = torch.sparse_coo_tensor(torch.tensor([[4], [0]]), torch.tensor([float("inf")]), (5, 3))
    with pytest.raises(ValueError, match=r"x\[4\]"):
        Hypergraph(x=sparse, hyperedge_index=torch.tensor([[0, 1], [0, 0]]), num_hyperedges=1)
    h = small()
    bad = torch.zeros(5, 2)
    bad[2, 0] = float("nan")
    with pytest.raises(ValueError, match=r"x\[2\]"):
        h.x = bad  # assigned after construction
    assert torch.isfinite(h.x).all()
    # integer features are fine, and validate=False skips the check
    Hypergraph(
        x=torch.ones(2, 2, dtype=torch.long), hyperedge_index=torch.tensor([[0], [0]]), num_hyperedges=1
    )
    x[3, 1] = float("nan")
    Hypergraph(x=x, hyperedge_index=torch.tensor([[0], [0]]), num_hyperedges=1, validate=False)


@pytest.mark.parametrize(
    "w, match",
    [
        (torch.tensor([1.0, -0.5, 1.0]), r"hyperedge_weight\[1\] is negative \(-0.5\) for hyperedge 1"),
        (torch.tensor([1.0, 1.0, float("nan")]), r"hyperedge_weight\[2\] is NaN .* hyperedge 2"),
        (torch.tensor([float("inf"), 1.0, 1.0]), r"hyperedge_weight\[0\] is infinite .* hyperedge 0"),
    ],
)
def test_bad_hyperedge_weight_rejected_at_construction_and_assignment(w, match):
    with pytest.raises(ValueError, match=match):
        small(w)
    h = small(torch.ones(3))
    with pytest.raises(ValueError, match=match):
        h.hyperedge_weight = w  # Data.__setattr__
    with pytest.raises(ValueError, match=match):
        h["hyperedge_weight"] = w  # Data.__setitem__
    assert torch.equal(h.hyperedge_weight, torch.ones(3))  # unchanged
    with pytest.raises(ValueError, match="floating point"):
        h.hyperedge_weight = torch.ones(3, dtype=torch.long)


def test_bad_weight_would_have_made_hgnn_nan():
    """The reason for the check: one negative weight makes the HGNN operator NaN."""
    from hypergraph.data.ops import build_operator

    hi = torch.tensor([[0, 1, 1, 2], [0, 0, 1, 1]])
    op = build_operator("hgnn", hi, 3, 2, torch.tensor([1.0, -1.0]))
    assert torch.isnan(op.to_dense()).any()
    with pytest.raises(ValueError, match="negative"):
        Hypergraph(
            hyperedge_index=hi, num_nodes=3, num_hyperedges=2, hyperedge_weight=torch.tensor([1.0, -1.0])
        )
    zero = Hypergraph(
        hyperedge_index=hi, num_nodes=3, num_hyperedges=2, hyperedge_weight=torch.tensor([1.0, 0.0])
    )
    assert torch.isfinite(zero.operator().to_dense()).all()  # zero weights stay legal


def test_y_of_wrong_length_rejected():
    hi = torch.tensor([[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="y has 4 rows but num_nodes=5"):
        Hypergraph(
            x=torch.randn(5, 2), y=torch.zeros(4, dtype=torch.long), hyperedge_index=hi, num_hyperedges=1
        )
    for y in (torch.zeros(5, dtype=torch.long), torch.tensor([1]), torch.tensor(1), torch.zeros(1, 3)):
        Hypergraph(x=torch.randn(5, 2), y=y, hyperedge_index=hi, num_hyperedges=1)  # node or graph target
