"""Plots of a run folder: ``python -m hypergraph.plot RUN_DIR [--out DIR]``.

``RUN_DIR`` is one of

* a run of :mod:`hypergraph.train` (``config.yaml``, ``results.json``, ``seed_<s>/``): per seed,
  the training and validation curves from ``seed_<s>/logs/metrics.csv`` with the selected
  (best-validation) epoch marked (``curves_seed<s>.png``); a confusion matrix of the test nodes
  at the selected checkpoint from ``seed_<s>/predictions.npz`` (``y_true``, ``y_pred``;
  ``confusion_seed<s>.png``); precision-recall and ROC curves of the test candidates from
  ``seed_<s>/scores.npz`` (``y_true``, ``y_score``; ``pr_roc.png``, all seeds);
* a multi-model benchmark folder: a CSV with columns ``dataset, model, mean, std`` (and
  optionally ``paper``, ``split``, ``metric``): mean ± std per model, one panel per dataset,
  the paper's value marked (``benchmark_<csv name>.png``);
* a closure benchmark folder (``scripts/bench_closure.py --out DIR``): average precision
  relative to random of every score, one panel per dataset (``closure_scores.png``).

PNGs go to ``--out`` (default ``RUN_DIR/plots``).  matplotlib is an optional dependency
(``pip install hypergraph[plot]``), imported only here; the figures are built with the
object-oriented API (no pyplot state, no backend change).  The ``*_figure`` functions return
the :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from hypergraph.plot.figures import (
    SCORE_METRICS,
    PlotError,
    _score_metric,
    benchmark_figure,
    closure_figure,
    confusion_figure,
    curves_figure,
    pr_roc_figure,
)


def read_metrics_csv(path: str | Path) -> dict[str, np.ndarray]:
    """Per-epoch values of a Lightning ``CSVLogger`` ``metrics.csv``.

    Returns ``{"epoch": epochs, column: values}``: one entry per epoch that logged anything,
    each column the mean of its logged (non-empty) values in that epoch, NaN where it logged
    none (``step`` is dropped).  Rows after the last training epoch (the evaluation at the
    selected checkpoint after ``fit``) are not part of the curves and are dropped.
    """
    path = Path(path)
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError as err:
        raise PlotError(f"{path} not found") from err
    if not rows or "epoch" not in rows[0]:
        raise PlotError(f"{path} has no 'epoch' column (not a Lightning CSVLogger metrics.csv)")
    cols = [c for c in rows[0] if c not in ("epoch", "step")]
    sums: dict[int, dict[str, list[float]]] = {}
    for i, row in enumerate(rows, start=2):
        if not row.get("epoch"):
            continue
        try:
            epoch = int(float(row["epoch"]))
        except ValueError as err:
            raise PlotError(f"{path}:{i}: epoch {row['epoch']!r} is not a number") from err
        acc = sums.setdefault(epoch, {c: [] for c in cols})
        for c in cols:
            v = row.get(c)
            if v not in (None, ""):
                try:
                    x = float(v)
                except ValueError as err:
                    raise PlotError(f"{path}:{i}: {c}={v!r} is not a number") from err
                if not math.isnan(x):
                    acc[c].append(x)
    epochs = sorted(sums)
    trained = [e for e in epochs if any(sums[e][c] for c in cols if c.startswith("train_"))]
    if trained:  # drop the rows trainer.test / trainer.validate write after fit (epoch = max_epochs)
        epochs = [e for e in epochs if e <= trained[-1]]
    out = {"epoch": np.asarray(epochs, dtype=np.int64)}
    for c in cols:
        out[c] = np.asarray([np.mean(sums[e][c]) if sums[e][c] else np.nan for e in epochs])
    return out


def best_epoch(metrics: dict[str, np.ndarray], seed_dir: str | Path | None = None) -> int | None:
    """The selected epoch: ``best_epoch`` of ``seed_dir/metrics.json`` when recorded (the epoch
    of the best-validation checkpoint), else the best epoch of the validation score (the
    lowest ``val_loss`` when there is no score)."""
    if seed_dir is not None:
        p = Path(seed_dir) / "metrics.json"
        if p.exists():
            b = json.loads(p.read_text()).get("best_epoch")
            if b is not None and b >= 0:
                return int(b)
    score = _score_metric(metrics)
    key, sign = (score, 1.0) if score else ("val_loss", -1.0)
    v = metrics.get(key)
    if v is None or not np.isfinite(v).any():
        return None
    return int(metrics["epoch"][np.nanargmax(sign * v)])


# --------------------------------------------------------------------------------- figures
def _save(fig: Any, path: Path, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    written.append(path)


def _seed_dirs(run_dir: Path) -> list[tuple[str, Path]]:
    found = []
    for p in run_dir.glob("seed_*"):
        if p.is_dir():
            s = p.name[len("seed_") :]
            found.append((int(s) if s.lstrip("-").isdigit() else s, s, p))
    return [(s, p) for _, s, p in sorted(found, key=lambda t: (isinstance(t[0], str), t[0]))]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def plot_run(run_dir: str | Path, out: str | Path | None = None) -> list[Path]:
    """Write every plot ``run_dir`` supports (see the module docstring); returns the PNG paths."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise PlotError(f"{run_dir} is not a folder")
    out = Path(out) if out is not None else run_dir / "plots"
    written: list[Path] = []
    task = _task(run_dir)
    pr_curves = []
    for s, seed_dir in _seed_dirs(run_dir):
        label = f"seed {s}"
        log = seed_dir / "logs" / "metrics.csv"
        if log.exists():
            m = read_metrics_csv(log)
            fig = curves_figure(m, best_epoch(m, seed_dir), title=f"{task or run_dir.name}, {label}")
            _save(fig, out / f"curves_seed{s}.png", written)
        pred = seed_dir / "predictions.npz"
        if pred.exists():
            arrays = _npz(pred, ("y_true", "y_pred"))
            fig = confusion_figure(
                arrays["y_true"], arrays["y_pred"], title=f"{task or run_dir.name}, {label}"
            )
            _save(fig, out / f"confusion_seed{s}.png", written)
        scores = seed_dir / "scores.npz"
        if scores.exists():
            arrays = _npz(scores, ("y_true", "y_score"))
            pr_curves.append((label, arrays["y_true"], arrays["y_score"]))
    if pr_curves:
        _save(
            pr_roc_figure(pr_curves, title=f"{task or run_dir.name}: test candidates"),
            out / "pr_roc.png",
            written,
        )
    for csv_path in sorted(run_dir.glob("*.csv")):
        rows = _read_csv(csv_path)
        head = set(rows[0]) if rows else set()
        if {"dataset", "label_mode", "harm_mean"} <= head:
            _save(closure_figure(rows), out / "closure_scores.png", written)
        elif {"dataset", "model", "mean", "std"} <= head:
            _save(benchmark_figure(rows), out / f"benchmark_{csv_path.stem}.png", written)
    if not written:
        raise PlotError(
            f"nothing to plot in {run_dir}: expected seed_<s>/logs/metrics.csv (a hypergraph.train run), "
            "a CSV with columns dataset, model, mean, std (a benchmark) or a bench_closure results.csv"
        )
    return written


def _task(run_dir: Path) -> str | None:
    p = run_dir / "results.json"
    if p.exists():
        try:
            return json.loads(p.read_text()).get("task")
        except (json.JSONDecodeError, AttributeError):
            return None
    return None


def _npz(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = [k for k in keys if k not in z.files]
            if missing:
                raise PlotError(f"{path} has no array(s) {', '.join(missing)} (found: {', '.join(z.files)})")
            return {k: z[k] for k in keys}
    except (OSError, ValueError) as err:
        if isinstance(err, PlotError):
            raise
        raise PlotError(f"{path} is not a readable .npz file: {err}") from err


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m hypergraph.plot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("run_dir", help="a hypergraph.train run folder or a benchmark output folder")
    ap.add_argument("--out", default=None, help="output folder for the PNGs (default RUN_DIR/plots)")
    args = ap.parse_args(argv)
    try:
        written = plot_run(args.run_dir, args.out)
    except (PlotError, ImportError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for p in written:
        print(p)
    return 0


__all__ = [
    "SCORE_METRICS",
    "PlotError",
    "benchmark_figure",
    "best_epoch",
    "closure_figure",
    "confusion_figure",
    "curves_figure",
    "main",
    "plot_run",
    "pr_roc_figure",
    "read_metrics_csv",
]
