"""Hyperparameter search on validation accuracy:
``python -m hypergraph.sweep config=PATH [key=value ...] --space KEY=V1,V2 ... --out FILE``.

A trial is the config (task defaults, YAML file, overrides) with one value per ``--space`` key,
run by :func:`hypergraph.train.run` on ``--seeds`` (quietly, in a temporary run folder).  Its
score is the mean ``val_acc`` over the seeds (``--metric``: another ``val_*``); test metrics are
never read.  Without ``--trials`` (or with at least the grid size) the whole grid runs, else
``--trials`` distinct points drawn with ``--search-seed``.  The best config (first among ties)
goes to ``--out`` atomically, with a header stating the search; its seeds are the config's own.

Every trial runs the same seeds, hence the same splits, so the best trial is compared with the
runner-up seed by seed (:func:`paired_margin`): the mean and standard error of the per-seed
differences and a one-sided paired t-test at 5%.  "not separated" means the search has not shown
the winner to be better than the runner-up on those seeds (common with 2 seeds: one degree of
freedom); run more ``--seeds`` before trusting a small margin.  The test does not correct for
the winner having been picked as the maximum of all trials, so with many trials even "separated"
is optimistic.  Both the printout and the header say which::

    python -m hypergraph.sweep config=configs/zoo/hgnn_cocitation_cora.yaml trainer.max_epochs=200 \\
        --space model.hidden_channels=64,256 optim.lr=0.01,0.001 --seeds 0 1 \\
        --out configs/zoo/hgnn_cocitation_cora.yaml

Overrides go before ``--space`` (which takes every argument up to the next option); space
values are comma-separated and parsed as overrides are (``64`` is an int).  Overrides of where and
how the search runs (``dataset.root``, ``num_threads``, ``trainer.devices``, ...: ``RUN_LOCAL``) apply
to the trials but are not written to ``--out``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import math
import random
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from hypergraph.config import RUN_LOCAL, ConfigError, load_config, parse_seeds
from hypergraph.data.utils import atomic_write
from hypergraph.summary import paired_t
from hypergraph.train import known_errors, run
from hypergraph.train import parse_args as parse_runner_args

__all__ = ["grid_points", "main", "paired_margin", "parse_space", "quiet", "sweep"]


def parse_space(items: Sequence[str]) -> dict[str, list[str]]:
    """``["model.hidden_channels=64,128", "optim.lr=0.01"]`` → ``{key: ["64", "128"], ...}``."""
    space: dict[str, list[str]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        choices = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not key or not choices:
            raise ConfigError(f"--space {item!r}: expected KEY=V1,V2,... (e.g. optim.lr=0.01,0.001)")
        if key in space:
            raise ConfigError(f"--space names {key!r} twice")
        if key in ("seeds", "run_dir", "resume") or key.startswith("test"):
            raise ConfigError(f"--space cannot search {key!r}")
        space[key] = list(dict.fromkeys(choices))
    if not space:
        raise ConfigError("--space is empty: give at least one KEY=V1,V2,...")
    return space


def grid_points(space: dict[str, list[str]], trials: int | None, seed: int = 0) -> list[dict[str, str]]:
    """The whole grid when ``trials`` is ``None`` or at least its size, else ``trials`` distinct
    points drawn uniformly with ``random.Random(seed)`` (grid order kept)."""
    keys = list(space)
    size = math.prod(len(space[k]) for k in keys)
    if trials is not None and trials < 1:
        raise ConfigError(f"--trials must be >= 1, got {trials}")
    full = trials is None or trials >= size
    index = range(size) if full else sorted(random.Random(seed).sample(range(size), trials))
    points = []
    for i in index:  # mixed-radix decoding: the grid is never materialised
        point = {}
        for k in reversed(keys):
            i, j = divmod(i, len(space[k]))
            point[k] = space[k][j]
        points.append({k: point[k] for k in keys})
    return points


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Stdout swallowed and Lightning's info lines (devices, checkpoint restores) silenced."""
    loggers = [logging.getLogger(n) for n in ("lightning.pytorch", "lightning.fabric", "pytorch_lightning")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def paired_margin(best: Sequence[float], other: Sequence[float], level: float = 0.05) -> dict[str, Any]:
    """The best trial against another, paired by seed (same seeds, same splits):
    :func:`hypergraph.summary.paired_t` (``diff``, ``se``, ``wins``, ``n``, ``t``, ...) with
    ``t_crit`` (the one-sided Student-t quantile at ``level`` with ``n - 1`` degrees of freedom)
    and ``separated`` (``t > t_crit``).  With one seed nothing can be separated (``t`` and
    ``t_crit`` are NaN)."""
    from scipy.stats import t as student_t

    res = paired_t(best, other)
    t_crit = float(student_t.ppf(1.0 - level, res["n"] - 1)) if res["n"] > 1 else math.nan
    return {**res, "t_crit": t_crit, "separated": bool(res["t"] > t_crit)}


def _margin_line(res: dict[str, Any]) -> str | None:
    """One line on the best trial against the runner-up (``None`` with a single trial)."""
    m = res["margin"]
    if m is None:
        return None
    runner = " ".join(_choice_overrides(res["trials"][m["runner_up"]][0]))
    se = "n/a" if math.isnan(m["se"]) else f"{m['se']:.4f}"
    if m["n"] < 2:
        verdict = "not separated: one seed cannot tell them apart"
    elif m["separated"]:
        verdict = f"separated (t = {m['t']:.2f} > {m['t_crit']:.2f}, one-sided paired t-test at 5%)"
    else:
        verdict = (
            f"NOT separated (t = {m['t']:.2f} <= {m['t_crit']:.2f}, one-sided paired t-test at 5%):"
            " the winner is not shown to be better (more seeds may separate them, or they are equal)"
        )
    return (
        f"best - runner-up ({runner}), paired by seed: {m['diff']:+.4f} (se {se}), "
        f"better on {m['wins']} of {m['n']} seeds; {verdict}"
    )


def _choice_overrides(point: dict[str, str]) -> list[str]:
    return [f"{k}={v}" for k, v in point.items()]


def sweep(
    config_path: str | None,
    overrides: Sequence[str],
    space: dict[str, list[str]],
    trials: int | None = None,
    seeds: Sequence[int] = (0,),
    search_seed: int = 0,
    metric: str = "val_acc",
    verbose: bool = True,
) -> dict[str, Any]:
    """Run every trial; return ``{"best": point, "best_score", "trials": [(point, mean, std)],
    "per_seed": [[value per seed] per trial], "margin": paired_margin of the best against the
    runner-up (with ``runner_up``, its trial index; ``None`` with one trial), ...}``."""
    if not metric.startswith("val_"):
        raise ConfigError(f"--metric must be a validation metric (val_*), not {metric!r}")
    points = grid_points(space, trials, search_seed)
    seed_list = f"seeds=[{','.join(str(int(s)) for s in seeds)}]"
    results: list[tuple[dict[str, str], float, float]] = []
    per_seed: list[list[float]] = []
    tmp = Path(tempfile.mkdtemp(prefix="hypergraph-sweep-"))
    try:
        for i, point in enumerate(points):
            extra = [*_choice_overrides(point), seed_list, f"run_dir={tmp / f'trial_{i}'}", "logger=none"]
            cfg = load_config(config_path, [*overrides, *extra])
            if "trainer" in cfg:
                cfg.trainer.enable_progress_bar = False
            t = time.perf_counter()
            with quiet():
                res = run(cfg)
            if metric not in res["summary"]:
                raise ConfigError(f"task {cfg.task!r} reports no {metric!r}, only {list(res['summary'])}")
            s = res["summary"][metric]
            results.append((point, float(s["mean"]), float(s["std"])))
            per_seed.append([float(m[metric]) for m in res["per_seed"]])
            if verbose:
                what = " ".join(_choice_overrides(point))
                print(f"trial {i + 1}/{len(points)}  {what}  {metric} {s['mean']:.4f} ± {s['std']:.4f}"
                      f"  ({time.perf_counter() - t:.0f} s)", flush=True)  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    best = max(range(len(results)), key=lambda j: (results[j][1], -j))  # first among ties
    size, n = math.prod(len(v) for v in space.values()), len(results)
    search = "full grid" if n == size else f"random search (search seed {search_seed}), {n} of {size} points"
    point, mean, std = results[best]
    margin = None
    if n > 1:
        runner_up = max((j for j in range(n) if j != best), key=lambda j: (results[j][1], -j))
        margin = {**paired_margin(per_seed[best], per_seed[runner_up]), "runner_up": runner_up}
    return {"best": point, "best_score": mean, "best_std": std, "trials": results, "per_seed": per_seed,
            "margin": margin, "metric": metric, "space": space, "seeds": list(seeds),
            "search": search}  # fmt: skip


def _run_local(override: str) -> bool:
    return override.split("=", 1)[0] in RUN_LOCAL


def write_best(out: str | Path, config: str | None, overrides: Sequence[str], res: dict, cmd: str) -> None:
    """The best config with a header, atomically: the base file's own keys (interpolations such as
    ``${oc.env:...}`` kept) with the overrides and the chosen values set, not the task's resolved
    defaults, so the file stays as short as the one it came from (without a base file, the
    resolved config).  Overrides of run-local keys (:data:`RUN_LOCAL`: ``dataset.root``,
    ``num_threads``, ``run_dir``, the trainer's devices, ...) are not written, so a machine's data
    path or thread count never lands in a shared config; the header lists them.  It is checked by
    loading it as the runner would."""
    local = [o for o in overrides if _run_local(o)]
    overrides = [o for o in overrides if not _run_local(o)]
    changes = [*overrides, *_choice_overrides(res["best"])]
    cfg = load_config(config, changes)  # validates the result (unknown keys, bad values)
    if config is not None:
        cfg = OmegaConf.merge(OmegaConf.load(config), OmegaConf.from_dotlist(changes))
    metric = res["metric"]
    lines = [
        f"# Chosen by: {cmd}",
        f"# Search: {res['search']}; seeds {res['seeds']}; score = mean {metric} over those seeds"
        " (test never read).",
        "# Space: " + "; ".join(f"{k} in {{{', '.join(v)}}}" for k, v in res["space"].items()),
        f"# Best: {' '.join(_choice_overrides(res['best']))}"
        f" -> {metric} {res['best_score']:.4f} ± {res['best_std']:.4f}",
        *([f"# {line}"] if (line := _margin_line(res)) else []),
        f"# Trials ({metric} mean ± std; per seed, in the order of the seeds):",
        *(
            f"#   {' '.join(_choice_overrides(p))}: {m:.4f} ± {s:.4f} ({' '.join(f'{v:.4f}' for v in vals)})"
            for (p, m, s), vals in zip(res["trials"], res["per_seed"])
        ),
        f"# Written {time.strftime('%Y-%m-%d %H:%M')}; base config: {config or '(task defaults)'}"
        + (f", overrides: {' '.join(overrides)}" if overrides else "")
        + (f"; run-local, not written: {' '.join(local)}" if local else ""),
    ]
    text = "\n".join(lines) + "\n" + OmegaConf.to_yaml(cfg)
    with atomic_write(out, "w") as f:
        f.write(text)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(prog="python -m hypergraph.sweep", description=__doc__, formatter_class=fmt)
    p.add_argument("args", nargs="*", help="config=PATH and key=value overrides (before --space)")
    p.add_argument("--space", nargs="+", required=True, metavar="KEY=V1,V2", help="the choices to search")
    p.add_argument("--trials", type=int, default=None, help="random points to try (default: the whole grid)")
    p.add_argument(
        "--seeds", nargs="+", default=["0"], help="seeds each trial runs: 0 1, 0..4, 0,2 (default 0)"
    )
    p.add_argument("--search-seed", type=int, default=0, help="seed of the random draw of grid points")
    p.add_argument("--metric", default="val_acc", help="validation metric to maximise (default val_acc)")
    p.add_argument("--out", default=None, help="where to write the best config (YAML)")
    return p.parse_intermixed_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    try:
        config_path, overrides, _ = parse_runner_args(args.args)
        space = parse_space(args.space)
        seeds = parse_seeds(args.seeds)
        res = sweep(config_path, overrides, space, args.trials, seeds, args.search_seed, args.metric)
        best = " ".join(_choice_overrides(res["best"]))
        print(f"best: {best}  {res['metric']} {res['best_score']:.4f} ± {res['best_std']:.4f}")
        if (line := _margin_line(res)) is not None:
            print(line)
        if args.out:
            command = "python -m hypergraph.sweep " + " ".join(shlex.quote(a) for a in argv)
            write_best(args.out, config_path, overrides, res, command)
            print(f"wrote {args.out}")
    except known_errors() as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
