"""Config runner: ``python -m hypergraph.train config=configs/X.yaml key=value ...``.

The configuration is the task's defaults, then the YAML file given by ``config=``, then the
dotted ``key=value`` overrides (OmegaConf syntax, e.g. ``model.hidden=128`` or
``seeds=[0,1,2]``).  Unknown keys fail with the list of valid ones.  Each seed runs the task;
per-seed metrics, their mean ± std and the resolved config are written to ``runs/<timestamp>/``
(or ``run_dir=``), and the run ends with one line per metric::

    test_acc 0.7905 ± 0.0060 (5 seeds)

``resume=true run_dir=<dir>`` finishes an interrupted run: seeds with results are kept and
the others restart from their ``last.ckpt`` when one exists.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError

from hypergraph.registry import TASKS

DEFAULT_TASK = "node_classification"

COMMON_DEFAULTS: dict[str, Any] = {
    "task": DEFAULT_TASK,
    "seeds": [0],
    "out_dir": "runs",
    "run_dir": None,
    "resume": False,
    "ckpt_path": None,
    "num_threads": None,
}

USAGE = """usage: python -m hypergraph.train [config=PATH] [key=value ...]

  config=PATH        YAML file merged over the task's defaults
  key=value          dotted overrides, e.g. model.hidden=128 trainer.max_epochs=300 seeds=[0,1,2]
  resume=true run_dir=DIR   finish an interrupted run (completed seeds are kept)
  --print-config     print the resolved config and exit
"""


class ConfigError(ValueError):
    """A configuration names an unknown key, task or value."""


def _is_rank_zero() -> bool:
    return int(os.environ.get("LOCAL_RANK", "0")) == 0 and int(os.environ.get("NODE_RANK", "0")) == 0


def parse_args(argv: Sequence[str]) -> tuple[str | None, list[str], bool]:
    config_path, overrides, print_only = None, [], False
    for arg in argv:
        if arg in ("-h", "--help"):
            print(USAGE)
            _load_tasks()
            print("tasks:", ", ".join(TASKS.names()))
            raise SystemExit(0)
        if arg == "--print-config":
            print_only = True
        elif arg.startswith("config="):
            config_path = arg.split("=", 1)[1]
        elif "=" in arg:
            overrides.append(arg)
        else:
            raise ConfigError(f"cannot parse argument {arg!r}: expected config=PATH or key=value")
    return config_path, overrides, print_only


def _load_tasks() -> None:
    import hypergraph.tasks  # noqa: F401  (registers every task)


def load_config(config_path: str | None = None, overrides: Sequence[str] = ()) -> DictConfig:
    """Merge task defaults, the YAML file and the overrides; validate every key."""
    _load_tasks()
    user = OmegaConf.load(config_path) if config_path else OmegaConf.create({})
    cli = OmegaConf.from_dotlist(list(overrides))
    task_name = cli.get("task", None) or user.get("task", None) or DEFAULT_TASK
    try:
        task = TASKS.get(task_name)
    except KeyError as err:
        raise ConfigError(err.args[0]) from None
    base = OmegaConf.create({**COMMON_DEFAULTS, **task.defaults})
    OmegaConf.set_struct(base, True)
    for key in task.open_sections:  # sections validated by the task against signatures
        if key in base:
            OmegaConf.set_struct(base[key], False)
    try:
        cfg = OmegaConf.merge(base, user, cli)
    except (ConfigKeyError, ConfigAttributeError) as err:
        raise ConfigError(_unknown_key_message(err, base)) from None
    if isinstance(cfg.seeds, int):
        cfg.seeds = [cfg.seeds]
    if not isinstance(cfg.seeds, ListConfig) or not all(isinstance(s, int) for s in cfg.seeds):
        raise ConfigError(f"seeds must be an int or a list of ints, got {cfg.seeds}")
    task.validate(cfg)
    return cfg


def _unknown_key_message(err: Exception, base: DictConfig) -> str:
    full_key = getattr(err, "full_key", None) or ""
    parent = full_key.rsplit(".", 1)[0] if "." in full_key else ""
    node = OmegaConf.select(base, parent) if parent else base
    valid = ", ".join(sorted(node.keys())) if isinstance(node, DictConfig) else ""
    where = f" in '{parent}'" if parent else ""
    return f"unknown config key '{full_key}'{where}; valid keys: {valid}"


def summarize(per_seed: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean and (population) standard deviation of each metric over seeds."""
    keys: list[str] = []
    for m in per_seed:
        keys += [k for k in m if k not in keys]
    out = {}
    for k in keys:
        vals = [float(m[k]) for m in per_seed if k in m]
        mean = sum(vals) / len(vals)
        std = math.sqrt(sum((v - mean) ** 2 for v in vals) / len(vals))
        out[k] = {"mean": mean, "std": std, "n": len(vals)}
    return out


def format_summary(summary: dict[str, dict[str, float]]) -> list[str]:
    lines = []
    for k, s in summary.items():
        n = int(s["n"])
        lines.append(f"{k} {s['mean']:.4f} ± {s['std']:.4f} ({n} seed{'s' if n != 1 else ''})")
    return lines


def run(cfg: DictConfig) -> dict[str, Any]:
    """Run every seed of ``cfg``; return per-seed metrics and their summary."""
    task = TASKS.get(cfg.task)
    if cfg.num_threads:
        import torch

        torch.set_num_threads(int(cfg.num_threads))
    if cfg.run_dir:
        run_dir = Path(cfg.run_dir)
    elif not _is_rank_zero() and os.environ.get("HYPERGRAPH_RUN_DIR"):
        run_dir = Path(os.environ["HYPERGRAPH_RUN_DIR"])  # a DDP child: same folder as rank 0
    else:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        run_dir = Path(cfg.out_dir) / f"{stamp}-{cfg.task}"
        if _is_rank_zero():
            i = 1
            while run_dir.exists():
                run_dir = Path(cfg.out_dir) / f"{stamp}-{cfg.task}-{i}"
                i += 1
        os.environ["HYPERGRAPH_RUN_DIR"] = str(run_dir)  # inherited by DDP children
    if cfg.ckpt_path and len(cfg.seeds) > 1:
        raise ConfigError("ckpt_path= resumes a single seed; use resume=true run_dir=DIR instead")
    rank0 = _is_rank_zero()
    if rank0:
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "config.yaml").write_text(OmegaConf.to_yaml(cfg))
    per_seed: list[dict[str, float]] = []
    for seed in cfg.seeds:
        seed_dir = run_dir / f"seed_{seed}"
        done = seed_dir / "metrics.json"
        if cfg.resume and done.exists():
            per_seed.append(json.loads(done.read_text()))
            continue
        ckpt = cfg.ckpt_path
        last = seed_dir / "checkpoints" / "last.ckpt"
        if cfg.resume and ckpt is None and last.exists():
            ckpt = str(last)
        metrics = task.run(cfg, int(seed), seed_dir, ckpt)
        metrics = {k: float(v) for k, v in metrics.items()}
        per_seed.append(metrics)
        if rank0:
            seed_dir.mkdir(parents=True, exist_ok=True)
            done.write_text(json.dumps(metrics, indent=2))
    summary = summarize(per_seed)
    result = {
        "task": cfg.task,
        "seeds": list(cfg.seeds),
        "per_seed": per_seed,
        "summary": summary,
        "config": OmegaConf.to_container(cfg, resolve=True),
        "run_dir": str(run_dir),
    }
    if rank0:
        (run_dir / "results.json").write_text(json.dumps(result, indent=2))
        with open(run_dir / "results.csv", "w", newline="") as f:
            keys = list(summary)
            w = csv.writer(f)
            w.writerow(["seed", *keys])
            for seed, m in zip(cfg.seeds, per_seed):
                w.writerow([seed, *[m.get(k, "") for k in keys]])
            w.writerow(["mean", *[summary[k]["mean"] for k in keys]])
            w.writerow(["std", *[summary[k]["std"] for k in keys]])
    return result


def print_result(result: dict[str, Any]) -> None:
    summary = result["summary"]
    keys = list(summary)
    width = max([len(k) for k in keys] + [6])
    print()
    print(f"results ({result['task']}, {len(result['per_seed'])} seed(s)) -> {result['run_dir']}")
    print(f"{'seed':>6}  " + "  ".join(f"{k:>{width}}" for k in keys))
    for seed, m in zip(result["seeds"], result["per_seed"]):
        print(f"{seed:>6}  " + "  ".join(f"{m.get(k, float('nan')):>{width}.4f}" for k in keys))
    print()
    for line in format_summary(summary):
        print(line)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        config_path, overrides, print_only = parse_args(argv)
        cfg = load_config(config_path, overrides)
    except (ConfigError, KeyError, FileNotFoundError) as err:
        msg = err.args[0] if err.args else str(err)
        print(f"error: {msg}", file=sys.stderr)
        return 2
    if print_only:
        print(OmegaConf.to_yaml(cfg))
        return 0
    result = run(cfg)
    if _is_rank_zero():
        print_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
