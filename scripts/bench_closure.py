"""Benchmark of simplicial closure prediction (Benson et al., PNAS 2018) on Benson's datasets.

    python scripts/bench_closure.py --root ../shared/datasets/scholp \
        --datasets email-Enron contact-high-school --label-mode reference

For each dataset: open triangles of the first 80% of time, closures, positive rate, every score
as average precision relative to random (and ROC AUC), the time of each stage, and the 3-node
closure-probability table by edge-weight configuration.  Writes ``results.md``, ``results.csv``,
``timings.csv``, ``closure_types.csv``, ``closure_types.md`` and ``closure_types.png`` under
``--out``.  Reference-mode rows are printed beside the numbers of the specification
(``spec``: the authors' stored means; the line-by-line port for the other scores).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypergraph.closure import SCORES, ClosureTask, evaluate_scores  # noqa: E402
from hypergraph.closure.evaluate import WALK_SCORES  # noqa: E402
from hypergraph.datasets.benson import BENSON_DATASETS, load_benson  # noqa: E402
from hypergraph.progress import progress, write  # noqa: E402

COLS = [
    "harm_mean",
    "geom_mean",
    "arith_mean",
    "min",
    "max",
    "common",
    "jaccard",
    "adamic_adar",
    "proj_graph_PA",
    "simplex_PA",
    "UPKatz",
    "WPKatz",
    "UPPR",
    "WPPR",
    "SimpPPR",
    "logreg",
]
SHORT = {
    "harm_mean": "Harm",
    "geom_mean": "Geom",
    "arith_mean": "Arith",
    "min": "Min",
    "max": "Max",
    "common": "CN",
    "jaccard": "Jacc",
    "adamic_adar": "AA",
    "proj_graph_PA": "PA",
    "simplex_PA": "sPA",
    "UPKatz": "UPKatz",
    "WPKatz": "WPKatz",
    "UPPR": "UPPR",
    "WPPR": "WPPR",
    "SimpPPR": "SimpPPR",
    "logreg": "LogReg",
}
CONFIGS = ("011", "012", "022", "111", "112", "122", "222")

# Specification numbers (reference mode): authors' stored means (§4) and the port's table (§5).
_P = [
    "harm_mean",
    "geom_mean",
    "arith_mean",
    "common",
    "jaccard",
    "adamic_adar",
    "proj_graph_PA",
    "simplex_PA",
    "UPKatz",
    "WPKatz",
    "UPPR",
    "WPPR",
    "SimpPPR",
    "logreg",
]
_ROWS = {
    "email-Enron": "1.78 1.62 1.33 0.85 0.83 0.87 1.27 0.83 0.99 1.28 3.69 3.16 2.38 1.63",
    "contact-high-school": "3.86 4.16 2.54 1.92 3.61 2.00 0.96 1.13 1.72 2.53 1.39 2.41 0.87 5.13",
    "contact-primary-school": "5.63 6.40 3.96 2.98 2.95 3.21 0.92 0.94 1.63 4.02 1.41 4.31 1.10 11.69",
    "NDC-classes": "4.46 3.38 1.82 1.27 1.19 1.03 0.94 2.14 0.91 1.34 0.79 0.91 0.74 1.05",
    "email-Eu": "1.98 2.15 1.78 1.28 2.69 1.37 0.88 1.55 1.01 1.79 1.59 1.75 nan 7.54",
    "NDC-substances": "4.90 5.27 2.90 5.92 3.36 5.97 4.76 4.46 5.35 2.93 1.39 1.83 nan 23.28",
}
SPEC = {k: dict(zip(_P, map(float, v.split()))) for k, v in _ROWS.items()}
_STORED = {  # authors' stored generalized means (harm, geom, arith, min, max)
    "email-Enron": (1.78, 1.62, 1.33, 1.59, 1.35),
    "email-Eu": (1.98, 2.15, 1.78, 1.69, 1.69),
    "contact-primary-school": (5.63, 6.40, 3.96, 4.42, 3.24),
    "contact-high-school": (3.86, 4.16, 2.54, 3.47, 2.42),
    "NDC-classes": (4.43, 3.38, 1.82, 3.27, 1.97),
    "NDC-substances": (4.90, 5.27, 2.90, 3.92, 2.30),
    "tags-math-sx": (9.08, 8.67, 2.88, 7.50, 2.53),
    "tags-ask-ubuntu": (12.29, 12.64, 4.24, 9.42, 3.54),
    "threads-ask-ubuntu": (78.12, 80.94, 29.00, 36.20, 20.05),
    "congress-bills": (0.93, 0.90, 0.88, 0.96, 0.88),
}
for _k, _v in _STORED.items():
    SPEC.setdefault(_k, {}).update(dict(zip(["harm_mean", "geom_mean", "arith_mean", "min", "max"], _v)))


def fmt(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"


def offline(root: Path) -> list[str]:
    return [
        n
        for n in BENSON_DATASETS
        if (root / n / f"{n}-nverts.txt.gz").exists() or (root / "scholp" / n / f"{n}-nverts.txt.gz").exists()
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default="../shared/datasets/scholp", help="data root (downloads go to a cache)")
    ap.add_argument("--datasets", nargs="*", help="default: every dataset found under --root")
    ap.add_argument("--label-mode", choices=["reference", "true", "both"], default="both")
    ap.add_argument(
        "--cut",
        type=float,
        nargs=2,
        default=(80.0, 100.0),
        metavar=("PAST", "END"),
        help="evaluate the past <= PAST%% -> (PAST%%, END%%] task (default 80 100, the paper's); "
        "e.g. 60 80 is a development cut that never reads the last 20%%; the learned "
        "predictor's training windows shift with it",
    )
    ap.add_argument("--scores", nargs="*", default=None, help=f"subset of {', '.join(SCORES)}")
    ap.add_argument("--no-logreg", action="store_true")
    ap.add_argument(
        "--max-open",
        type=int,
        default=5_000_000,
        help="above this many open triangles only counts and closure types are computed",
    )
    ap.add_argument("--walk-max-nodes", type=int, default=20_000, help="skip Katz/PPR above this many nodes")
    ap.add_argument("--simp-ppr-max-edges", type=int, default=12_000, help="skip simplicial PPR above")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads")
    ap.add_argument("--download", action="store_true", help="download datasets missing under --root")
    ap.add_argument("--out", default="runs/bench_closure")
    ap.add_argument(
        "--learned-seeds",
        type=int,
        nargs="*",
        default=None,
        help="also train the learned predictor (task higher_order_link_prediction)",
    )
    ap.add_argument(
        "--learned-overrides",
        nargs="*",
        default=[],
        help="config overrides for the learned predictor, e.g. model.name=hgnnp",
    )
    args = ap.parse_args(argv)

    root = Path(args.root)
    names = args.datasets or offline(root)
    modes = ("reference", "true") if args.label_mode == "both" else (args.label_mode,)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows, timing_rows, type_rows = [], [], []
    with threadpool_limits(args.threads), progress(names, desc="bench_closure", unit="dataset") as bar:
        for name in bar:
            bar.set_postfix_str(name)
            t0, c0 = time.perf_counter(), time.process_time()
            tsc = load_benson(name, root=root, download=args.download)
            t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
            task = ClosureTask.build(tsc, *args.cut)
            ct = task.triangles
            t1, c1 = time.perf_counter(), time.process_time()
            types = task.closure_types()
            t_types, c_types = time.perf_counter() - t1, time.process_time() - c1
            timings = {"load": t_load, **task.timings, "closure_types": t_types}
            cpu = {"load": c_load, **task.cpu_timings, "closure_types": c_types}
            scores = [s for s in (args.scores or list(SCORES))]
            skipped = {}
            if ct.num_open > args.max_open:
                skipped.update({s: f"> {args.max_open} open triangles" for s in scores})
                skipped["logreg"] = skipped[scores[0]] if scores else ""
            if (ct.graph.degree > 0).sum() > args.walk_max_nodes:
                skipped.update({s: "graph too large" for s in scores if s in WALK_SCORES})
            if ct.graph.num_edges > args.simp_ppr_max_edges:
                skipped["SimpPPR"] = f"{ct.graph.num_edges} edges > {args.simp_ppr_max_edges}"
            run = [s for s in scores if s not in skipped]
            res = evaluate_scores(
                task, run, label_modes=modes, logreg=not args.no_logreg and "logreg" not in skipped
            )
            score_time = sum(v["time"] for k, v in res.items())
            timings.update({f"score:{k}": v["time"] for k, v in res.items()})
            cpu.update({f"score:{k}": v["cpu"] for k, v in res.items()})
            overrides = [*cut_overrides(*args.cut), *args.learned_overrides]
            learned = learned_scores(name, root, args.learned_seeds, overrides) if args.learned_seeds else {}
            for mode in modes:
                y = task.labels(mode)
                row = {
                    "dataset": name,
                    "label_mode": mode,
                    "open": ct.num_open,
                    "closed_true": int(task.closed.sum()),
                    "positives": int(y.sum()),
                    "rate": float(y.mean()) if y.size else float("nan"),
                }
                for s in COLS:
                    row[s] = res[s][mode][0] if s in res else float("nan")
                    row[f"{s}_auc"] = res[s][mode][1] if s in res else float("nan")
                if learned:
                    row["Learned"], row["Learned_std"] = learned[mode]
                    row["Wide"], row["Wide_std"] = learned["wide"] if mode == "true" else (np.nan, np.nan)
                rows.append(row)
            for stage, sec in timings.items():
                timing_rows.append(
                    {"dataset": name, "stage": stage, "seconds": sec, "cpu_seconds": cpu[stage]}
                )
            for c in ("000", "001", "002") + CONFIGS:
                inst, closed = types[c]
                type_rows.append(
                    {
                        "dataset": name,
                        "config": c,
                        "instances": inst,
                        "closed": closed,
                        "prob": closed / inst if inst else float("nan"),
                    }
                )
            write(
                f"# {name}: {ct.num_open:,} open triangles, {int(task.closed.sum()):,} close "
                f"(rate {task.closed.mean():.2e}); load {t_load:.2f}s, enumerate "
                f"{task.timings['enumerate']:.2f}s, label {task.timings['label']:.2f}s, scores "
                f"{score_time:.2f}s" + (f"; skipped {sorted(skipped)}" if skipped else "")
            )

    md = render(rows, timing_rows, type_rows, modes, show_spec=tuple(args.cut) == (80.0, 100.0))
    (out / "results.md").write_text(md)
    print(md)
    write_csv(out / "results.csv", rows)
    write_csv(out / "timings.csv", timing_rows)
    write_csv(out / "closure_types.csv", type_rows)
    plot_types(type_rows, out / "closure_types.png")
    print(f"wrote {out}/results.md, results.csv, timings.csv, closure_types.csv, closure_types.png")
    return 0


def cut_overrides(past: float, end: float) -> list[str]:
    """The learned predictor's overrides for a cut other than its default (test_q -> 100): test
    on the cut, and shift the task's default training windows by ``past - test_q``."""
    from hypergraph.tasks.higher_order_link_prediction import DEFAULTS

    if (past, end) == (DEFAULTS["test_q"], 100.0):
        return []
    d = past - DEFAULTS["test_q"]
    windows = [(a + d, b + d) for a, b in DEFAULTS["train_windows"]]
    if min(a for a, _ in windows) <= 0:
        raise ValueError(f"--cut {past}: the shifted training windows would start at or before 0%")
    wins = ",".join(f"[{a:g},{b:g}]" for a, b in windows)
    return [f"test_q={past:g}", f"test_end={end:g}", f"train_windows=[{wins}]"]


def learned_scores(
    name: str, root: Path, seeds: list[int], overrides: list[str] = ()
) -> dict[str, tuple[float, float]]:
    """Mean and std over ``seeds`` of the learned closure predictor's AP / random, per label mode,
    and of its wide part alone (``"wide"``, true labels): trained on earlier windows, tested on the
    cut's task (see hypergraph.tasks.higher_order_link_prediction)."""
    import contextlib
    import io

    from hypergraph.train import load_config
    from hypergraph.train import run as run_config

    cfg = load_config(
        None,
        [
            "task=higher_order_link_prediction",
            f"dataset.name={name}",
            f"dataset.root={root}",
            f"seeds=[{','.join(map(str, seeds))}]",
            "trainer.enable_progress_bar=false",
            "out_dir=runs/bench_closure_learned",
            *overrides,
        ],
    )
    with contextlib.redirect_stdout(io.StringIO()):
        summary = run_config(cfg)["summary"]
    return {
        "true": (summary["test_rel_ap"]["mean"], summary["test_rel_ap"]["std"]),
        "reference": (summary["test_rel_ap_reference"]["mean"], summary["test_rel_ap_reference"]["std"]),
        "wide": (summary["test_rel_ap_wide"]["mean"], summary["test_rel_ap_wide"]["std"]),
    }


def render(
    rows: list[dict], timing_rows: list[dict], type_rows: list[dict], modes: tuple, show_spec: bool = True
) -> str:
    lines = []
    learned = any("Learned" in r for r in rows)
    for mode in modes:
        lines += [f"## AP / random, label mode `{mode}`", ""]
        head = ["dataset", "#open", "#closed", "#pos", "rate"] + [SHORT[c] for c in COLS]
        head += ["Learned (mean ± std)", "wide part only"] if learned else []
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in (r for r in rows if r["label_mode"] == mode):
            extra = [f"{r['Learned']:.2f} ± {r['Learned_std']:.2f}", fmt(r["Wide"])] if "Learned" in r else []
            lines.append(
                "| "
                + " | ".join(
                    [
                        r["dataset"],
                        f"{r['open']:,}",
                        f"{r['closed_true']:,}",
                        f"{r['positives']:,}",
                        f"{r['rate']:.2e}",
                    ]
                    + [fmt(r[c]) for c in COLS]
                    + extra
                )
                + " |"
            )
            if show_spec and mode == "reference" and r["dataset"] in SPEC:
                spec = SPEC[r["dataset"]]
                lines.append(
                    "| "
                    + " | ".join(
                        ["  spec", "", "", "", ""]
                        + [fmt(spec.get(c)) for c in COLS]
                        + (["", ""] if learned else [])
                    )
                    + " |"
                )
        lines.append("")
    lines += ["## Time per stage: wall s (CPU s), BLAS threads as given by --threads", ""]
    stages = list(dict.fromkeys(t["stage"] for t in timing_rows))
    names = list(dict.fromkeys(t["dataset"] for t in timing_rows))
    lines += ["| stage | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    tt = {(t["dataset"], t["stage"]): (t["seconds"], t["cpu_seconds"]) for t in timing_rows}
    for st in stages + ["total"]:
        if st == "total":
            tt.update(
                {
                    (n, st): tuple(sum(tt[(n, s)][i] for s in stages if (n, s) in tt) for i in (0, 1))
                    for n in names
                }
            )
        cells = [f"{tt[(n, st)][0]:.2f} ({tt[(n, st)][1]:.2f})" if (n, st) in tt else "–" for n in names]
        lines.append(f"| {st} | " + " | ".join(cells) + " |")
    lines += ["", "## Closure probability x 1e-3 by configuration (0 no edge, 1 weight 1, 2 weight >= 2)", ""]
    lines += ["| dataset | open tri | closed | " + " | ".join(CONFIGS) + " |", "|---|---|---|" + "---|" * 7]
    by = {(t["dataset"], t["config"]): t for t in type_rows}
    for n in names:
        op = sum(by[(n, c)]["instances"] for c in ("111", "112", "122", "222"))
        cl = sum(by[(n, c)]["closed"] for c in ("111", "112", "122", "222"))
        probs = [f"{1e3 * by[(n, c)]['prob']:.2f}" for c in CONFIGS]
        lines.append(f"| {n} | {op:,} | {cl:,} | " + " | ".join(probs) + " |")
    return "\n".join(lines) + "\n"


def write_csv(path: Path, rows: list[dict]) -> None:
    if not rows:
        return
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def plot_types(type_rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(t["dataset"] for t in type_rows))
    by = {(t["dataset"], t["config"]): t["prob"] for t in type_rows}
    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = np.arange(len(CONFIGS))
    for n in names:
        y = np.array([by[(n, c)] for c in CONFIGS], dtype=float)
        ax.plot(x, np.where(y > 0, y, np.nan), marker="o", label=n)
    ax.set_xticks(x, CONFIGS)
    ax.set_yscale("log")
    ax.set_xlabel("configuration (sorted edge-weight classes: 0 none, 1 weak, 2 strong)")
    ax.set_ylabel("closure probability")
    ax.set_title("Simplicial closure probability, first 80% -> last 20%")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
