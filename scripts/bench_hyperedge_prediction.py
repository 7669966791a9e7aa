"""Hyperedge-prediction benchmark (leak-free): classic k-way scores and learned models on one
table, per negative sampler (SNS / MNS / CNS).

    python scripts/bench_hyperedge_prediction.py --root ../shared/datasets \\
        --datasets coauthorship-cora cocitation-cora cocitation-pubmed --seeds 0 1 2

For each dataset and seed: distinct hyperedges are split 80/10/10 (observed / val / test);
classic scores and message passing read only the observed hyperedges; test positives are
scored against negatives that are never true hyperedges of any split.  Learned models
(HGNN / HGNN+ encoder + mean‖max set decoder) are trained through the config runner's
``hyperedge_prediction`` task and selected on validation AUC.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import time
from pathlib import Path

import numpy as np
import torch

from hypergraph.linkpred.scores import classic_scores
from hypergraph.progress import progress, write
from hypergraph.tasks.hyperedge_prediction import binary_metrics, prepare
from hypergraph.train import load_config, run

NO_FEATURES = {"cocitation-pubmed", "coauthorship-dblp"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", default="../shared/datasets")
    p.add_argument(
        "--datasets", nargs="+", default=["coauthorship-cora", "cocitation-cora", "cocitation-pubmed"]
    )
    p.add_argument("--models", nargs="+", default=["hgnn", "hgnnp"])
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--out", default="runs/bench_hyperedge_prediction", help="runs and results.md / .csv")
    p.add_argument("overrides", nargs="*", help="extra key=value config overrides (anywhere on the line)")
    args, extra = p.parse_known_args(argv)
    args.overrides = [*args.overrides, *extra]
    bad = [o for o in args.overrides if "=" not in o or o.startswith("-")]
    if bad:
        p.error(f"unrecognised arguments: {' '.join(bad)}")
    torch.set_num_threads(1)
    samplers = ["sns", "mns", "cns"]
    table: dict[tuple[str, str], dict[str, list[float]]] = {}
    total = len(args.datasets) * (1 + len(args.models))  # per dataset: classic scores, each model
    bar = progress(total=total, desc="bench_hyperedge_prediction", unit="cell")
    for ds in args.datasets:
        bar.set_postfix_str(f"{ds} classic")
        feats = "spectral" if ds in NO_FEATURES else "raw"
        base = [
            "task=hyperedge_prediction",
            f"dataset.name={ds}",
            f"dataset.root={args.root}",
            f"features.kind={feats}",
            f"trainer.max_epochs={args.epochs}",
            "trainer.enable_progress_bar=false",
            f"out_dir={args.out}",
            *args.overrides,
        ]
        t0 = time.perf_counter()
        for seed in args.seeds:
            cfg = load_config(None, base)
            split, negs = prepare(cfg, seed)
            pos_scores = classic_scores(split.observed, split.test)
            neg_scores = {s: classic_scores(split.observed, negs[s]["test"]) for s in samplers}
            for score in pos_scores:
                for s in samplers:
                    m = binary_metrics(pos_scores[score], neg_scores[s][score])
                    row = table.setdefault((ds, score), {})
                    row.setdefault(f"{s}_auc", []).append(m["auc"])
                    row.setdefault(f"{s}_ap", []).append(m["ap"])
        t_classic = time.perf_counter() - t0
        bar.update()
        write(
            f"{ds}: {split.train.num_sets} observed / {split.val.num_sets} val / {split.test.num_sets} test "
            f"hyperedges; classic scores {t_classic:.1f} s for {len(args.seeds)} seeds"
        )
        for model in args.models:
            bar.set_postfix_str(f"{ds} {model}")
            cfg = load_config(
                None, [*base, f"model.name={model}", f"seeds=[{','.join(map(str, args.seeds))}]"]
            )
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                res = run(cfg)
            row = table.setdefault((ds, f"learned {model.upper().replace('HGNNP', 'HGNN+')}"), {})
            for s in samplers:
                for k in ("auc", "ap"):
                    row[f"{s}_{k}"] = [m[f"test_{s}_{k}"] for m in res["per_seed"]]
            bar.update()
            write(f"{ds}: learned {model} {time.perf_counter() - t0:.0f} s")
    bar.close()
    header = " | ".join(f"{s.upper()} AUC | {s.upper()} AP" for s in samplers)
    lines = [f"| dataset | method | {header} |", "|---|---|" + "---|" * (2 * len(samplers))]
    csv_rows = [
        [
            "dataset",
            "method",
            *[f"{s}_{k}_{m}" for s in samplers for k in ("auc", "ap") for m in ("mean", "std")],
        ]
    ]
    for (ds, method), row in table.items():
        cells, nums = [], []
        for s in samplers:
            for k in ("auc", "ap"):
                v = np.array(row[f"{s}_{k}"])
                cells.append(f"{v.mean():.3f} ± {v.std():.3f}")
                nums += [f"{v.mean():.6f}", f"{v.std():.6f}"]
        lines.append(f"| {ds} | {method} | " + " | ".join(cells) + " |")
        csv_rows.append([ds, method, *nums])
    lines.append(f"\n(mean ± std over seeds {args.seeds}; test split; negatives 1:1 per sampler)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text("\n".join(lines) + "\n")
    with open(out / "results.csv", "w", newline="") as f:
        csv.writer(f).writerows(csv_rows)
    print("\n" + "\n".join(lines))
    print(f"wrote {out}/results.md, results.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
