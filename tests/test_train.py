import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hypergraph.train import ConfigError, load_config, main, summarize

REPO = Path(__file__).resolve().parents[1]
FAST = [
    "trainer.max_epochs=4",
    "trainer.enable_progress_bar=false",
    "dataset.num_nodes=200",
    "dataset.num_hyperedges=100",
]


@pytest.mark.parametrize(
    "override, match",
    [
        ("modle.hidden=3", "unknown config key 'modle'"),
        ("split.trian=0.3", r"unknown config key 'split.trian' in 'split'; valid keys: .*train"),
        ("model.hiden=3", "unknown key.*'hiden'.*model 'hgnn'"),
        ("dataset.nodes=3", "unknown key.*'nodes'.*dataset 'synthetic_hsbm'"),
        ("trainer.max_epoch=3", "unknown key.*'max_epoch'.*trainer"),
        ("model.name=gcnn", "unknown model 'gcnn'; valid models: .*hgnn"),
        ("dataset.name=cora", "unknown dataset 'cora'; valid datasets: .*cocitation-cora"),
        ("task=foo", "unknown task 'foo'; valid tasks: .*node_classification"),
        ("split.kind=half", "unknown split.kind"),
    ],
)
def test_bad_config_errors(override, match):
    with pytest.raises((ConfigError, KeyError, ValueError), match=match):
        load_config(None, [override])


def test_cli_unknown_key_exit_code(capsys):
    assert main(["optim.lrr=0.1"]) == 2
    assert "unknown config key 'optim.lrr'" in capsys.readouterr().err


def test_config_file_and_overrides(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("model: {hidden_channels: 7}\nseeds: 3\n")
    cfg = load_config(str(f), ["optim.lr=0.5"])
    assert cfg.model.hidden_channels == 7 and cfg.optim.lr == 0.5 and list(cfg.seeds) == [3]
    assert cfg.model.name == "hgnn"  # defaults kept


def test_summary_math():
    s = summarize([{"a": 1.0}, {"a": 3.0}])
    assert s["a"] == {"mean": 2.0, "std": 1.0, "n": 2}


def test_two_seeds_write_results(tmp_path, capsys):
    run_dir = tmp_path / "run"
    assert main([*FAST, "seeds=[0,1]", f"run_dir={run_dir}", "model.name=hgnnp"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("test_acc ")]
    assert len(lines) == 1 and lines[0].endswith("(2 seeds)") and " ± " in lines[0]
    res = json.loads((run_dir / "results.json").read_text())
    assert len(res["per_seed"]) == 2 and res["config"]["model"]["name"] == "hgnnp"
    assert (run_dir / "results.csv").read_text().startswith("seed,val_acc,test_acc")
    assert (run_dir / "seed_1" / "checkpoints" / "best.ckpt").exists()
    # resume keeps completed seeds, under another logger too (the logger does not change results)
    again = [*FAST, "seeds=[0,1]", f"run_dir={run_dir}", "resume=true", "model.name=hgnnp", "logger=none"]
    assert main(again) == 0
    again = json.loads((run_dir / "results.json").read_text())
    assert again["per_seed"] == res["per_seed"]


def test_killed_run_resumes_from_last_checkpoint(tmp_path):
    run_dir = tmp_path / "run"
    args = [
        sys.executable,
        "-m",
        "hypergraph.train",
        "trainer.max_epochs=400",
        "trainer.enable_progress_bar=false",
        "dataset.num_nodes=3000",
        f"run_dir={run_dir}",
        "num_threads=1",
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
    proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last = run_dir / "seed_0" / "checkpoints" / "last.ckpt"
    deadline = time.time() + 120
    while time.time() < deadline and not last.exists() and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert last.exists(), "no checkpoint written before the kill"
    assert not (run_dir / "results.json").exists(), "run finished before it was killed"
    import torch

    epoch_killed = torch.load(last, weights_only=False)["epoch"]
    assert epoch_killed < 399
    done = subprocess.run(
        [*args[:3], *args[4:], "trainer.max_epochs=" + str(epoch_killed + 3), "resume=true"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"Restoring states from the checkpoint path at {last}" in done.stderr + done.stdout
    assert "test_acc" in done.stdout and (run_dir / "results.json").exists()
    final = torch.load(last, weights_only=False)
    assert final["epoch"] == epoch_killed + 3 and final["global_step"] == epoch_killed + 3


def test_ddp_two_cpu_processes(tmp_path):
    run_dir = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hypergraph.train",
            *FAST,
            "trainer.devices=2",
            "trainer.strategy=ddp",
            "trainer.accelerator=cpu",
            f"run_dir={run_dir}",
        ],
        cwd=tmp_path,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Initializing distributed: GLOBAL_RANK: 1, MEMBER: 2/2" in done.stderr
    assert sum(line.startswith("test_acc ") for line in done.stdout.splitlines()) == 1  # rank 0 only
    assert json.loads((run_dir / "results.json").read_text())["summary"]["test_acc"]["n"] == 1


def test_main_destroys_a_gloo_process_group(tmp_path, capsys, monkeypatch):
    """Lightning destroys only NCCL groups at exit; a gloo group left open can abort the process.
    main closes the group its run opened (also when the run fails), never one its caller opened."""
    import torch.distributed as dist

    import hypergraph.train as train

    stores = iter(range(3))

    def opens_a_group(cfg, fail=False):
        dist.init_process_group(
            "gloo", init_method=f"file://{tmp_path}/s{next(stores)}", rank=0, world_size=1
        )
        if fail:
            raise ConfigError("refused after the group was opened")
        return {"summary": {}}

    try:
        monkeypatch.setattr(train, "print_result", lambda result: None)
        monkeypatch.setattr(train, "run", opens_a_group)
        assert main([]) == 0
        assert not dist.is_initialized()
        monkeypatch.setattr(train, "run", lambda cfg: opens_a_group(cfg, fail=True))
        assert main([]) == 2
        assert not dist.is_initialized()
        dist.init_process_group("gloo", init_method=f"file://{tmp_path}/caller", rank=0, world_size=1)
        assert main(["--print-config"]) == 0
        assert dist.is_initialized()  # the caller's group is left alone
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    capsys.readouterr()
