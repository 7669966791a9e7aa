"""The package's structure: import direction, registries, task independence, configs, sizes."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

REPO = Path(__file__).resolve().parents[1]
PKG = REPO / "hypergraph"
TASK_BASES = {"base", "base_node"}
ALGORITHMS = ("closure", "reconstruction", "linkpred", "distill", "dual")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def _python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout


def test_no_task_imports_another_task():
    tasks = {p.stem for p in (PKG / "tasks").glob("*.py")} - {"__init__"} - TASK_BASES
    assert {"node_classification", "distillation", "graph_classification"} <= tasks
    for p in (PKG / "tasks").glob("*.py"):
        if p.stem == "__init__":
            continue
        others = {f"hypergraph.tasks.{t}" for t in tasks - {p.stem}}
        bad = sorted(i for i in _imports(p) if any(i == o or i.startswith(o + ".") for o in others))
        assert not bad, f"{p.name} imports another task: {bad}"


def test_import_direction():
    """data imports nothing above it; nn nothing above nn; algorithm packages no tasks/train;
    no algorithm package holds a LightningModule."""
    above = {
        "data": ("hypergraph.nn", "hypergraph.datasets", "hypergraph.tasks", "hypergraph.train")
        + tuple(f"hypergraph.{a}" for a in ALGORITHMS),
        "nn": ("hypergraph.datasets", "hypergraph.tasks", "hypergraph.train")
        + tuple(f"hypergraph.{a}" for a in ALGORITHMS),
        "datasets": ("hypergraph.tasks", "hypergraph.train") + tuple(f"hypergraph.{a}" for a in ALGORITHMS),
        "loader": ("hypergraph.datasets", "hypergraph.tasks", "hypergraph.train")
        + tuple(f"hypergraph.{a}" for a in ALGORITHMS),
        **{a: ("hypergraph.tasks", "hypergraph.train") for a in ALGORITHMS},
    }
    for pkg, forbidden in above.items():
        for p in (PKG / pkg).rglob("*.py"):
            bad = sorted(i for i in _imports(p) if i.startswith(forbidden))
            assert not bad, f"{p.relative_to(REPO)} imports upwards: {bad}"
    for a in ALGORITHMS:
        for p in (PKG / a).rglob("*.py"):
            text = p.read_text()
            assert "LightningModule" not in text and "lightning" not in _imports(p), p
            tree = ast.parse(text)
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    bases = {ast.unparse(b) for b in node.bases}
                    assert not bases & {"nn.Module", "torch.nn.Module"}, f"model class {node.name} in {p}"


def test_import_data_is_light():
    out = _python(
        "import sys, json, hypergraph.data, hypergraph.data.io, hypergraph.data.transforms;"
        "print(json.dumps(sorted(sys.modules)))"
    )
    mods = set(json.loads(out))
    heavy = {"sklearn", "lightning", "pytorch_lightning"}
    assert not heavy & {m.split(".")[0] for m in mods}
    upper = [
        m for m in mods if m.startswith(tuple(f"hypergraph.{p}" for p in (*ALGORITHMS, "datasets", "tasks")))
    ]
    assert not upper, upper


def test_registries_are_complete_right_after_import():
    everything = (
        "import hypergraph, hypergraph.nn, hypergraph.datasets, hypergraph.tasks, hypergraph.train;"
        "from hypergraph import MODELS, DATASETS, TASKS;"
        "import json; print(json.dumps([MODELS.names(), DATASETS.names(), TASKS.names()]))"
    )
    bare = (
        "from hypergraph import MODELS, DATASETS, TASKS;"
        "import json; print(json.dumps([MODELS.names(), DATASETS.names(), TASKS.names()]))"
    )
    task_first = "import hypergraph.tasks.graph_classification;" + bare
    full = json.loads(_python(everything))
    assert json.loads(_python(bare)) == full
    assert json.loads(_python(task_first)) == full
    models, datasets, tasks = full
    assert {"hgnn", "hgnnp", "mlp", "hyperdrop", "gcn", "hypercluster", "hyperedge_predictor"} <= set(models)
    assert {"triangle_scorer", "candidate_mlp"} <= set(models)
    names = {"cocitation-cora", "synthetic_hsbm", "email-Enron", "MUTAG", "enron", "house-committees", "zoo"}
    assert {n.lower() for n in names} <= set(datasets)  # registry keys are lower-case
    assert len(tasks) == 6


def test_every_model_module_is_registered():
    """Each model class defined under hypergraph/nn/models is reachable through MODELS."""
    from hypergraph import MODELS

    registered = {cls.__name__ for _, cls in MODELS.items()}
    helpers = {"ExportedMLP", "SetDecoder", "HyperClusterAutoencoder", "ConvStack"}  # not chosen by a config
    for p in (PKG / "nn" / "models").glob("*.py"):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                assert node.name in registered | helpers, f"{node.name} ({p.name}) is not in MODELS"


def test_configs_hold_no_absolute_paths():
    configs = sorted((REPO / "configs").rglob("*.yaml"))
    assert configs
    for f in configs:
        cfg = OmegaConf.load(f)

        def walk(node, where, f=f):
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, f"{where}.{k}", f)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, f"{where}[{i}]", f)
            elif isinstance(node, str):
                plain = node.replace("${oc.env:HYPERGRAPH_DATA,", "").rstrip("}")
                assert not plain.startswith(("/", "~")), f"{f.name}: {where} = {node!r} is a machine path"

        walk(OmegaConf.to_container(cfg, resolve=False), f.stem)


def test_package_code_hardcodes_no_data_folder():
    """No string in package code (docstrings aside) names the offline data folder or a machine path."""
    for p in PKG.rglob("*.py"):
        tree = ast.parse(p.read_text())
        docs = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                bad = "shared/datasets" in node.value or node.value.startswith("/work/")
                assert not bad, f"{p.relative_to(REPO)}:{node.lineno} hard-codes {node.value!r}"


def test_no_module_over_400_lines():
    long = {
        str(p.relative_to(REPO)): n for p in PKG.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400
    }
    assert not long, long


def test_no_import_time_warning_filters():
    for p in PKG.rglob("*.py"):
        tree = ast.parse(p.read_text())
        for node in tree.body:  # module level only
            if isinstance(node, ast.Expr) and "filterwarnings" in ast.unparse(node):
                pytest.fail(f"{p.relative_to(REPO)} installs a warning filter at import time")
