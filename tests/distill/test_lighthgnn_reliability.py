"""Hyperedge reliability, Bernoulli sampling and the topology score on hand-made cases."""

from __future__ import annotations

import math

import pytest
import torch

from hypergraph.distill.reliability import (
    hyperedge_entropy,
    node_entropy,
    perturb_features,
    reliability_from_probs,
    reliability_score,
    sample_hyperedges,
)
from hypergraph.distill.topology import topology_score

torch.set_num_threads(1)

# e0 = {0, 1}, e1 = {1, 2}, e2 = {2, 3}
HI = torch.tensor([[0, 1, 1, 2, 2, 3], [0, 0, 1, 1, 2, 2]])
UNIFORM = [0.5, 0.5]
CERTAIN = [1.0, 0.0]


def test_node_entropy_handles_zero_probabilities() -> None:
    p = torch.tensor([UNIFORM, CERTAIN])
    assert node_entropy(p).tolist() == pytest.approx([math.log(2), 0.0])


def test_hyperedge_entropy_is_the_member_mean() -> None:
    p = torch.tensor([UNIFORM, CERTAIN, CERTAIN, UNIFORM])
    assert hyperedge_entropy(p, HI, 3).tolist() == pytest.approx([math.log(2) / 2, 0.0, math.log(2) / 2])


def test_hand_made_reliability() -> None:
    clean = torch.tensor([UNIFORM, UNIFORM, CERTAIN, CERTAIN])
    # node 0 and 1 unchanged; node 2 flips from certain to uniform, node 3 stays certain
    noisy = torch.tensor([UNIFORM, UNIFORM, UNIFORM, CERTAIN])
    rho = reliability_from_probs(clean, noisy, HI, 3)
    # delta = [0, ln2/2, ln2/2]: e0 members' entropy is unchanged -> rho = 1; the others -> 0
    assert rho.tolist() == pytest.approx([1.0, 0.0, 0.0])
    noisy2 = torch.tensor([UNIFORM, UNIFORM, UNIFORM, UNIFORM])  # delta = [0, ln2/2, ln2]
    assert reliability_from_probs(clean, noisy2, HI, 3).tolist() == pytest.approx([1.0, 0.5, 0.0])


def test_no_change_at_all_gives_full_reliability() -> None:
    p = torch.tensor([UNIFORM, CERTAIN, CERTAIN, UNIFORM])
    assert reliability_from_probs(p, p.clone(), HI, 3).tolist() == [1.0, 1.0, 1.0]


def test_reliability_score_with_a_teacher_insensitive_on_one_hyperedge() -> None:
    """Nodes 0 and 1 have all-zero features, so multiplicative noise leaves their prediction
    (and entropy) unchanged: the hyperedge {0, 1} must get rho = 1 exactly."""
    x = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    x[:2] = 0.0
    lin = torch.nn.Linear(3, 2)
    torch.nn.init.normal_(lin.weight, std=3.0, generator=torch.Generator().manual_seed(1))
    rho = reliability_score(lin, x, HI, 3, noise_level=1.0, generator=torch.Generator().manual_seed(2))
    assert rho[0].item() == 1.0
    assert bool((rho >= 0).all()) and bool((rho <= 1).all())
    assert rho.min().item() == 0.0  # the hyperedge with the largest change


def test_perturbation_is_multiplicative() -> None:
    x = torch.tensor([[0.0, 2.0], [1.0, 0.0]])
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    out = perturb_features(x, 0.5, g1)
    eps = torch.randn(x.shape, generator=g2)
    assert torch.allclose(out, x * (1 + eps) * 0.5)
    assert out[0, 0].item() == 0.0 and out[1, 1].item() == 0.0


def test_bernoulli_sampling() -> None:
    rho = torch.tensor([1.0, 0.0, 0.5])
    g = torch.Generator().manual_seed(0)
    draws = torch.stack([sample_hyperedges(rho, g) for _ in range(2000)]).float()
    assert draws[:, 0].min().item() == 1.0
    assert draws[:, 1].max().item() == 0.0
    assert 0.4 < draws[:, 2].mean().item() < 0.6
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        sample_hyperedges(torch.tensor([1.5]))


def test_topology_score_by_hand() -> None:
    h = torch.tensor([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [2.0, 2.0]])
    # e0: centroid (1,0), distances 1,1 -> 1; e1: centroid (2,1) -> 1; e2: identical -> 0
    assert topology_score(h, HI, 3) == pytest.approx(2.0 / 3.0)
    hi = torch.cat([HI, torch.tensor([[0], [4]])], dim=1)  # M = 6: e3, e5 empty, e4 = {0} singleton
    assert topology_score(h, hi, 6) == pytest.approx(2.0 / 4.0)  # empty hyperedges are skipped
    assert topology_score(h[:1].repeat(4, 1), HI, 3) == 0.0
