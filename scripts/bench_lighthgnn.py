"""Inference latency, throughput and peak memory: LightHGNN student MLP vs HGNN teacher.

Two figures per model:

* **request latency**: the time to answer one request of ``--batch`` nodes (default 1).  The
  student needs only those nodes' features; the teacher (full hypergraph propagation) has to run
  over the whole hypergraph to answer for any node, so its latency is a full forward pass;
* **throughput**: nodes per second of a full-batch forward pass over all ``N`` nodes.

Synthetic hypergraphs (:func:`hypergraph.data.generators.hypergraph_sbm`) of 5k, 55k and 500k
nodes.  Both models are untrained (inference cost does not depend on the weights) and sized as
in LightHGNN: teacher HGNN ``d → 32 → C``, student MLP ``d → 128 → C`` with BatchNorm.  Timings
are the median of ``--repeats`` forward passes (interleaved across models) under
``torch.no_grad`` in eval mode, in this process, with ``--threads`` torch threads, after one
warm-up pass.  The teacher is timed three ways:

* ``hgnn``: what inference on a (new) hypergraph costs — the propagation runs from the incidence
  list (gather/scatter, ``cached=False``), i.e. the structure is read at every call;
* ``hgnn-new-graph``: the teacher as this library runs it on a hypergraph it has not seen
  (``cached=True`` with an empty cache): each layer builds the normalised CSR operator, then
  propagates — the cost of serving a changed hypergraph in the production setting;
* ``hgnn-cached``: the best case for the teacher — the normalised CSR operator was built before
  the clock started and is reused (the transductive full-batch path).

Peak memory is the growth of the peak resident set (``VmHWM``) of a fresh child process over its
resident set just before one forward pass (data built, one warm-up pass done, freed heap pages
returned with ``malloc_trim``), one child per model and size (Linux only).

Usage::

    python scripts/bench_lighthgnn.py [--sizes 5000 55000 500000] [--repeats 10] [--threads 1]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import multiprocessing as mp
import statistics
import time

import torch

from hypergraph.data.generators import hypergraph_sbm
from hypergraph.nn.models import HGNN, MLP

MODELS = ("mlp", "hgnn", "hgnn-new-graph", "hgnn-cached")


def make_data(num_nodes: int, args: argparse.Namespace):
    return hypergraph_sbm(
        num_nodes=num_nodes,
        num_classes=args.classes,
        num_hyperedges=int(num_nodes * args.edges_per_node),
        mean_size=args.mean_size,
        max_size=args.max_size,
        num_features=args.features,
        seed=0,
    )


def make_model(
    name: str, hg, args: argparse.Namespace, rows: int | None = None
) -> tuple[torch.nn.Module, callable]:
    """The model and a no-argument call running it (the MLP on the first ``rows`` nodes if given)."""
    torch.manual_seed(0)
    d = hg.x.size(1)
    if name == "mlp":
        model = MLP(d, 128, args.classes, batch_norm=True).eval()
        x = hg.x if rows is None else hg.x[:rows].clone()
        return model, lambda: model(x)
    model = HGNN(d, 32, args.classes, cached=name != "hgnn").eval()
    M = hg.num_hyperedges

    def run():
        if name == "hgnn-new-graph":
            for conv in model.convs:
                conv.propagation.reset_cache()
        return model(hg.x, hg.hyperedge_index, None, M)

    return model, run


@torch.no_grad()
def time_models(fns: dict[str, callable], repeats: int, budget_s: float = 60.0) -> dict[str, float]:
    """Median wall time of each ``fn()`` after a warm-up.

    The repeats are interleaved (one call of each model per round) so that load changes on a
    shared machine hit every model alike; slow models get fewer rounds (at least 3).
    """
    first = {}
    for name, fn in fns.items():  # warm-up (builds the cached operator for hgnn-cached)
        t0 = time.perf_counter()
        fn()
        first[name] = time.perf_counter() - t0
    rounds = max(3, min(repeats, int(budget_s / max(sum(first.values()), 1e-9))))
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def _peak_child(name: str, num_nodes: int, args: argparse.Namespace, queue) -> None:
    torch.set_num_threads(args.threads)
    hg = make_data(num_nodes, args)
    model, fn = make_model(name, hg, args)
    with torch.no_grad():
        fn()  # warm-up: the cached teacher's operator exists before the measured pass
        gc.collect()
        _trim_heap()  # give freed pages back so that the measured pass cannot reuse them unseen
        with open("/proc/self/clear_refs", "w") as f:  # reset VmHWM to the current RSS
            f.write("5")
        base = _status_kib("VmRSS")
        fn()
        peak = _status_kib("VmHWM")
    queue.put((peak - base) / 1024)


def _trim_heap() -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the figure may then be an underestimate
        pass


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/self/status")


def peak_memory_mib(name: str, num_nodes: int, args: argparse.Namespace) -> float:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_peak_child, args=(name, num_nodes, args, q))
    p.start()
    value = q.get()
    p.join()
    return value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5_000, 55_000, 500_000])
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1, help="nodes per request for the request latency")
    ap.add_argument("--features", type=int, default=64, help="node feature size d")
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--edges-per-node", type=float, default=1.0, help="hyperedges M = this x N")
    ap.add_argument("--mean-size", type=float, default=8.0)
    ap.add_argument("--max-size", type=int, default=64)
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory child processes")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); d={args.features}, "
        f"C={args.classes}, M={args.edges_per_node:g}N hyperedges of mean size {args.mean_size:g}; "
        f"median of {args.repeats}"
    )
    print(
        f"{'nodes':>8} {'nnz':>9} {'model':>14} {'request ms':>11} {'full-batch ms':>14} "
        f"{'nodes/s':>10} {'peak MiB':>9} {'latency x':>10} {'throughput x':>13}"
    )
    for n in args.sizes:
        hg = make_data(n, args)
        full = time_models({name: make_model(name, hg, args)[1] for name in MODELS}, args.repeats)
        request = dict(full)  # the teacher answers any request with a full propagation
        one = make_model("mlp", hg, args, rows=args.batch)[1]
        request["mlp"] = time_models({"mlp": one}, max(args.repeats, 100))["mlp"]
        for name in MODELS:
            mem = float("nan") if args.no_memory else peak_memory_mib(name, n, args)
            lat_x = "" if name == "mlp" else f"{request[name] / request['mlp']:.0f}x"
            thr_x = "" if name == "mlp" else f"{full[name] / full['mlp']:.1f}x"
            print(
                f"{n:>8} {hg.num_incidences:>9} {name:>14} {request[name] * 1e3:>11.3f} "
                f"{full[name] * 1e3:>14.2f} {n / full[name]:>10.3g} {mem:>9.1f} {lat_x:>10} {thr_x:>13}"
            )
        del hg
    print(
        f"latency x: teacher request latency / student request latency ({args.batch} node(s) per request); "
        "throughput x: student full-batch nodes/s / teacher full-batch nodes/s (< 1: the teacher is faster)"
    )


if __name__ == "__main__":
    main()
