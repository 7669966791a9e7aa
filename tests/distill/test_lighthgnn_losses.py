"""LightHGNN losses against direct computations."""

from __future__ import annotations

import pytest
import torch

from hypergraph.distill.losses import high_order_loss, hyperedge_mean, kd_loss

torch.set_num_threads(1)


def _logits(seed: int, n: int = 6, c: int = 4) -> torch.Tensor:
    return torch.randn(n, c, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 2


@pytest.mark.parametrize("tau", [1.0, 2.5])
def test_kd_loss_equals_direct_kl(tau: float) -> None:
    zs, zt = _logits(0), _logits(1)
    ps, pt = torch.softmax(zs / tau, -1), torch.softmax(zt / tau, -1)
    direct = (pt * (pt.log() - ps.log())).sum() / zs.size(0)
    assert torch.allclose(kd_loss(zs, zt, tau, "kl"), direct, atol=1e-12)


def test_kd_loss_is_zero_for_identical_logits_and_positive_otherwise() -> None:
    z = _logits(2)
    assert float(kd_loss(z, z.clone())) == pytest.approx(0.0, abs=1e-12)
    assert float(kd_loss(_logits(3), z)) > 0


def test_kd_reference_form_is_the_authors_log_target_quirk() -> None:
    zs, zt = _logits(4), _logits(5)
    ps, pt = torch.softmax(zs, -1), torch.softmax(zt, -1)
    # kl_div(log ps, pt, log_target=True) = sum exp(pt) * (pt - log ps) / N: not a KL divergence
    direct = (pt.exp() * (pt - ps.log())).sum() / zs.size(0)
    ref = kd_loss(zs, zt, tau=3.0, form="reference")  # tau is unused by the authors' KD term
    assert torch.allclose(ref, direct, atol=1e-12)
    assert not torch.allclose(ref, kd_loss(zs, zt, 1.0, "kl"))


def test_kd_gradient_reaches_only_the_student() -> None:
    zs = _logits(6).requires_grad_()
    zt = _logits(7).requires_grad_()
    kd_loss(zs, zt).backward()
    assert zs.grad is not None and float(zs.grad.abs().sum()) > 0
    assert zt.grad is None


def test_bad_arguments_are_refused() -> None:
    z = _logits(8)
    with pytest.raises(ValueError, match="loss form"):
        kd_loss(z, z, form="kld")
    with pytest.raises(ValueError, match="tau"):
        kd_loss(z, z, tau=0.0)
    with pytest.raises(ValueError, match="shape"):
        kd_loss(z, z[:3])


# hyperedges: e0 = {0, 1, 2}, e1 = {2, 3}, e2 = {}, e3 = {4, 5}
HI = torch.tensor([[0, 1, 2, 2, 3, 4, 5], [0, 0, 0, 1, 1, 3, 3]])


def test_hyperedge_mean() -> None:
    v = torch.arange(6, dtype=torch.float64).unsqueeze(-1)
    assert hyperedge_mean(v, HI, 4).view(-1).tolist() == [1.0, 2.5, 0.0, 4.5]


@pytest.mark.parametrize("tau", [1.0, 2.0])
def test_high_order_loss_equals_direct_computation(tau: float) -> None:
    zs, zt = _logits(9), _logits(10)
    ps, pt = torch.softmax(zs / tau, -1), torch.softmax(zt / tau, -1)
    mask = torch.tensor([True, False, True, True])  # e2 is empty: never counted
    rows = []
    for members in ([0, 1, 2], [4, 5]):
        qs, qt = ps[members].mean(0), pt[members].mean(0)
        rows.append((qt * (qt.log() - qs.log())).sum())
    direct = torch.stack(rows).mean()
    got = high_order_loss(zs, zt, HI, 4, mask, tau, "kl")
    assert torch.allclose(got, direct, atol=1e-12)


def test_high_order_reference_form() -> None:
    zs, zt = _logits(11), _logits(12)
    ps, pt = torch.softmax(zs, -1), torch.softmax(zt, -1)
    tau = 2.0
    rows = []
    for members in ([0, 1, 2], [2, 3], [4, 5]):
        qs, qt = ps[members].mean(0) / tau, pt[members].mean(0) / tau
        rows.append((qt.exp() * (qt - qs.log())).sum())
    direct = torch.stack(rows).mean()
    assert torch.allclose(high_order_loss(zs, zt, HI, 4, None, tau, "reference"), direct, atol=1e-12)


def test_high_order_loss_with_no_sampled_hyperedge_is_zero_and_differentiable() -> None:
    zs = _logits(13).requires_grad_()
    loss = high_order_loss(zs, _logits(14), HI, 4, torch.zeros(4, dtype=torch.bool))
    assert float(loss.detach()) == 0.0
    loss.backward()
    assert zs.grad is not None


def test_high_order_mask_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="edge_mask"):
        high_order_loss(_logits(15), _logits(16), HI, 4, torch.ones(3, dtype=torch.bool))
