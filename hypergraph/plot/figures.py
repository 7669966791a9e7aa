"""The figures of :mod:`hypergraph.plot`, each returning a :class:`matplotlib.figure.Figure`."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

# the validation metric a task selects on, in order of preference
SCORE_METRICS = ("val_acc", "val_rel_ap", "val_auc", "val_ap", "val_f1", "val_rocauc")
CLOSURE_COLS = (
    "harm_mean", "geom_mean", "arith_mean", "min", "max", "common", "jaccard", "adamic_adar",
    "proj_graph_PA", "simplex_PA", "UPKatz", "WPKatz", "UPPR", "WPPR", "SimpPPR", "logreg",
)  # fmt: skip
CLOSURE_SHORT = {
    "harm_mean": "Harm", "geom_mean": "Geom", "arith_mean": "Arith", "min": "Min", "max": "Max",
    "common": "CN", "jaccard": "Jacc", "adamic_adar": "AA", "proj_graph_PA": "PA", "simplex_PA": "sPA",
    "logreg": "LogReg",
}  # fmt: skip
TRAIN_COLOR, VAL_COLOR, BEST_COLOR = "#1f77b4", "#d62728", "#2ca02c"
METRIC_NAMES = {
    "loss": "loss", "acc": "accuracy", "rel_ap": "AP / random", "auc": "ROC AUC", "ap": "average precision",
    "f1": "F1", "rocauc": "ROC AUC",
}  # fmt: skip


class PlotError(ValueError):
    """A folder or file that cannot be plotted; the message names it."""


def _figure(figsize: tuple[float, float]) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as err:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(
            "hypergraph.plot needs matplotlib: pip install 'hypergraph[plot]' (or pip install matplotlib)"
        ) from err
    return Figure(figsize=figsize, layout="constrained")


# --------------------------------------------------------------------------------- reading
def _score_metric(metrics: dict[str, np.ndarray]) -> str | None:
    logged = [k for k, v in metrics.items() if k.startswith("val_") and np.isfinite(v).any()]
    for k in SCORE_METRICS:
        if k in logged:
            return k
    rest = [k for k in logged if not k.endswith("_loss")]
    return rest[0] if rest else None


def curves_figure(metrics: dict[str, np.ndarray], best: int | None = None, title: str = "") -> Any:
    """Loss and validation-score curves over epochs (train solid, validation dashed), with the
    selected epoch ``best`` marked by a vertical line and a dot on each validation curve."""
    ep = metrics["epoch"]
    score = _score_metric(metrics)
    panels = [("loss", "train_loss", "val_loss")]
    if score:
        name = score[len("val_") :]
        panels.append((name, f"train_{name}", score))
    fig = _figure((5.2 * len(panels), 3.8))
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (name, tr, va) in zip(axes, panels):
        drawn = False
        for key, color, style, label in (
            (tr, TRAIN_COLOR, "-", "train"),
            (va, VAL_COLOR, "--", "validation"),
        ):
            v = metrics.get(key)
            if v is None or not np.isfinite(v).any():
                continue
            ok = np.isfinite(v)
            ax.plot(ep[ok], v[ok], style, color=color, label=label, lw=1.6, gid=key)
            drawn = True
            if best is not None and key == va and best in set(ep[ok].tolist()):
                y = v[ep == best][0]
                ax.plot([best], [y], "o", color=BEST_COLOR, ms=7, zorder=5, gid=f"best:{key}")
                right = best > (ep.min() + ep.max()) / 2  # keep the label inside the axes
                ax.annotate(
                    f"{y:.4g}",
                    (best, y),
                    textcoords="offset points",
                    xytext=(-6, 6) if right else (6, 6),
                    ha="right" if right else "left",
                    fontsize=8,
                    color=BEST_COLOR,
                )
        if best is not None:
            ax.axvline(best, color=BEST_COLOR, lw=1, ls=":", label=f"selected epoch {best} (best validation)")
        ax.margins(y=0.12)  # room for the value written above the selected point
        ax.set_xlabel("epoch")
        ax.set_ylabel(METRIC_NAMES.get(name, name.replace("_", " ")))
        ax.set_title(METRIC_NAMES.get(name, name.replace("_", " ")))
        ax.grid(alpha=0.3)
        if drawn:
            ax.legend(fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    return fig


def confusion_figure(y_true: np.ndarray, y_pred: np.ndarray, title: str = "") -> Any:
    """Row-normalised confusion matrix (colour) with the counts written in the cells."""
    y_true = np.asarray(y_true, dtype=np.int64).reshape(-1)
    y_pred = np.asarray(y_pred, dtype=np.int64).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise PlotError(f"y_true has {y_true.size} entries but y_pred has {y_pred.size}")
    if y_true.size and min(y_true.min(), y_pred.min()) < 0:
        raise PlotError("class labels must be non-negative")
    k = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    rows = cm.sum(1, keepdims=True)
    frac = np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0)
    size = min(3.0 + 0.45 * k, 12.0)
    fig = _figure((size + 1.2, size))
    ax = fig.subplots()
    im = ax.imshow(frac, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(im, ax=ax, label="fraction of the true class", shrink=0.8)
    if k <= 20:
        for i in range(k):
            for j in range(k):
                ax.text(
                    j,
                    i,
                    str(cm[i, j]),
                    ha="center",
                    va="center",
                    fontsize=8 if k > 10 else 10,
                    color="white" if frac[i, j] > 0.5 else "black",
                )
    ticks = np.arange(k) if k <= 30 else np.linspace(0, k - 1, 10).astype(int)
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    acc = float((y_true == y_pred).mean()) if y_true.size else float("nan")
    ax.set_title((title + "\n" if title else "") + f"test accuracy {acc:.4f} ({y_true.size} nodes)")
    return fig


def pr_roc_figure(curves: Sequence[tuple[str, np.ndarray, np.ndarray]], title: str = "") -> Any:
    """Precision-recall and ROC curves, one line per ``(label, y_true, y_score)``; the legend
    gives the average precision (and its ratio to the positive rate) and the ROC AUC."""
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

    fig = _figure((11, 4.4))
    ax_pr, ax_roc = fig.subplots(1, 2)
    rates = []
    for label, y, s in curves:
        y = np.asarray(y).reshape(-1).astype(np.int64)
        s = np.asarray(s, dtype=np.float64).reshape(-1)
        if y.shape != s.shape:
            raise PlotError(f"{label}: y_true has {y.size} entries but y_score has {s.size}")
        if not np.isfinite(s).all():
            raise PlotError(f"{label}: y_score holds NaN or inf")
        if not ((y == 0) | (y == 1)).all() or y.min() == y.max():
            raise PlotError(f"{label}: y_true must hold both 0 and 1 labels")
        rate = float(y.mean())
        rates.append(rate)
        prec, rec, _ = precision_recall_curve(y, s)
        ap = average_precision_score(y, s)
        (line,) = ax_pr.step(
            rec, prec, where="post", lw=1.4, label=f"{label}: AP {ap:.3f} ({ap / rate:.2f}x random)"
        )
        fpr, tpr, _ = roc_curve(y, s)
        ax_roc.plot(fpr, tpr, lw=1.4, color=line.get_color(), label=f"{label}: AUC {roc_auc_score(y, s):.3f}")
    if rates:
        ax_pr.axhline(
            np.mean(rates), color="grey", ls="--", lw=1, label=f"random (positive rate {np.mean(rates):.3g})"
        )
    ax_roc.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="random")
    ax_pr.set(xlabel="recall", ylabel="precision", title="precision-recall", xlim=(0, 1), ylim=(0, 1.02))
    ax_roc.set(
        xlabel="false positive rate", ylabel="true positive rate", title="ROC", xlim=(0, 1), ylim=(0, 1.02)
    )
    if rates and max(rates) < 0.05:
        ax_pr.set_yscale("log")
        ax_pr.set_ylim(max(min(rates) / 3, 1e-6), 1.05)
    for ax in (ax_pr, ax_roc):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, frameon=False, loc="best")
    if title:
        fig.suptitle(title)
    return fig


def _number(cell: Any) -> float:
    """A float from a CSV cell: ``"79.39"``, ``"79.39 ± 1.36"`` (the mean), ``""`` / ``–`` (NaN)."""
    if cell is None:
        return float("nan")
    m = re.match(r"\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|nan|inf)", str(cell), re.IGNORECASE)
    return float(m.group(1)) if m else float("nan")


def benchmark_figure(rows: Sequence[dict[str, Any]], title: str = "") -> Any:
    """Mean ± std per model (error bars), one panel per dataset, the paper value as a red x."""
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    n = len(datasets)
    ncol = min(n, 3)
    nrow = math.ceil(n / ncol)
    fig = _figure((4.6 * ncol, 3.6 * nrow))
    axes = np.asarray(fig.subplots(nrow, ncol, squeeze=False)).reshape(-1)
    metric = next((r["metric"] for r in rows if r.get("metric")), "test accuracy")
    for ax, ds in zip(axes, datasets):
        sub = [r for r in rows if r["dataset"] == ds]
        labels = [r["model"] + (f"\n({r['split']})" if r.get("split") else "") for r in sub]
        x = np.arange(len(sub))
        mean = np.array([_number(r["mean"]) for r in sub])
        std = np.array([_number(r["std"]) for r in sub])
        ax.errorbar(
            x,
            mean,
            yerr=np.nan_to_num(std),
            fmt="o",
            color=TRAIN_COLOR,
            capsize=5,
            ms=6,
            label="ours (mean ± std)",
            gid="ours",
        )
        for xi, m in zip(x, mean):
            ax.annotate(f"{m:.2f}", (xi, m), textcoords="offset points", xytext=(8, -3), fontsize=8)
        paper = np.array([_number(r.get("paper")) for r in sub])
        if np.isfinite(paper).any():
            ok = np.isfinite(paper)
            ax.plot(x[ok], paper[ok], "x", color=VAL_COLOR, ms=9, mew=2, label="paper", gid="paper")
        ax.set_xticks(x, labels, fontsize=8)
        ax.set_xlim(-0.6, len(sub) - 0.4)
        ax.set_title(ds)
        ax.set_ylabel(metric)
        ax.grid(axis="y", alpha=0.3)
        ax.margins(y=0.15)
    for ax in axes[n:]:
        ax.set_visible(False)
    handles = {}
    for ax in axes[:n]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(
        list(handles.values()), list(handles), loc="outside lower center", ncol=len(handles), frameon=False
    )
    fig.suptitle(title or "Benchmark: mean ± std over seeds")
    return fig


def closure_figure(rows: Sequence[dict[str, Any]], title: str = "") -> Any:
    """AP / random of each closure score (and of the learned predictor, with its std over
    seeds), one panel per dataset, one bar per label mode; the dashed line is random (1)."""
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    modes = list(dict.fromkeys(r.get("label_mode", "true") for r in rows))
    cols = [c for c in CLOSURE_COLS if any(np.isfinite(_number(r.get(c))) for r in rows)]
    learned = any(np.isfinite(_number(r.get("Learned"))) for r in rows)
    names = [CLOSURE_SHORT.get(c, c) for c in cols] + (["Learned"] if learned else [])
    fig = _figure((max(7.0, 0.42 * len(names) * max(1, len(modes)) + 2), 3.2 * len(datasets)))
    axes = fig.subplots(len(datasets), 1, squeeze=False)[:, 0]
    width = 0.8 / max(1, len(modes))
    colors = {"true": TRAIN_COLOR, "reference": "#ff7f0e"}
    for ax, ds in zip(axes, datasets):
        top = 1.0
        for k, mode in enumerate(modes):
            r = next((r for r in rows if r["dataset"] == ds and r.get("label_mode", "true") == mode), None)
            if r is None:
                continue
            vals = [_number(r.get(c)) for c in cols] + ([_number(r.get("Learned"))] if learned else [])
            x = np.arange(len(names)) + (k - (len(modes) - 1) / 2) * width
            ax.bar(
                x,
                np.nan_to_num(vals),
                width,
                color=colors.get(mode),
                label=f"labels: {mode}",
                gid=f"{ds}:{mode}",
            )
            std = _number(r.get("Learned_std"))
            if learned and np.isfinite(vals[-1]) and np.isfinite(std):
                ax.errorbar(x[-1], vals[-1], yerr=std, color="black", capsize=3, lw=1)
            top = max(top, np.nanmax(np.asarray(vals, dtype=float)) if np.isfinite(vals).any() else 1.0)
        ax.axhline(1.0, color="grey", ls="--", lw=1, label="random")
        ax.set_xticks(np.arange(len(names)), names, rotation=45, ha="right", fontsize=8)
        ax.set_ylabel("AP / random")
        ax.set_ylim(0, top * 1.15)
        ax.set_title(ds)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, frameon=False, ncol=3)
    fig.suptitle(title or "Simplicial closure: average precision relative to random (higher is better)")
    return fig


# ------------------------------------------------------------------------------- folders
