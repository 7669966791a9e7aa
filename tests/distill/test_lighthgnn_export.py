"""The distilled student needs only ``x``: the LightningModule forward and the exported module."""

from __future__ import annotations

import inspect

import pytest
import torch

from hypergraph.data.generators import hypergraph_sbm
from hypergraph.distill.export import ExportedMLP, export_student, save_student, script_student
from hypergraph.distill.losses import high_order_loss, kd_loss
from hypergraph.nn.models import MLP
from hypergraph.tasks.distillation import Distillation

torch.set_num_threads(1)


def _trained_student(num_layers: int = 2, batch_norm: bool = True) -> MLP:
    torch.manual_seed(0)
    m = MLP(8, 16, 3, num_layers=num_layers, batch_norm=batch_norm)
    opt = torch.optim.Adam(m.parameters(), lr=0.05)
    x, y = torch.randn(64, 8), torch.randint(3, (64,))
    for _ in range(5):  # moves the BatchNorm running statistics away from their initial values
        opt.zero_grad()
        torch.nn.functional.cross_entropy(m(x), y).backward()
        opt.step()
    return m.eval()


@pytest.mark.parametrize("num_layers,batch_norm", [(2, True), (3, True), (2, False), (1, False)])
def test_exported_module_gives_identical_logits(num_layers: int, batch_norm: bool) -> None:
    student = _trained_student(num_layers, batch_norm)
    x = torch.randn(32, 8)
    with torch.no_grad():
        ref = student(x)
        assert torch.equal(export_student(student)(x), ref)
        assert torch.equal(script_student(student)(x), ref)


def test_saved_torchscript_reloads_with_identical_logits(tmp_path) -> None:
    student = _trained_student()
    path = tmp_path / "student.pt"
    save_student(student, path)
    loaded = torch.jit.load(str(path))
    x = torch.randn(10, 8)
    with torch.no_grad():
        assert torch.equal(loaded(x), student(x))


def test_exported_module_takes_only_x_and_stays_frozen() -> None:
    student = _trained_student()
    exported = export_student(student)
    assert isinstance(exported, ExportedMLP)
    assert list(inspect.signature(exported.forward).parameters) == ["x"]
    exported.train()  # refused: it stays an inference module
    assert not exported.training
    assert all(not p.requires_grad for p in exported.parameters())
    # an independent copy: changing the student does not change the export
    with torch.no_grad():
        student.lins[0].weight.add_(1.0)
    x = torch.randn(4, 8)
    assert not torch.equal(exported(x), student(x))
    with pytest.raises(TypeError, match="MLP"):
        export_student(torch.nn.Linear(2, 2))


class _OnlyFeatures:
    """A batch that exposes node features and raises on any access to the structure."""

    def __init__(self, x: torch.Tensor) -> None:
        self.x = x

    def __getattr__(self, name: str):
        raise AssertionError(f"student touched batch.{name}")


def test_student_forward_never_touches_the_hypergraph() -> None:
    hg = hypergraph_sbm(num_nodes=40, num_classes=3, num_hyperedges=15, num_features=8, seed=0)
    student = _trained_student()
    module = Distillation(student, torch.randn(40, 3), 3, reliability=torch.ones(15)).eval()
    with torch.no_grad():
        out = module(_OnlyFeatures(hg.x))
        assert torch.equal(out, student(hg.x))


def test_distillation_loss_terms() -> None:
    hg = hypergraph_sbm(num_nodes=40, num_classes=3, num_hyperedges=15, num_features=8, seed=1)
    hg.train_mask = torch.arange(40) < 10
    teacher = torch.randn(40, 3, generator=torch.Generator().manual_seed(3))
    student = _trained_student().train()
    logits = student(hg.x)
    plain = Distillation(student, teacher, 3, lam=0.0, tau=2.0)
    terms = plain.loss_terms(hg, logits)
    assert "hc" not in terms
    assert torch.allclose(terms["loss"], kd_loss(logits, teacher, 2.0))
    plus = Distillation(student, teacher, 3, lam=0.25, reliability=torch.ones(15))
    terms = plus.loss_terms(hg, logits)  # rho = 1: every hyperedge is sampled
    hc = high_order_loss(logits, teacher, hg.hyperedge_index, 15)
    assert torch.allclose(terms["hc"], hc)
    ce = torch.nn.functional.cross_entropy(logits[:10], hg.y[:10])
    assert torch.allclose(terms["loss"], 0.25 * ce + 0.75 * (kd_loss(logits, teacher) + hc))
    with pytest.raises(ValueError, match="hyperedges"):
        Distillation(student, teacher, 3, reliability=torch.ones(4)).loss_terms(hg, logits)
    with pytest.raises(ValueError, match="lam"):
        Distillation(student, teacher, 3, lam=1.5)
