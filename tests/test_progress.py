"""hypergraph.progress: bars only on a terminal, HYPERGRAPH_PROGRESS forcing them on or off,
nothing written when off, and a real stage drawing a bar without changing its result."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from hypergraph.closure import enumerate_open_triangles
from hypergraph.data.temporal import TemporalSimplicialComplex
from hypergraph.progress import ENV_VAR, progress, progress_enabled, write


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def _run_bars() -> None:
    for _ in progress(range(3), desc="iterated"):
        pass
    with progress(total=10, desc="counted", unit="wedge") as bar:
        bar.update(4)
        bar.set_postfix_str("stage two")
        bar.update(6)


def test_nothing_written_when_stderr_is_not_a_terminal(capfd):
    assert not sys.stderr.isatty() and not progress_enabled()
    _run_bars()
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_env_forces_a_bar_on_without_a_terminal(capfd, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "1")
    assert progress_enabled()
    _run_bars()
    out, err = capfd.readouterr()
    assert out == ""
    assert "iterated" in err and "3/3" in err
    assert "counted" in err and "10/10" in err and "stage two" in err


def test_terminal_turns_bars_on_and_env_zero_turns_them_off(capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert progress_enabled()
    _run_bars()
    assert "iterated" in capsys.readouterr().err  # on by default on a terminal
    monkeypatch.setenv(ENV_VAR, "0")
    assert not progress_enabled()
    _run_bars()
    assert capsys.readouterr().err == ""


def test_explicit_argument_wins_and_bad_env_value_is_rejected(capsys, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "1")
    for _ in progress(range(2), desc="muted", enabled=False):
        pass
    assert capsys.readouterr().err == ""
    monkeypatch.setenv(ENV_VAR, "off")
    assert progress_enabled(True) and not progress_enabled()
    monkeypatch.setenv(ENV_VAR, "maybe")
    with pytest.raises(ValueError, match=ENV_VAR):
        progress_enabled()


def test_write_prints_lines_to_stdout_beside_a_bar(capsys, monkeypatch):
    write("plain row")
    assert capsys.readouterr() == ("plain row\n", "")
    monkeypatch.setenv(ENV_VAR, "1")
    with progress(total=2, desc="cells") as bar:
        bar.update()
        write("row one")
        bar.update()
    out, err = capsys.readouterr()
    assert out == "row one\n" and "cells" in err and "2/2" in err


def _triangles(budget: int):
    tsc = TemporalSimplicialComplex.from_simplices(
        [[0, 1], [1, 2], [0, 2], [2, 3], [3, 4], [2, 4], [0, 3], [1, 3], [0, 1, 2, 3], [4, 5]],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        num_nodes=6,
    )
    return enumerate_open_triangles(tsc.split(80)[0], budget=budget)


def test_triangle_enumeration_draws_a_bar_and_returns_the_same_result(capfd, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "0")
    quiet = _triangles(budget=2)
    assert capfd.readouterr().err == ""
    monkeypatch.setenv(ENV_VAR, "1")
    shown = _triangles(budget=2)  # small budget: several chunks, several updates
    err = capfd.readouterr().err
    outdeg = np.diff(quiet.graph.oriented()[0])
    wedges = int((outdeg * (outdeg - 1) // 2).sum())
    assert wedges > 2 and quiet.num_open > 0
    assert "open triangles" in err and f"{wedges}/{wedges}" in err
    for name in ("tri", "edges", "edge_triangles", "all_counts", "open_counts", "closed_keys"):
        np.testing.assert_array_equal(getattr(shown, name), getattr(quiet, name))


def test_lightning_bar_follows_the_same_switch(tmp_path, monkeypatch):
    from hypergraph.tasks.base import build_trainer

    cfg = {"max_epochs": 1, "enable_progress_bar": None, "logger": "none"}
    monkeypatch.setenv(ENV_VAR, "1")
    assert build_trainer(dict(cfg), tmp_path)[0].progress_bar_callback is not None
    monkeypatch.setenv(ENV_VAR, "0")
    assert build_trainer(dict(cfg), tmp_path)[0].progress_bar_callback is None
    monkeypatch.setenv(ENV_VAR, "1")  # an explicit config value wins
    assert build_trainer(dict(cfg, enable_progress_bar=False), tmp_path)[0].progress_bar_callback is None


def test_shipped_configs_leave_the_bar_to_the_terminal():
    """No shipped config turns Lightning's bar off: it is on when the output is a terminal."""
    from pathlib import Path

    from hypergraph.config import load_config

    files = sorted((Path(__file__).resolve().parents[1] / "configs").rglob("*.yaml"))
    assert len(files) > 50
    for f in files:
        assert load_config(str(f)).trainer.get("enable_progress_bar") is None, f
