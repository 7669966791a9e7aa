import pytest
import torch

from hypergraph.data.splits import fixed_split, per_class_split, random_split


def test_random_split_fractions_disjoint_seeded():
    a = random_split(1000, 0.5, 0.25, seed=3)
    assert [int(a[k].sum()) for k in ("train_mask", "val_mask", "test_mask")] == [500, 250, 250]
    assert not (a["train_mask"] & a["val_mask"]).any() and bool(
        (a["train_mask"] | a["val_mask"] | a["test_mask"]).all()
    )
    assert torch.equal(a["train_mask"], random_split(1000, 0.5, 0.25, seed=3)["train_mask"])
    assert not torch.equal(a["train_mask"], random_split(1000, 0.5, 0.25, seed=4)["train_mask"])
    with pytest.raises(ValueError):
        random_split(10, 0.8, 0.3)


def test_per_class_split():
    y = torch.tensor([0] * 150 + [1] * 200 + [2] * 130)
    s = per_class_split(y, 20, 100, seed=0)
    for c in range(3):
        assert int(s["train_mask"][y == c].sum()) == 20 and int(s["val_mask"][y == c].sum()) == 100
    assert int(s["test_mask"].sum()) == 480 - 360
    with pytest.raises(ValueError, match="class 2 has 130 nodes"):
        per_class_split(y, 20, 120)


def test_fixed_split_carves_validation_from_test():
    tr = torch.arange(10).repeat(3, 1)
    te = torch.arange(10, 100).repeat(3, 1)
    s = fixed_split(tr, te, 100, index=1, val_size=20, seed=0)
    assert (
        int(s["train_mask"].sum()) == 10
        and int(s["val_mask"].sum()) == 20
        and int(s["test_mask"].sum()) == 70
    )
    with pytest.raises(ValueError, match="fixed split index 3"):
        fixed_split(tr, te, 100, index=3)
