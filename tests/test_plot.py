"""``python -m hypergraph.plot``: PNGs from run folders, and plotted points equal logged values."""

import csv
import importlib
import json
import os

import numpy as np
import pytest

if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    importlib.import_module("matplotlib")  # a dev dependency: CI must have it
else:
    pytest.importorskip("matplotlib")  # the optional extra hypergraph[plot]

from hypergraph.plot import (  # noqa: E402
    PlotError,
    benchmark_figure,
    best_epoch,
    closure_figure,
    confusion_figure,
    curves_figure,
    main,
    plot_run,
    pr_roc_figure,
    read_metrics_csv,
)


def write_metrics_csv(path, epochs=6, seed=0, score="val_acc"):
    """A Lightning CSVLogger file: separate train and validation rows per epoch, empty cells
    where a row logged nothing, as ``CSVLogger`` writes them."""
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    name = score[len("val_") :]
    cols = ["epoch", "step", f"train_{name}", "train_loss", score, "val_loss"]
    rows, logged = [], {}
    for e in range(epochs):
        tl, ta = 2.0 / (e + 1), 0.5 + 0.08 * e
        vl, va = 2.2 / (e + 1) + 0.05 * rng.random(), 0.45 + 0.07 * e - 0.02 * (e == 4)
        rows.append({"epoch": e, "step": e, f"train_{name}": ta, "train_loss": tl})
        rows.append({"epoch": e, "step": e, score: va, "val_loss": vl})
        logged[e] = {"train_loss": tl, f"train_{name}": ta, score: va, "val_loss": vl}
    # trainer.test and trainer.validate at the selected checkpoint, after fit: epoch = max_epochs
    rows.append({"epoch": epochs, "step": epochs, "test_acc": 0.7})
    rows.append({"epoch": epochs, "step": epochs, score: 0.99, "val_loss": 0.01})
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=[*cols, "test_acc"])
        w.writeheader()
        w.writerows(rows)
    return logged


def node_run(tmp_path, seeds=(0, 1)):
    run = tmp_path / "nc_run"
    (run / "config.yaml").parent.mkdir(parents=True, exist_ok=True)
    (run / "config.yaml").write_text("task: node_classification\n")
    (run / "results.json").write_text(json.dumps({"task": "node_classification"}))
    (run / "results.csv").write_text("seed,test_acc\n0,0.7\nmean,0.7\nstd,0.0\n")
    logs = {}
    rng = np.random.default_rng(0)
    for s in seeds:
        d = run / f"seed_{s}"
        logs[s] = write_metrics_csv(d / "logs" / "metrics.csv", seed=s)
        (d / "metrics.json").write_text(json.dumps({"test_acc": 0.7, "best_epoch": 5.0}))
        y = rng.integers(0, 4, 200)
        pred = np.where(rng.random(200) < 0.7, y, rng.integers(0, 4, 200))
        np.savez(d / "predictions.npz", y_true=y, y_pred=pred)
    return run, logs


def lines(fig):
    return {line.get_gid(): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}


def test_metrics_csv_is_read_per_epoch(tmp_path):
    logged = write_metrics_csv(tmp_path / "metrics.csv")
    m = read_metrics_csv(tmp_path / "metrics.csv")
    assert m["epoch"].tolist() == list(range(6))
    assert m["val_acc"][3] == pytest.approx(logged[3]["val_acc"])
    assert m["train_loss"][0] == pytest.approx(2.0)
    assert np.isnan(m["test_acc"]).all()  # the post-fit evaluation rows are not curve points
    assert 0.99 not in m["val_acc"].tolist()
    assert best_epoch(m) == 5  # highest val_acc
    (tmp_path / "bad.csv").write_text("epoch,step,val_acc\n0,0,abc\n")
    with pytest.raises(PlotError, match=r"bad.csv:2: val_acc='abc' is not a number"):
        read_metrics_csv(tmp_path / "bad.csv")


def test_curves_plot_the_logged_values_and_mark_the_selected_epoch(tmp_path):
    logged = write_metrics_csv(tmp_path / "metrics.csv")
    m = read_metrics_csv(tmp_path / "metrics.csv")
    fig = curves_figure(m, best=3)
    ln = lines(fig)
    x, y = ln["val_acc"].get_data()
    assert list(x) == list(range(6))
    assert y[2] == pytest.approx(logged[2]["val_acc"])  # one plotted point is its logged value
    assert ln["train_loss"].get_ydata()[4] == pytest.approx(logged[4]["train_loss"])
    bx, by = ln["best:val_acc"].get_data()
    assert list(bx) == [3] and by[0] == pytest.approx(logged[3]["val_acc"])
    assert any(line.get_xdata()[0] == 3 for ax in fig.axes for line in ax.get_lines() if not line.get_gid())


def test_node_classification_run_writes_curves_and_confusion(tmp_path):
    run, logs = node_run(tmp_path)
    out = tmp_path / "plots"
    assert main([str(run), "--out", str(out)]) == 0
    for name in ("curves_seed0.png", "curves_seed1.png", "confusion_seed0.png", "confusion_seed1.png"):
        assert (out / name).stat().st_size > 10_000, name
    # best epoch comes from the checkpoint's record in metrics.json
    m = read_metrics_csv(run / "seed_1" / "logs" / "metrics.csv")
    assert best_epoch(m, run / "seed_1") == 5
    with np.load(run / "seed_0" / "predictions.npz") as z:
        y, p = z["y_true"], z["y_pred"]
    fig = confusion_figure(y, p)
    counts = [int(t.get_text()) for t in fig.axes[0].texts]
    assert counts[0] == int(((y == 0) & (p == 0)).sum()) and sum(counts) == y.size
    small = tmp_path / "small"
    write_metrics_csv(small / "seed_3" / "logs" / "metrics.csv")
    assert plot_run(small) == [small / "plots" / "curves_seed3.png"]  # default --out: RUN_DIR/plots


def test_hyperedge_prediction_run_writes_pr_and_roc(tmp_path):
    run = tmp_path / "hp_run"
    rng = np.random.default_rng(1)
    for s in (0, 1):
        d = run / f"seed_{s}"
        write_metrics_csv(d / "logs" / "metrics.csv", seed=s, score="val_auc")
        y = (rng.random(300) < 0.3).astype(np.int64)
        np.savez(d / "scores.npz", y_true=y, y_score=y + rng.normal(0, 0.8, 300))
    written = plot_run(run, tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == ["curves_seed0.png", "curves_seed1.png", "pr_roc.png"]
    assert all(p.stat().st_size > 10_000 for p in written)
    with np.load(run / "seed_1" / "scores.npz") as z:
        y, score = z["y_true"], z["y_score"]
    fig = pr_roc_figure([("seed 1", y, score)])
    fpr, tpr = fig.axes[1].get_lines()[0].get_data()
    assert fpr[0] == 0 and tpr[-1] == 1 and "AUC" in fig.axes[1].get_legend().get_texts()[0].get_text()
    with pytest.raises(PlotError, match="seed 0: y_true must hold both 0 and 1"):
        pr_roc_figure([("seed 0", np.ones(4), np.zeros(4))])
    bad = tmp_path / "bad_run" / "seed_0"
    bad.mkdir(parents=True)
    np.savez(bad / "scores.npz", truth=np.ones(4))
    with pytest.raises(PlotError, match=r"scores.npz has no array\(s\) y_true, y_score \(found: truth\)"):
        plot_run(bad.parent)
    (bad / "scores.npz").write_text("not an npz")
    with pytest.raises(PlotError, match="is not a readable .npz file"):
        plot_run(bad.parent)


def test_benchmark_folder_plots_mean_std_and_paper(tmp_path):
    rows = [
        {
            "dataset": "cocitation-cora",
            "model": "hgnn",
            "mean": "79.10",
            "std": "1.20",
            "paper": "79.39 ± 1.36",
        },
        {"dataset": "cocitation-cora", "model": "hgnnp", "mean": "78.50", "std": "0.90", "paper": ""},
        {"dataset": "coauthorship-cora", "model": "hgnn", "mean": "82.00", "std": "1.50", "paper": "82.64"},
    ]
    (tmp_path / "bench").mkdir()
    with open(tmp_path / "bench" / "results.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    written = plot_run(tmp_path / "bench")
    assert [p.name for p in written] == ["benchmark_results.png"] and written[0].stat().st_size > 10_000
    fig = benchmark_figure(rows)
    ours = [line for line in fig.axes[0].get_lines() if line.get_gid() == "ours"][0]
    assert list(ours.get_ydata()) == [79.10, 78.50]
    paper = [line for line in fig.axes[0].get_lines() if line.get_gid() == "paper"][0]
    assert list(paper.get_xdata()) == [0] and list(paper.get_ydata()) == [79.39]


def test_closure_bench_folder_writes_a_bar_chart(tmp_path):
    bench = tmp_path / "closure"
    bench.mkdir()
    cols = [
        "dataset",
        "label_mode",
        "open",
        "harm_mean",
        "harm_mean_auc",
        "geom_mean",
        "logreg",
        "Learned",
        "Learned_std",
    ]
    rows = [
        {
            "dataset": "email-Enron",
            "label_mode": "reference",
            "open": 10,
            "harm_mean": 1.78,
            "geom_mean": 1.62,
            "logreg": 1.63,
            "Learned": 2.1,
            "Learned_std": 0.1,
        },
        {
            "dataset": "email-Enron",
            "label_mode": "true",
            "open": 10,
            "harm_mean": 1.7,
            "geom_mean": 1.5,
            "logreg": "nan",
            "Learned": 2.0,
            "Learned_std": 0.2,
        },
    ]
    with open(bench / "results.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    written = plot_run(bench)
    assert [p.name for p in written] == ["closure_scores.png"] and written[0].stat().st_size > 10_000
    fig = closure_figure(rows)
    bars = [c for c in fig.axes[0].containers if c.get_label() == "labels: reference"]
    assert [round(b.get_height(), 6) for b in bars[0]] == [1.78, 1.62, 1.63, 2.1]


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty")]) == 2
    assert "nothing to plot" in capsys.readouterr().err
