"""Config runner: ``python -m hypergraph.train config=configs/X.yaml key=value ...``.

The configuration is the task's defaults, then the YAML file given by ``config=``, then the
dotted ``key=value`` overrides (OmegaConf syntax, e.g. ``model.hidden_channels=128`` or
``seeds=[0,1,2]``).  Unknown keys fail with the list of valid ones.  Each seed runs the task;
per-seed metrics, their mean ± std and the resolved config are written to ``runs/<timestamp>/``
(or ``run_dir=``), and the run ends with one line per metric::

    test_acc 0.7905 ± 0.0060 (5 seeds)

``resume=true run_dir=<dir>`` finishes an interrupted run: seeds with results are kept and
the others restart from their ``last.ckpt`` when one exists; the config must be the one the
run was started with.  A run folder is locked while a run writes into it.  Known errors (config,
data, model, checkpoint) print one line ``error: ...`` and exit with status 2, leaving no new
run folder behind.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from hypergraph.config import (
    COMMON_DEFAULTS,
    DEFAULT_TASK,
    ConfigError,
    RunError,
    check_resume,
    load_config,
)
from hypergraph.data.utils import atomic_write
from hypergraph.registry import TASKS

__all__ = ["ConfigError", "RunError", "load_config", "main", "run", "summarize"]

USAGE = """usage: python -m hypergraph.train [config=PATH] [key=value ...]

  config=PATH        YAML file merged over the task's defaults
  key=value          dotted overrides, e.g. model.hidden_channels=128 trainer.max_epochs=300 seeds=[0,1,2]
  resume=true run_dir=DIR   finish an interrupted run (completed seeds are kept)
  logger=csv|tensorboard|none   training logs (default csv: <run>/seed_<s>/logs/metrics.csv)
  --print-config     print the resolved config and exit
  --help [task=NAME] this text, the registered tasks, models and datasets, and a task's keys
"""


def _is_rank_zero() -> bool:
    return int(os.environ.get("LOCAL_RANK", "0")) == 0 and int(os.environ.get("NODE_RANK", "0")) == 0


def print_help(overrides: Sequence[str] = ()) -> None:
    """Usage, registered tasks / models / datasets, and the chosen task's default keys."""
    from hypergraph.registry import DATASETS, MODELS

    print(USAGE)
    print("tasks:", ", ".join(TASKS.names()))
    print("models:", ", ".join(MODELS.names()))
    print("datasets:", ", ".join(DATASETS.names()), "(or any folder in a known format: dataset.format=...)")
    task_name = OmegaConf.from_dotlist([o for o in overrides if o.startswith("task=")]).get("task")
    task = TASKS.get(task_name or DEFAULT_TASK)
    print(f"\nkeys of task '{task.name}' (defaults):")
    print(OmegaConf.to_yaml(OmegaConf.create({**COMMON_DEFAULTS, **task.defaults})))


def parse_args(argv: Sequence[str]) -> tuple[str | None, list[str], bool]:
    config_path, overrides, print_only = None, [], False
    if any(a in ("-h", "--help") for a in argv):
        print_help([a for a in argv if "=" in a])
        raise SystemExit(0)
    for arg in argv:
        if arg == "--print-config":
            print_only = True
        elif arg.startswith("config="):
            config_path = arg.split("=", 1)[1]
        elif "=" in arg:
            overrides.append(arg)
        else:
            raise ConfigError(f"cannot parse argument {arg!r}: expected config=PATH or key=value")
    return config_path, overrides, print_only


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


class RunLock:
    """An exclusive lock file ``<run_dir>/.lock`` holding the owner's pid; a lock left by a
    process that no longer exists is taken over."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / ".lock"
        self.held = False

    def __enter__(self) -> RunLock:
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                try:
                    pid = int(self.path.read_text().strip() or 0)
                except (OSError, ValueError):
                    pid = 0
                if pid and _alive(pid):
                    raise ConfigError(
                        f"run_dir {self.path.parent} is in use by another run (pid {pid}); "
                        "wait for it or choose another run_dir"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its owner is gone
                continue
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            self.held = True
            return self
        raise ConfigError(f"cannot lock run_dir {self.path.parent}")

    def __exit__(self, *exc: object) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run(cfg: DictConfig) -> dict[str, Any]:
    """Run every seed of ``cfg``; return per-seed metrics and their summary."""
    task = TASKS.get(cfg.task)
    if cfg.num_threads:
        import torch

        torch.set_num_threads(int(cfg.num_threads))
    if "trainer" in cfg and cfg.get("logger") is not None:
        cfg.trainer.logger = cfg.logger
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
    if cfg.ckpt_path and not Path(cfg.ckpt_path).is_file():
        raise ConfigError(f"ckpt_path {cfg.ckpt_path!r} is not a file")
    if cfg.ckpt_path:
        _check_checkpoint(cfg.ckpt_path)
    rank0 = _is_rank_zero()
    if cfg.resume and rank0:
        check_resume(cfg, run_dir)
    elif rank0 and (run_dir / "config.yaml").exists():
        raise ConfigError(
            f"run_dir {run_dir} already holds a run; use resume=true to finish it, or another run_dir"
        )
    created = rank0 and not run_dir.exists()
    if rank0:
        run_dir.mkdir(parents=True, exist_ok=True)
    lock = RunLock(run_dir) if rank0 else contextlib.nullcontext()
    try:
        with lock:
            return _run_seeds(cfg, task, run_dir, rank0)
    except BaseException:
        if created and not any(run_dir.glob("seed_*/metrics.json")):
            shutil.rmtree(run_dir, ignore_errors=True)  # nothing finished: leave nothing behind
        raise


def _run_seeds(cfg: DictConfig, task: Any, run_dir: Path, rank0: bool) -> dict[str, Any]:
    if rank0:  # on resume only the keys free to change (e.g. trainer.max_epochs) differ
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
            _keep_log_history(seed_dir)
        metrics = task.run(cfg, int(seed), seed_dir, ckpt)
        if rank0:
            _merge_log_history(seed_dir)
        metrics = {k: float(v) for k, v in metrics.items()}
        bad = [k for k, v in metrics.items() if k.startswith(("test_", "val_")) and not math.isfinite(v)]
        if bad:
            raise RunError(f"seed {seed}: metric(s) {bad} are not finite (training diverged?)")
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


def _check_checkpoint(path: str) -> None:
    """Refuse a file that is not a Lightning checkpoint, before any folder is made."""
    import torch

    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - torch raises many types for a bad file
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ConfigError(f"ckpt_path {path!r} is not a readable checkpoint ({first})") from None
    if not isinstance(ckpt, dict) or "state_dict" not in ckpt:
        raise ConfigError(f"ckpt_path {path!r} is not a Lightning checkpoint (no 'state_dict')")


def _keep_log_history(seed_dir: Path) -> None:
    """Lightning's CSV logger deletes ``metrics.csv`` on resume: move the pre-kill rows to
    ``metrics.part<k>.csv`` beside it, for :func:`_merge_log_history` once the seed is done."""
    log = seed_dir / "logs" / "metrics.csv"
    if log.exists():
        k = len(list(log.parent.glob("metrics.part*.csv")))
        log.rename(log.parent / f"metrics.part{k}.csv")


def _merge_log_history(seed_dir: Path) -> None:
    """Put the parts kept by :func:`_keep_log_history` back in front of ``metrics.csv``, so the
    file holds every epoch of a resumed seed.  A part's rows from the epoch its successor starts
    at on are dropped (that successor logged them again, from the checkpoint)."""
    logs = seed_dir / "logs"
    numbered = [(p.stem[len("metrics.part") :], p) for p in logs.glob("metrics.part*.csv")]
    parts = [p for _, p in sorted((int(k), p) for k, p in numbered if k.isdigit())]
    if not parts:
        return
    tables = []
    for path in [*parts, *[p for p in [logs / "metrics.csv"] if p.is_file()]]:  # none with logger=none
        with open(path, newline="") as f:
            tables.append(list(csv.DictReader(f)))

    def epoch(row: dict[str, str]) -> float:
        try:
            return float(row.get("epoch") or "nan")
        except ValueError:
            return math.nan

    rows: list[dict[str, str]] = []
    cutoff = math.inf
    for table in reversed(tables):
        rows[:0] = [r for r in table if not epoch(r) >= cutoff]  # rows without an epoch are kept
        cutoff = min([cutoff, *(e for e in map(epoch, table) if math.isfinite(e))])
    fields = sorted({k for r in rows for k in r if k is not None})  # Lightning sorts its header too
    with atomic_write(logs / "metrics.csv", "w") as f:
        w = csv.DictWriter(f, fieldnames=fields, restval="", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    for p in parts:
        p.unlink()


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


def known_errors() -> tuple[type[BaseException], ...]:
    """Errors a user can fix from the message alone: printed as one line, exit status 2."""
    import pickle

    errs: list[type[BaseException]] = [
        ConfigError, RunError, KeyError, ValueError, TypeError, FileNotFoundError, NotADirectoryError,
        IsADirectoryError, PermissionError, pickle.UnpicklingError, EOFError, ModuleNotFoundError,
        FloatingPointError,
    ]  # fmt: skip
    try:
        from hypergraph.datasets.download import ChecksumError

        errs.append(ChecksumError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errs)


def _message(err: BaseException) -> str:
    msg = str(err.args[0] if isinstance(err, KeyError) and err.args else err).strip()
    msg = " ".join(line.strip() for line in msg.splitlines() if line.strip())  # always one line
    return f"{type(err).__name__}: {msg}" if not isinstance(err, (ConfigError, KeyError)) else msg


def _process_group_open() -> bool:
    dist = sys.modules.get("torch.distributed")  # never import torch just for this
    return dist is not None and dist.is_available() and dist.is_initialized()


def close_process_group() -> None:
    """Destroy the process group a DDP run opened, if it is still open.

    Lightning registers an exit hook that destroys the group only for NCCL; a gloo group (DDP on
    CPU) still alive at interpreter exit can abort the process with SIGABRT ("terminate called
    without an active exception") while its worker threads are torn down.  Every rank calls this
    after its last collective, so no rank waits on another.
    """
    if _process_group_open():
        sys.modules["torch.distributed"].destroy_process_group()


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    callers_group = _process_group_open()  # a group the caller opened is the caller's to close
    try:
        config_path, overrides, print_only = parse_args(argv)
        cfg = load_config(config_path, overrides)
        if print_only:
            print(OmegaConf.to_yaml(cfg))
            return 0
        result = run(cfg)
    except known_errors() as err:
        if os.environ.get("HYPERGRAPH_TRACEBACK"):
            raise
        print(f"error: {_message(err)}", file=sys.stderr)
        return 2
    finally:
        if not callers_group:
            close_process_group()
    if _is_rank_zero():
        print_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
