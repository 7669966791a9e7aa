"""``scripts/bench_conv.py`` on a tiny hypergraph: every layer runs and gets a finite time, each
peer's output has our shape, and the DeepHypergraph peers drop out cleanly without ``dhg`` (it is
optional and absent from CI).  No timing assertions."""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
# hyperedges 0 and 3 hold the same nodes (3 lists them in another order); hyperedge 4 is a singleton
HYPEREDGES = [[0, 1, 2], [2, 3], [3, 4, 5, 6], [2, 1, 0], [7], [6, 7, 8], [8, 9, 0, 4]]
N, F_IN, OUT = 11, 5, 4  # node 10 isolated


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO / "scripts"))
    return importlib.import_module("bench_conv")


def _case(bench):
    nodes = torch.tensor([v for g in HYPEREDGES for v in g])
    edges = torch.repeat_interleave(torch.arange(len(HYPEREDGES)), torch.tensor([len(g) for g in HYPEREDGES]))
    x = torch.randn(N, F_IN, generator=torch.Generator().manual_seed(0))
    return bench.make_case("tiny", x, torch.stack([nodes, edges]), len(HYPEREDGES), OUT)


def _check_rows(bench, rows, keys):
    assert rows
    names = {bench.OURS[k][0] for k in keys}
    assert {r.layer for r in rows} == names  # every requested layer has a row
    for r in rows:
        assert math.isfinite(r.ours_ms) and r.ours_ms > 0
        assert r.ours_shape[0] == N
        if r.peer != "-" and not r.peer.endswith("(skipped)"):
            assert math.isfinite(r.peer_ms) and r.peer_ms > 0
            assert r.peer_shape == r.ours_shape, r
    return {r.peer for r in rows}


def test_case_merges_duplicates_and_drops_singletons(bench):
    case = _case(bench)
    assert case.num_hyperedges == 5
    assert case.groups[0] == [0, 1, 2] and [7] not in case.groups
    assert case.hyperedge_index.shape == (2, 3 + 2 + 4 + 3 + 4)
    assert case.edge_attr.shape == (5, F_IN) and case.hidden.shape == (N, OUT)
    assert torch.allclose(case.edge_attr[0], case.x[:3].mean(0))


def test_parse_layers(bench):
    assert bench.parse_layers(None) == list(bench.OURS)
    assert bench.parse_layers("hgnn, unigcn") == ["hgnn", "unigcn"]
    with pytest.raises(SystemExit, match="nope"):
        bench.parse_layers("hgnn,nope")


def test_every_layer_beside_its_peers_with_dhg(bench, monkeypatch):
    pytest.importorskip("dhg")
    layers = importlib.import_module("bench_conv_layers")
    monkeypatch.setattr(layers, "DENSE_LIMIT", 0)  # DHG UniGATConv: the dense-gradient skip
    keys = list(bench.OURS)
    rows = bench.run_case(_case(bench), keys, warmup=0, repeats=1, memory=False)
    peers = _check_rows(bench, rows, keys)
    assert "DHG UniGATConv (skipped)" in peers
    assert {"DHG HGNNConv", "DHG UniGCNConv", "DHG HyperGCN (fast, med.)", layers.PYG_ATT} <= peers
    monkeypatch.setattr(layers, "DENSE_LIMIT", 2**40)
    rows = bench.run_case(_case(bench), ["unigat"], warmup=0, repeats=1, memory=False)
    assert _check_rows(bench, rows, ["unigat"]) == {"DHG UniGATConv"}


def test_every_layer_without_dhg(bench, monkeypatch, capsys):
    layers = importlib.import_module("bench_conv_layers")
    monkeypatch.setitem(sys.modules, "dhg", None)  # `import dhg` raises ImportError
    keys = list(bench.OURS)
    rows = bench.run_case(_case(bench), keys, warmup=1, repeats=2, memory=True)
    peers = _check_rows(bench, rows, keys)
    assert not any(p.startswith("DHG") for p in peers)
    assert {layers.PYG, layers.PYG_ATT, "-"} <= peers
    by_layer = {r.layer: r.peer for r in rows}
    assert by_layer[bench.OURS["unigcn"][0]] == "-"  # its only peer is DHG's
    assert all(r.ours_mib >= 0 for r in rows)
    assert "dhg (DeepHypergraph) is not installed" in capsys.readouterr().out
    bench.print_table(rows)
    assert "peer/ours" in capsys.readouterr().out


def test_main_runs_the_synthetic_case(bench, monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "dhg", None)
    argv = ["bench_conv.py", "--root", str(tmp_path), "--threads", "1", "--repeats", "1", "--warmup", "0"]
    argv += ["--large-nodes", "40", "--large-hyperedges", "30", "--layers", "hgnn,hcha-att,unigcnii"]
    monkeypatch.setattr(sys, "argv", argv)
    bench.main()
    out = capsys.readouterr().out
    assert "cocitation Cora skipped" in out and "## synthetic HSBM" in out
    assert "HCHAConv (attention)" in out and "UniGCNIIConv" in out and "UniGCNConv " not in out
