"""What the README tells a newcomer works as written."""

from __future__ import annotations

import re
from pathlib import Path

import torch
from conftest import require_data

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _python_block(first_line: str) -> str:
    """The README's ```python block whose code contains ``first_line``."""
    blocks = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if first_line in b]
    assert len(blocks) == 1, f"expected one README python block with {first_line!r}, found {len(blocks)}"
    return blocks[0]


def test_readme_says_how_to_run_without_make():
    """Regression: the README never said to activate .venv, so ``python -m hypergraph.train``
    failed with ``No module named 'omegaconf'``."""
    assert ". .venv/bin/activate" in README
    assert 'make train ARGS="config=' in README


def test_readme_dual_snippet_runs_as_written(monkeypatch):
    """Regression: the dual-hypergraph snippet used an undefined ``data``."""
    root = require_data("tu/MUTAG")
    code = _python_block("DualHypergraph()(data)")
    assert code.count('root="../shared/datasets"') == 1
    code = code.replace('root="../shared/datasets"', f"root={str(root)!r}")
    scope: dict = {}
    exec(compile(code, "README.md (dual snippet)", "exec"), scope)
    data, data2 = scope["data"], scope["data2"]
    assert torch.equal(data2.edge_index, data.edge_index) and torch.equal(data2.x, data.x)
    assert scope["dual"].num_nodes == data.edge_index.size(1) // 2  # one dual node per undirected edge


def test_readme_minibatch_snippet_runs_as_written():
    """The mini-batch snippet defines its ``data`` and ``model`` and runs: 1,024 distinct seeds
    first in the batch, and chunked inference gives one row of logits per node."""
    root = require_data("hypergcn/cocitation-cora.npz")
    code = _python_block("HypergraphNeighborLoader(data")
    assert code.count('root="../shared/datasets"') == 1
    code = code.replace('root="../shared/datasets"', f"root={str(root)!r}")
    scope: dict = {}
    exec(compile(code, "README.md (mini-batch snippet)", "exec"), scope)
    data, batch, logits = scope["data"], scope["batch"], scope["logits"]
    assert batch.batch_size == 1024 and batch.n_id[:1024].unique().numel() == 1024
    assert logits.shape == (data.num_nodes, int(data.y.max()) + 1) and torch.isfinite(logits).all()
