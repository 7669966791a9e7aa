"""``logger: csv | tensorboard | none`` chooses the training log."""

from __future__ import annotations

import pytest

from hypergraph.train import main

SMALL = ["dataset.num_nodes=120", "dataset.num_hyperedges=60", "trainer.max_epochs=2"]


def test_logger_none_writes_no_csv_and_csv_does(tmp_path):
    assert main([*SMALL, "logger=none", f"run_dir={tmp_path / 'none'}"]) == 0
    assert not list((tmp_path / "none").glob("seed_0/logs/*.csv"))
    assert main([*SMALL, f"run_dir={tmp_path / 'csv'}"]) == 0
    assert (tmp_path / "csv" / "seed_0" / "logs" / "metrics.csv").stat().st_size > 0


def test_unknown_logger_is_one_line(tmp_path, capsys):
    assert main([*SMALL, "logger=wandb", f"out_dir={tmp_path}"]) == 2
    assert "unknown logger 'wandb'; valid: csv, tensorboard, none" in capsys.readouterr().err


def test_tensorboard_logger_writes_events(tmp_path):
    pytest.importorskip("tensorboard", reason="the optional tensorboard extra is not installed")
    assert main([*SMALL, "logger=tensorboard", f"run_dir={tmp_path / 'tb'}"]) == 0
    assert list((tmp_path / "tb" / "seed_0" / "tb").glob("events.*"))
