"""Mini-batch node classification through the runner: neighbour and cluster loaders, and DDP
with either (each rank its own seed nodes or partitions, one set of metrics)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest
import torch

from hypergraph.datasets import load_dataset
from hypergraph.tasks.base_node import NodeDataModule
from hypergraph.train import load_config, run

SMALL = ["dataset.num_nodes=300", "dataset.num_hyperedges=150", "trainer.max_epochs=2"]


@pytest.mark.parametrize("kind", ["neighbor", "cluster"])
def test_minibatch_loaders_train_through_the_runner(kind, tmp_path):
    over = [
        *SMALL,
        f"loader.kind={kind}",
        "loader.batch_size=40",
        "loader.num_parts=6",
        "loader.partition=bfs",
    ]
    res = run(load_config(None, [*over, "trainer.enable_progress_bar=false", f"out_dir={tmp_path}"]))
    assert 0.0 <= res["summary"]["test_acc"]["mean"] <= 1.0
    rows = list(csv.DictReader(open(next(tmp_path.glob("*/seed_0/logs/metrics.csv")))))
    steps = {int(r["step"]) for r in rows if r["train_loss"]}
    assert len(steps) >= 2 * 2  # several optimiser steps per epoch: mini-batches, not the whole graph
    assert any(r["train_seeds_per_s"] and float(r["train_seeds_per_s"]) > 0 for r in rows)


def test_each_rank_draws_its_own_seed_nodes():
    cfg = load_config(None, [*SMALL, "loader.kind=neighbor", "loader.batch_size=1000"])
    data = load_dataset("synthetic_hsbm", num_nodes=300, num_hyperedges=150)
    data.train_mask = torch.rand(300, generator=torch.Generator().manual_seed(0)) < 0.5
    seen = []
    for rank in range(2):
        dm = NodeDataModule(data, cfg.loader, seed=0)
        dm._rank = lambda r=rank: (r, 2)  # what a 2-process trainer reports
        (batch,) = list(dm.train_dataloader())
        seen.append(set(batch.n_id[: int(batch.batch_size)].tolist()))
    assert not seen[0] & seen[1] and seen[0] | seen[1] == set(data.train_mask.nonzero().view(-1).tolist())


def test_ddp_with_a_neighbour_loader(tmp_path):
    run_dir = tmp_path / "run"
    args = [sys.executable, "-m", "hypergraph.train", *SMALL, "loader.kind=neighbor", "loader.batch_size=32"]
    args += ["trainer.devices=2", "trainer.strategy=ddp", "trainer.accelerator=cpu", f"run_dir={run_dir}"]
    done = subprocess.run(
        args,
        cwd=tmp_path,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Initializing distributed: GLOBAL_RANK: 1, MEMBER: 2/2" in done.stderr
    assert sum(line.startswith("test_acc ") for line in done.stdout.splitlines()) == 1
    assert json.loads((run_dir / "results.json").read_text())["summary"]["test_acc"]["n"] == 1


def test_ddp_with_a_cluster_loader(tmp_path):
    """6 parts, 1 per batch, 2 ranks: 3 optimiser steps per epoch on each rank (6 without DDP)."""
    run_dir = tmp_path / "run"
    args = [sys.executable, "-m", "hypergraph.train", *SMALL, "loader.kind=cluster", "loader.num_parts=6"]
    args += ["loader.parts_per_batch=1", "loader.partition=bfs"]
    args += ["trainer.devices=2", "trainer.strategy=ddp", "trainer.accelerator=cpu", f"run_dir={run_dir}"]
    done = subprocess.run(
        args,
        cwd=tmp_path,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Initializing distributed: GLOBAL_RANK: 1, MEMBER: 2/2" in done.stderr
    assert sum(line.startswith("test_acc ") for line in done.stdout.splitlines()) == 1
    assert json.loads((run_dir / "results.json").read_text())["summary"]["test_acc"]["n"] == 1
    rows = list(csv.DictReader(open(next(run_dir.glob("**/metrics.csv")))))
    steps = {int(r["step"]) for r in rows if r["train_loss"]}
    assert len(steps) == 2 * 3
