"""Pool the seeds of one config run in several runner calls:
``python -m hypergraph.summary RUN_DIR [RUN_DIR ...] [--seeds 0..9] [--metric test_acc] [--percent]``.

A long benchmark row is often run in pieces (``"seeds=[0,1,2,3,4]"`` in one folder, ``[5..9]``
in another, a stopped seed again in a third).  This reads every ``seed_*/metrics.json`` of the
given run folders and prints, per metric, the per-seed values and their mean ± (population)
standard deviation, as the runner's closing lines do::

    test_acc 0.7953 ± 0.0080 (10 seeds)

It refuses, with one line ``error: ...`` and exit status 2: a folder without a run
(``config.yaml``); folders whose configs differ in anything but where and how they ran
(:data:`hypergraph.config.RUN_LOCAL`: ``run_dir``, ``num_threads``, ``dataset.root``, the
trainer's devices, ...; ``trainer.max_epochs`` counts) or their seeds; a seed found in two
folders with different metrics (the same metrics twice are one seed, and it says so); and a
seed asked for with ``--seeds`` that no folder has finished.

``--versus RUN_DIR ...`` pools a second group (another model or config on the same data) and
compares the two **paired by seed**: a seed draws the same split in both only when the task, the
dataset, the features, the preprocessing and the split agree, which is checked.  It prints the
mean and the (population) standard deviation of the per-seed differences, the standard error
and a two-sided paired t-test, as ``test_acc A - B: MEAN ± SD (paired over N seeds; se SE; A higher
on K, lower on L; two-sided paired t-test p = P)``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from omegaconf import OmegaConf

from hypergraph.config import RUN_LOCAL, ConfigError, config_diff, parse_seeds
from hypergraph.train import summarize

# what fixes the split a seed draws (dataset.root aside): two groups are paired only if these agree
SPLIT_KEYS = ("task", "dataset", "features", "preprocess", "split")

__all__ = ["collect_seeds", "compare_paired", "main", "paired_t"]


def _finished_seeds(run_dir: Path) -> dict[int, dict[str, float]]:
    out = {}
    for path in run_dir.glob("seed_*/metrics.json"):
        try:
            seed = int(path.parent.name.removeprefix("seed_"))
        except ValueError:
            continue
        try:
            out[seed] = {k: float(v) for k, v in json.loads(path.read_text()).items()}
        except (ValueError, AttributeError, TypeError) as err:
            raise ConfigError(f"{path} is not a metrics file ({err})") from None
    return out


def _config(run_dir: str | Path) -> dict:
    stored = Path(run_dir) / "config.yaml"
    if not stored.is_file():
        raise ConfigError(f"{run_dir} holds no run (no config.yaml)")
    return OmegaConf.to_container(OmegaConf.load(stored), resolve=False)


def collect_seeds(run_dirs: Sequence[str | Path]) -> tuple[dict[int, dict[str, float]], list[str]]:
    """The finished seeds of ``run_dirs`` (seed → metrics) and notes on what was merged.

    Raises :class:`~hypergraph.config.ConfigError` when a folder holds no run, when the configs
    differ outside :data:`~hypergraph.config.RUN_LOCAL` and ``seeds``, or when one seed has
    different metrics in two folders."""
    if not run_dirs:
        raise ConfigError("give at least one run folder")
    resolved = [Path(d).resolve() for d in run_dirs]
    twice = sorted({str(d) for d in run_dirs if resolved.count(Path(d).resolve()) > 1})
    if twice:
        raise ConfigError(f"run folder(s) {twice} given twice")
    seeds: dict[int, dict[str, float]] = {}
    where: dict[int, Path] = {}
    notes: list[str] = []
    first: tuple[Path, dict] | None = None
    for d in map(Path, run_dirs):
        cfg = _config(d)
        if first is None:
            first = (d, cfg)
        else:
            diff = config_diff(first[1], cfg, ignore=(*RUN_LOCAL, "seeds"))
            if diff:
                what = "; ".join(diff[:5])
                raise ConfigError(
                    f"{d} ran another config than {first[0]}: {what}; pool only runs of one config"
                )
        found = _finished_seeds(d)
        for seed, metrics in sorted(found.items()):
            if seed in seeds:
                if seeds[seed] != metrics:
                    raise ConfigError(
                        f"seed {seed} has different metrics in {where[seed]} and {d}: which one counts?"
                    )
                notes.append(f"seed {seed} is in {where[seed]} and {d} with the same metrics: counted once")
                continue
            seeds[seed], where[seed] = metrics, d
        notes.append(f"{d}: seeds {' '.join(map(str, sorted(found))) or '(none finished)'}")
    return seeds, notes


def _split_part(cfg: dict) -> dict:
    return {k: cfg.get(k) for k in SPLIT_KEYS}


def paired_t(a: Sequence[float], b: Sequence[float]) -> dict[str, float]:
    """``a`` minus ``b``, paired by position (the same seed): ``diff`` (mean), ``sd`` (population
    standard deviation of the differences), ``se`` (sample standard deviation over ``sqrt(n)``),
    ``wins`` (positions where ``a`` is higher), ``losses``, ``n``, ``t``, ``df`` and ``p``
    (two-sided paired t-test).  With one pair ``se``, ``t`` and ``p`` are NaN; when every
    difference is the same, ``t`` is infinite and ``p`` 0, or ``t`` 0 and ``p`` 1 if they are all 0."""
    from scipy.stats import t as student_t

    if len(a) != len(b) or not a:
        raise ValueError(f"a paired test needs two equal, non-empty lists, got {len(a)} and {len(b)}")
    d = [float(x) - float(y) for x, y in zip(a, b)]
    n = len(d)
    mean = math.fsum(d) / n
    ss = math.fsum((x - mean) ** 2 for x in d)
    if n < 2:
        se = t = p = math.nan
    else:
        se = math.sqrt(ss / (n - 1) / n)
        if se > 0:
            t = mean / se
            p = float(2.0 * student_t.sf(abs(t), n - 1))
        else:  # every difference the same
            t, p = (math.copysign(math.inf, mean), 0.0) if mean != 0 else (0.0, 1.0)
    return {"diff": mean, "sd": math.sqrt(ss / n), "se": se, "wins": sum(x > 0 for x in d),
            "losses": sum(x < 0 for x in d), "n": n, "t": t, "df": n - 1, "p": p}  # fmt: skip


def compare_paired(
    a: dict[int, dict[str, float]], b: dict[int, dict[str, float]], metric: str, seeds: Sequence[int]
) -> dict[str, float]:
    """Group ``a`` minus group ``b`` on ``metric`` over ``seeds`` (each finished in both), as
    :func:`paired_t` gives it."""
    if not seeds:
        raise ConfigError("no seed is finished in both groups")
    return paired_t([a[s][metric] for s in seeds], [b[s][metric] for s in seeds])


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m hypergraph.summary", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("run_dirs", nargs="+", help="run folders of one config (runner's run_dir=)")
    p.add_argument(
        "--seeds", nargs="+", default=None, help="only these seeds (0..9, 0 1 2); each must be finished"
    )
    p.add_argument("--metric", nargs="+", default=None, help="only these metrics (default: all)")
    p.add_argument("--percent", action="store_true", help="print accuracies (*_acc) x100 with 2 decimals")
    p.add_argument("--versus", nargs="+", default=None, metavar="RUN_DIR",
                   help="a second group of run folders, compared paired by seed")  # fmt: skip
    args = p.parse_args(sys.argv[1:] if argv is None else list(argv))
    try:
        seeds, notes = collect_seeds(args.run_dirs)
        chosen = sorted(seeds) if args.seeds is None else parse_seeds(args.seeds)
        missing = [s for s in chosen if s not in seeds]
        if missing:
            raise ConfigError(f"seed(s) {missing} not finished in any of the folders ({sorted(seeds)} are)")
        if not chosen:
            raise ConfigError("no finished seed in the folders")
        per_seed = [seeds[s] for s in chosen]
        summary = summarize(per_seed)
        metrics = list(summary) if args.metric is None else args.metric
        unknown = [m for m in metrics if m not in summary]
        if unknown:
            raise ConfigError(f"unknown metric(s) {unknown}; the runs report {list(summary)}")
        versus = None
        if args.versus:
            other, other_notes = collect_seeds(args.versus)
            a_cfg, b_cfg = _config(args.run_dirs[0]), _config(args.versus[0])
            diff = config_diff(_split_part(a_cfg), _split_part(b_cfg), ignore=("dataset.root",))
            if diff:
                raise ConfigError(
                    f"the two groups do not draw the same split per seed ({'; '.join(diff[:5])}): "
                    "a paired comparison needs the same task, dataset, features, preprocessing and split"
                )
            common = [x for x in chosen if x in other]
            lost = [x for x in chosen if x not in other]
            missing_m = [m for m in metrics if any(m not in other[x] or m not in seeds[x] for x in common)]
            if missing_m:
                raise ConfigError(f"metric(s) {missing_m} are not reported by every seed of both groups")
            versus = (common, lost, other, other_notes)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for note in notes:
        print(note)
    scale, fmt = (100.0, ".2f") if args.percent else (1.0, ".4f")
    print("seeds " + " ".join(map(str, chosen)))
    for m in metrics:
        s = summary[m]
        k = scale if m.endswith("_acc") else 1.0
        f = fmt if m.endswith("_acc") else ".4f"
        values = " ".join(f"{seeds[x][m] * k:{f}}" if m in seeds[x] else "-" for x in chosen)
        n = int(s["n"])
        seeds_n = f"{n} seed{'s' if n != 1 else ''}"
        print(f"{m} {s['mean'] * k:{f}} ± {s['std'] * k:{f}} ({seeds_n}; per seed {values})")
    if versus is not None:
        common, lost, other, other_notes = versus
        print(f"versus {' '.join(args.versus)}:")
        for note in other_notes:
            print(f"  {note}")
        if lost:
            print(f"  seeds {' '.join(map(str, lost))} are not finished there: compared on the others")
        for m in metrics:
            c = compare_paired(seeds, other, m, common)
            k = scale if m.endswith("_acc") else 1.0
            f = fmt if m.endswith("_acc") else ".4f"
            se = "n/a" if math.isnan(c["se"]) else f"{c['se'] * k:{f}}"
            pv = "n/a" if math.isnan(c["p"]) else f"{c['p']:.4f}"
            over = f"{c['n']} seed{'s' if c['n'] != 1 else ''}"
            print(
                f"{m} A - B: {c['diff'] * k:+{f}} ± {c['sd'] * k:{f}} (paired over {over}; se {se}; "
                f"A higher on {c['wins']}, lower on {c['losses']}; two-sided paired t-test p = {pv})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
