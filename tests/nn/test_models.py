import pytest
import torch

from hypergraph.nn.models import HGNN, HGNNP, MLP

HI = torch.tensor([[0, 1, 2, 2, 3], [0, 0, 0, 1, 1]])


@pytest.mark.parametrize("cls", [HGNN, HGNNP])
def test_hgnn_models(cls):
    m = cls(4, 8, 3, num_layers=3, batch_norm=True)
    x = torch.randn(5, 4)
    out, hidden = m(x, HI, return_hidden=True)
    assert out.shape == (5, 3) and hidden.shape == (5, 8)
    m.eval()
    assert torch.equal(m(x, HI), m(x, HI))
    assert "num_layers=3" in repr(m)
    with pytest.raises(ValueError, match="num_layers"):
        cls(4, 8, 3, num_layers=0)


def test_mlp_ignores_structure():
    m = MLP(4, 8, 3, batch_norm=True).eval()
    x = torch.randn(5, 4)
    assert torch.equal(m(x), m(x, HI, None, 2))
    assert m(x).shape == (5, 3)


def test_layers_share_one_cached_operator():
    m = HGNN(4, 8, 3, num_layers=3, cached=True).eval()
    x = torch.randn(5, 4)
    out = m(x, HI)
    assert len({id(conv.propagation) for conv in m.convs}) == 1
    assert len(m.convs[0].propagation._ops) == 1
    ref = HGNN(4, 8, 3, num_layers=3, cached=False).eval()
    ref.load_state_dict(m.state_dict())
    assert torch.allclose(out, ref(x, HI), atol=1e-6)


def test_cache_keeps_one_operator_per_hypergraph(monkeypatch):
    """Alternating between fixed hypergraphs (e.g. time windows) builds each operator once."""
    import hypergraph.nn.conv._propagation as P

    calls = []
    real = P.build_operator
    monkeypatch.setattr(P, "build_operator", lambda *a, **k: calls.append(1) or real(*a, **k))
    m = HGNN(4, 8, 3, num_layers=2, cached=True).eval()
    ref = HGNN(4, 8, 3, num_layers=2, cached=False).eval()
    ref.load_state_dict(m.state_dict())
    x = torch.randn(5, 4)
    graphs = [HI, torch.tensor([[0, 1, 4], [0, 0, 0]]), torch.tensor([[2, 3, 4, 0], [0, 0, 1, 1]])]
    for _ in range(3):
        for hi in graphs:
            assert torch.allclose(m(x, hi), ref(x, hi), atol=1e-6)
    assert len(calls) == 3
    hi = graphs[1]
    hi[0, 2] = 3  # an in-place change is seen: rebuilt
    assert torch.allclose(m(x, hi), ref(x, hi), atol=1e-6) and len(calls) == 4
    small = P.CachedPropagation("hgnn", cached=True, max_cached=2)
    for hi in graphs:
        small(x, hi)
    assert len(small._ops) == 2  # least recently used dropped


def test_every_registered_model_is_exported_from_hypergraph_nn():
    """Regression: ``from hypergraph.nn import HGNN`` failed; every registered model class is
    importable from ``hypergraph.nn`` under its class name."""
    import hypergraph.nn as nn_pkg
    from hypergraph import MODELS
    from hypergraph.nn import HGNN as Exported

    assert Exported is HGNN
    for name in MODELS.names():
        cls = MODELS.get(name)
        assert getattr(nn_pkg, cls.__name__, None) is cls and cls.__name__ in nn_pkg.__all__, name


def test_every_node_model_has_finite_gradients_at_zero_degrees():
    """Regression: a zero degree (a node whose only hyperedge has weight 0, or a singleton whose
    attention coefficient dropout removed) gave NaN gradients, through ``0 * inf`` in the
    backward of the masked inverse degree, in HGNN, HGNN+, HCHA, HNHN, UniGCN and UniGCNII."""
    import inspect

    from hypergraph import MODELS

    # node 5 isolated; node 4 only in hyperedge 3 = {4}, of weight 0; hyperedge 2 = {3} a singleton
    hi = torch.tensor([[0, 1, 2, 2, 3, 0, 1, 4, 2], [0, 0, 0, 1, 2, 1, 4, 3, 4]])
    checked = []
    for name in MODELS.names():
        cls = MODELS.get(name)
        params = list(inspect.signature(cls).parameters)
        if params[:4] != ["in_channels", "hidden_channels", "out_channels", "num_layers"]:
            continue  # not a node model (the dual, pair and link-prediction models)
        kwargs = {"attention_dropout": 0.9} if "attention_dropout" in params else {}
        if name == "hcha":
            kwargs.update(use_attention=True, heads=2)
        for seed in range(3):
            torch.manual_seed(seed)
            model = cls(3, 8, 2, num_layers=2, **kwargs).train()
            x = torch.randn(6, 3, requires_grad=True)
            w = torch.tensor([1.0, 2.0, 0.5, 0.0, 1.0], requires_grad=True)
            model(x, hi, w, 5).square().sum().backward()
            grads = [p.grad for p in model.parameters() if p.grad is not None] + [x.grad]
            grads += [w.grad] if w.grad is not None else []
            assert all(torch.isfinite(g).all() for g in grads), (name, seed)
        checked.append(name)
    assert {"hgnn", "hgnnp", "hcha", "hnhn", "unigcn", "unigcnii", "edhnn", "allsettransformer"} <= set(
        checked
    )


@pytest.mark.parametrize("name", ["unigcn", "unigat", "unigin", "unisage", "unigcnii", "hnhn"])
def test_incidence_models_cache_one_matrix_for_all_layers(name, monkeypatch):
    """``cached=True`` (which the runner passes for full-batch training) builds the incidence
    matrix once for the whole stack and changes neither outputs nor gradients."""
    import hypergraph.nn.conv._sparse as S
    from hypergraph import MODELS

    calls = []
    real = S.incidence
    monkeypatch.setattr(S, "incidence", lambda *a, **k: calls.append(1) or real(*a, **k))
    cls = MODELS.get(name)
    x = torch.randn(5, 4)
    torch.manual_seed(0)
    m = cls(4, 8, 3, num_layers=3, cached=True)
    ref = cls(4, 8, 3, num_layers=3)
    ref.load_state_dict(m.state_dict())
    assert len({id(conv.incidence) for conv in m.convs}) == 1
    for mode in (True, False):
        outs = []
        for model in (m, ref):
            model.train(mode)
            torch.manual_seed(1)
            out = model(x, HI)
            out.square().sum().backward()
            outs.append((out.detach(), [p.grad.clone() for p in model.parameters() if p.grad is not None]))
            model.zero_grad()
        assert torch.equal(outs[0][0], outs[1][0])
        assert all(torch.equal(a, b) for a, b in zip(outs[0][1], outs[1][1]))
    calls.clear()
    m(x, HI)
    m(x, HI)
    assert calls == []  # built in the first pass above, reused since


@pytest.mark.parametrize(
    "hi, match",
    [
        ([[0, 1, 7], [0, 0, 1]], "node id 7|axis 0 index 7|out of range"),
        ([[0, 1, 2], [0, 0, 5]], "hyperedge id 5|axis 1 index 5|out of range"),
        ([[0, -1, 2], [0, 0, 1]], "negative"),
    ],
)
def test_every_node_model_names_a_bad_id(hi, match):
    """An id outside the hypergraph gives a ``ValueError`` about the ids, never an index error
    from deep inside a gather (HGNN, HGNN+, HCHA and HyperGCN raised those)."""
    import inspect

    from hypergraph import MODELS

    for name in MODELS.names():
        cls = MODELS.get(name)
        if list(inspect.signature(cls).parameters)[:4] != [
            "in_channels",
            "hidden_channels",
            "out_channels",
            "num_layers",
        ]:
            continue
        kwargs = {"use_attention": True, "heads": 2} if name == "hcha" else {}
        for extra in ({}, kwargs) if kwargs else ({},):
            model = cls(3, 8, 2, num_layers=2, **extra)
            if name == "mlp":
                continue  # ignores the structure
            with pytest.raises(ValueError, match=match):
                model(torch.randn(4, 3), torch.tensor(hi), None, 2)
