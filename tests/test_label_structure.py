"""``scripts/label_structure.py``: one row per dataset, the statistics of its labels."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_label_structure_on_a_homophilous_sbm(capsys):
    spec = importlib.util.spec_from_file_location("label_structure", REPO / "scripts" / "label_structure.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    (row,) = mod.main(["--datasets", "synthetic_hsbm"])
    # the generator's hyperedges draw ~80% of their members from one class: the vote is well above
    # the majority-class rate, the homophily well above 1/C
    assert row["vote acc"] > row["majority class"] + 0.3 and 0.5 < row["homophily"] <= 1.0
    assert row["voting nodes"] > 0.5
    assert row["vote acc clique"] > row["majority class"] + 0.3
    assert "| synthetic_hsbm |" in capsys.readouterr().out
