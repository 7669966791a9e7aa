"""Scale benchmark: full-batch vs neighbour-sampled vs cluster mini-batch HGNN training on synthetic
HSBM hypergraphs (about 5 incidences per node, 64 features), plus the neighbour sampler's speed.

Every configuration runs in its own child process (optionally under an address-space cap,
``--mem-cap-gb``, set with ``resource.RLIMIT_AS`` before torch is imported) and reports its epoch
time, training seeds per second, peak RSS and test accuracy (full-graph chunked inference, the
same evaluation for every mode).  A child that runs out of memory under the cap is reported as
``OOM``.  The hypergraphs are generated once (also in a child) and stored under ``--data-dir``.

Examples::

    python scripts/bench_scale.py --sizes 100000 1000000 --epochs 2
    python scripts/bench_scale.py --sizes 10000000 --mem-cap-gb 16 --max-batches 200
    python scripts/bench_scale.py --sampling-only --sampling-nodes 1000000 --sampling-neighbors "[10, 10]"
    python scripts/bench_scale.py --sampling-only --hypertorch-path /tmp/ht/x:/tmp/htdeps

``--hypertorch-path`` adds folders to ``sys.path`` of the sampling child only, so that HyperTorch's
``NodeSampler`` (one hop, whole incident hyperedges) can be timed on the same hypergraph beside our
loader with ``num_neighbors=[[-1, -1]]`` (the equivalent draw).  HyperTorch 0.1.13 pins
``torch<2.13`` and ``torch-geometric<2.8``, so it does not install next to this project's pins;
the comparison uses its wheel unpacked beside our torch, unsupported by its authors.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OOM_MARKERS = ("MemoryError", "can't allocate memory", "std::bad_alloc", "Cannot allocate memory", "OOM")


# ----------------------------------------------------------------------------------- children
def _child_setup(cfg: dict) -> None:
    cap = cfg.get("mem_cap_gb") or 0
    if cap > 0:
        import resource

        limit = int(cap * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threads = str(cfg.get("threads", 1))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = threads
    sys.path.insert(0, str(REPO))


def _peak_rss_gb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def _graph_path(data_dir: str, n: int, seed: int) -> Path:
    return Path(data_dir) / f"hsbm-n{n}-s{seed}.pt"


def child_generate(cfg: dict) -> dict:
    import torch

    from hypergraph.data.generators import hypergraph_sbm
    from hypergraph.data.utils import atomic_write

    torch.set_num_threads(cfg["threads"])
    n = cfg["num_nodes"]
    t = time.perf_counter()
    hg = hypergraph_sbm(
        num_nodes=n,
        num_classes=cfg["num_classes"],
        num_hyperedges=n,
        mean_size=5.0,
        max_size=20,
        homophily=cfg["homophily"],
        num_features=64,
        feature_signal=cfg["signal"],
        seed=cfg["seed"],
    )
    g = torch.Generator().manual_seed(cfg["seed"] + 1)
    perm = torch.randperm(n, generator=g)
    n_train, n_test = int(cfg["train_frac"] * n), int(cfg["test_frac"] * n)
    out = {
        "x": hg.x,
        "y": hg.y,
        "hyperedge_index": hg.hyperedge_index,
        "num_nodes": n,
        "num_hyperedges": hg.num_hyperedges,
        "train_idx": perm[:n_train].clone(),
        "test_idx": perm[n_train : n_train + n_test].clone(),
    }
    with atomic_write(_graph_path(cfg["data_dir"], n, cfg["seed"])) as f:
        torch.save(out, f)
    return {"gen_s": time.perf_counter() - t, "nnz": hg.num_incidences, "peak_rss_gb": _peak_rss_gb()}


def _load_graph(cfg: dict):
    import torch

    from hypergraph.data.hypergraph import Hypergraph

    d = torch.load(_graph_path(cfg["data_dir"], cfg["num_nodes"], cfg["seed"]), mmap=True, weights_only=True)
    hg = Hypergraph(
        x=d["x"],
        y=d["y"],
        hyperedge_index=d["hyperedge_index"],
        num_nodes=d["num_nodes"],
        num_hyperedges=d["num_hyperedges"],
        validate=False,
    )
    return hg, d["train_idx"], d["test_idx"]


def child_train(cfg: dict) -> dict:
    import torch
    import torch.nn.functional as F

    from hypergraph.loader.cluster_loader import HypergraphClusterLoader
    from hypergraph.loader.inference import chunked_inference
    from hypergraph.loader.neighbor_loader import HypergraphNeighborLoader
    from hypergraph.nn.models.hgnn import HGNN

    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(cfg["seed"])
    hg, train_idx, test_idx = _load_graph(cfg)
    N, mode = hg.num_nodes, cfg["mode"]
    model = HGNN(64, cfg["hidden"], cfg["num_classes"], num_layers=2, dropout=0.5, cached=(mode == "full"))
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], weight_decay=5e-4)
    t = time.perf_counter()
    if mode == "neighbor":
        loader = HypergraphNeighborLoader(
            hg,
            cfg["num_neighbors"],
            batch_size=cfg["batch_size"],
            shuffle=True,
            input_nodes=train_idx,
            seed=cfg["seed"],
        )
    elif mode == "cluster":
        train_mask = torch.zeros(N, dtype=torch.bool)
        train_mask[train_idx] = True
        hg.train_mask = train_mask
        loader = HypergraphClusterLoader(
            hg,
            num_parts=max(1, N // cfg["part_size"]),
            parts_per_batch=cfg["parts_per_batch"],
            seed=cfg["seed"],
            method=cfg["partition"],
            cache_dir=cfg["data_dir"],
        )
    setup_s = time.perf_counter() - t
    epochs = []
    seeds_done = 0
    for _ in range(cfg["full_epochs"] if mode == "full" else cfg["epochs"]):
        model.train()
        t = time.perf_counter()
        seeds_done = 0
        if mode == "full":
            opt.zero_grad()
            out = model(hg.x, hg.hyperedge_index, None, hg.num_hyperedges)
            F.cross_entropy(out[train_idx], hg.y[train_idx]).backward()
            opt.step()
            seeds_done = train_idx.numel()
        else:
            for i, b in enumerate(loader):
                if cfg["max_batches"] and i >= cfg["max_batches"]:
                    break
                deg = {}
                if mode == "neighbor" and cfg["degrees"] == "full":
                    deg = {"node_degree": b.node_degree, "hyperedge_degree": b.hyperedge_degree}
                opt.zero_grad()
                out = model(b.x, b.hyperedge_index, None, b.num_hyperedges, **deg)
                if mode == "neighbor":
                    target, logits = b.y[: b.batch_size], out[: b.batch_size]
                else:
                    target, logits = b.y[b.train_mask], out[b.train_mask]
                if target.numel() == 0:
                    continue
                F.cross_entropy(logits, target).backward()
                opt.step()
                seeds_done += target.numel()
        epochs.append(time.perf_counter() - t)
    t = time.perf_counter()
    pred = chunked_inference(model, hg, chunk_size=cfg["chunk_size"]).argmax(1)
    eval_s = time.perf_counter() - t
    acc = float((pred[test_idx] == hg.y[test_idx]).float().mean())
    epoch_s = min(epochs)
    return {
        "setup_s": setup_s,
        "epoch_s": epoch_s,
        "epoch_times": epochs,
        "seeds_per_epoch": seeds_done,
        "seeds_per_s": seeds_done / epoch_s if epoch_s > 0 else float("nan"),
        "eval_s": eval_s,
        "test_acc": acc,
        "peak_rss_gb": _peak_rss_gb(),
    }


def child_sample(cfg: dict) -> dict:
    import torch

    from hypergraph.data.hypergraph import Hypergraph
    from hypergraph.loader.neighbor_loader import HypergraphNeighborLoader

    torch.set_num_threads(1)
    hg, train_idx, _ = _load_graph(cfg)
    res = {}
    structure = Hypergraph(
        hyperedge_index=hg.hyperedge_index,
        num_nodes=hg.num_nodes,
        num_hyperedges=hg.num_hyperedges,
        validate=False,
    )
    runs = [("ours", cfg["sampling_neighbors"], hg), ("ours-structure", cfg["sampling_neighbors"], structure)]
    if cfg.get("hypertorch_path"):
        runs.append(("ours-1hop-all", [[-1, -1]], structure))
    for name, nn, data in runs:
        t = time.perf_counter()
        loader = HypergraphNeighborLoader(data, nn, batch_size=cfg["batch_size"], shuffle=True, seed=0)
        init_s = time.perf_counter() - t
        seeds = nodes = batches = 0
        t = time.perf_counter()
        for b in loader:
            seeds += b.batch_size
            nodes += b.num_nodes
            batches += 1
            if batches >= cfg["sampling_batches"]:
                break
        dt = time.perf_counter() - t
        res[name] = {
            "num_neighbors": nn,
            "init_s": init_s,
            "seeds_per_s": seeds / dt,
            "sampled_nodes_per_s": nodes / dt,
            "nodes_per_batch": nodes / max(batches, 1),
        }
    if cfg.get("hypertorch_path"):
        res["hypertorch"] = _sample_hypertorch(cfg, hg)
        if "error" not in res["hypertorch"]:
            ours = res["ours-1hop-all"]["sampled_nodes_per_s"]
            res["ratio_ours_over_hypertorch"] = ours / res["hypertorch"]["sampled_nodes_per_s"]
    res["peak_rss_gb"] = _peak_rss_gb()
    return res


def _sample_hypertorch(cfg: dict, hg) -> dict:
    import torch

    for p in reversed(cfg["hypertorch_path"].split(os.pathsep)):
        sys.path.insert(0, p)
    try:
        from hypertorch.data.sampler import NodeSampler
        from hypertorch.types import HData
        from hypertorch.types.task import TaskEnum
    except Exception as exc:  # not importable beside our pins
        return {"error": f"{type(exc).__name__}: {exc}"}
    task = getattr(TaskEnum, "NODE_CLASSIFICATION", None)
    hdata = HData.from_hyperedge_index(hg.hyperedge_index, **({"task": task} if task is not None else {}))
    sampler = NodeSampler()
    g = torch.Generator().manual_seed(0)
    n = sampler.len(hdata)  # HData drops nodes in no hyperedge
    perm = torch.randperm(n, generator=g)
    bs = cfg["batch_size"]
    n_batches = max(1, min(cfg["sampling_batches"], n // bs))
    seeds = nodes = 0
    t = time.perf_counter()
    for i in range(n_batches):
        ids = perm[i * bs : (i + 1) * bs].tolist()
        sub = sampler.sample(ids, hdata)
        seeds += len(ids)
        nodes += int(sub.num_nodes)
    dt = time.perf_counter() - t
    return {
        "seeds_per_s": seeds / dt,
        "sampled_nodes_per_s": nodes / dt,
        "nodes_per_batch": nodes / n_batches,
    }


CHILDREN = {"generate": child_generate, "train": child_train, "sample": child_sample}


def run_child(cfg: dict, timeout: float | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(cfg)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode == 0 and lines:
        return {"status": "ok", **json.loads(lines[-1][7:])}
    err = proc.stderr[-2000:]
    oom = proc.returncode in (-9, 137) or any(m in err for m in OOM_MARKERS)
    return {"status": "OOM" if oom else f"failed (rc={proc.returncode})", "stderr_tail": err[-600:]}


# ------------------------------------------------------------------------------------- parent
def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--modes", nargs="+", default=["full", "neighbor", "cluster"])
    p.add_argument("--epochs", type=int, default=3, help="epochs of the mini-batch modes")
    p.add_argument("--full-epochs", type=int, default=50, help="epochs (= steps) of full-batch training")
    p.add_argument("--mem-cap-gb", type=float, default=0.0, help="RLIMIT_AS per training child (0: none)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--num-neighbors", default="[[3, 3], [3, 3]]", help="JSON, one entry per hop")
    p.add_argument(
        "--degrees",
        choices=["full", "local"],
        default="local",
        help="neighbour batches: the batch's own degrees (local; better with binding fan-outs) or the "
        "full-graph ones (exact with whole neighbourhoods)",
    )
    p.add_argument("--part-size", type=int, default=2000, help="nodes per partition (cluster)")
    p.add_argument("--parts-per-batch", type=int, default=10)
    p.add_argument("--partition", default="auto", choices=["auto", "metis", "bfs", "random"])
    p.add_argument("--max-batches", type=int, default=0, help="cap on batches per epoch (0: whole epoch)")
    p.add_argument("--chunk-size", type=int, default=1 << 17)
    p.add_argument("--num-classes", type=int, default=10)
    p.add_argument("--homophily", type=float, default=0.7)
    p.add_argument("--signal", type=float, default=0.15, help="feature signal (noise 1)")
    p.add_argument("--train-frac", type=float, default=0.1)
    p.add_argument("--test-frac", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-dir", default=None, help="default: $HYPERGRAPH_CACHE/bench_scale")
    p.add_argument("--timeout", type=float, default=None, help="seconds per child")
    p.add_argument("--sampling-only", action="store_true")
    p.add_argument("--no-sampling", action="store_true")
    p.add_argument("--sampling-nodes", type=int, default=1_000_000)
    p.add_argument("--sampling-neighbors", default="[10, 10]")
    p.add_argument("--sampling-batches", type=int, default=20)
    p.add_argument("--hypertorch-path", default=None, help="sys.path entries holding hypertorch")
    args = p.parse_args()

    if args.child:
        cfg = json.loads(args.child)
        _child_setup(cfg)
        print("RESULT " + json.dumps(CHILDREN[cfg["role"]](cfg)), flush=True)
        return

    sys.path.insert(0, str(REPO))
    from hypergraph.progress import progress, write  # light: tqdm only, no torch in the parent

    cache = Path(os.environ.get("HYPERGRAPH_CACHE", Path.home() / ".cache" / "hypergraph")).expanduser()
    data_dir = args.data_dir or str(cache / "bench_scale")
    base = {
        "threads": args.threads,
        "num_classes": args.num_classes,
        "homophily": args.homophily,
        "signal": args.signal,
        "train_frac": args.train_frac,
        "test_frac": args.test_frac,
        "seed": args.seed,
        "data_dir": data_dir,
    }

    def ensure_graph(n: int) -> None:
        if _graph_path(data_dir, n, args.seed).exists():
            return
        r = run_child({**base, "role": "generate", "num_nodes": n}, args.timeout)
        if r["status"] != "ok":
            sys.exit(f"generating n={n} failed: {r}")
        write(
            f"# generated HSBM n={n}: nnz={r['nnz']} in {r['gen_s']:.1f}s "
            f"(peak RSS {r['peak_rss_gb']:.2f} GB)"
        )

    print(f"# torch threads={args.threads}  mem cap={args.mem_cap_gb or 'none'} GB  data={data_dir}")
    cells = 0 if args.sampling_only else len(args.sizes) * len(args.modes)
    bar = progress(total=cells + (not args.no_sampling), desc="bench_scale", unit="run")
    if not args.sampling_only:
        head = f"{'nodes':>10} {'mode':>9} {'status':>8} {'setup_s':>8} {'epoch_s':>9} {'seeds/s':>10}"
        write(head + f" {'peak_GB':>8} {'test_acc':>8}")
        for n in args.sizes:
            bar.set_postfix_str(f"n={n} data")
            ensure_graph(n)
            for mode in args.modes:
                bar.set_postfix_str(f"n={n} {mode}")
                cfg = {
                    **base,
                    "role": "train",
                    "num_nodes": n,
                    "mode": mode,
                    "mem_cap_gb": args.mem_cap_gb,
                    "epochs": args.epochs,
                    "full_epochs": args.full_epochs,
                    "hidden": args.hidden,
                    "lr": args.lr,
                    "batch_size": args.batch_size,
                    "num_neighbors": json.loads(args.num_neighbors),
                    "degrees": args.degrees,
                    "part_size": args.part_size,
                    "parts_per_batch": args.parts_per_batch,
                    "partition": args.partition,
                    "max_batches": args.max_batches,
                    "chunk_size": args.chunk_size,
                }
                r = run_child(cfg, args.timeout)
                bar.update()
                if r["status"] == "ok":
                    write(
                        f"{n:>10} {mode:>9} {'ok':>8} {r['setup_s']:>8.1f} {r['epoch_s']:>9.2f} "
                        f"{r['seeds_per_s']:>10.0f} {r['peak_rss_gb']:>8.2f} {r['test_acc']:>8.4f}"
                    )
                else:
                    write(f"{n:>10} {mode:>9} {r['status']:>8}")
                    if r.get("stderr_tail") and r["status"] != "OOM":
                        write("#   " + r["stderr_tail"].strip().replace("\n", "\n#   "))
    if not args.no_sampling:
        n = args.sampling_nodes
        bar.set_postfix_str(f"n={n} sampling")
        ensure_graph(n)
        cfg = {
            **base,
            "role": "sample",
            "num_nodes": n,
            "batch_size": args.batch_size,
            "sampling_neighbors": json.loads(args.sampling_neighbors),
            "sampling_batches": args.sampling_batches,
            "hypertorch_path": args.hypertorch_path,
        }
        r = run_child(cfg, args.timeout)
        bar.update()
    bar.close()
    if not args.no_sampling:
        print(f"# sampling speed, n={n}, batch_size={args.batch_size}, one thread")
        if r["status"] != "ok":
            print(f"#   {r['status']}: {r.get('stderr_tail', '')}")
            return
        for name in ("ours", "ours-structure", "ours-1hop-all", "hypertorch"):
            s = r.get(name)
            if s is None:
                continue
            if "error" in s:
                print(f"  {name:>15}: not importable ({s['error']})")
                continue
            nn = s.get("num_neighbors", "[[-1, -1]] (NodeSampler)")
            print(
                f"  {name:>15}: num_neighbors={nn}  seeds/s={s['seeds_per_s']:.0f}  "
                f"sampled nodes/s={s['sampled_nodes_per_s']:.0f}  nodes/batch={s['nodes_per_batch']:.0f}"
            )
        if "ratio_ours_over_hypertorch" in r:
            print(
                f"  sampled nodes/s ratio ours / HyperTorch (1 hop, whole hyperedges): "
                f"{r['ratio_ours_over_hypertorch']:.1f}x"
            )


if __name__ == "__main__":
    main()
