"""Forward+backward time and peak memory of every layer of ``hypergraph.nn.conv`` that the model
zoo uses, beside its peer in DeepHypergraph (``dhg``, optional) or PyG, in one process.

    python scripts/bench_conv.py --root ../shared/datasets --threads 1 --repeats 10
    python scripts/bench_conv.py --layers hgnn,unigcn,hypergcn --device cuda

Cases: cocitation Cora (1,433 -> 64 features) and a synthetic hypergraph SBM with about 1M
incidences (64 -> 64).  Both sides get the same structure: duplicate hyperedges merged (DHG's
``Hypergraph`` merges them) and singletons dropped (DHG's HyperGCN rejects them).  Every layer
and its peer run ``--warmup`` untimed passes, then ``--repeats`` timed forward+backward passes
(of the output sum, gradients to the parameters and the input features) interleaved round-robin
with all the others, so that machine noise hits all alike; medians are printed, with the ratio
peer / ours (> 1: ours faster).  Memory is the peak process RSS above the level before two
further passes (sampled every millisecond; what the process already holds is not counted again,
so it is a lower bound); on CUDA, the peak allocated device memory above the level before.
Structures are built once per case, outside the timings: DHG's ``Hypergraph`` (which caches its
operators), our cached HGNN-family operators (``cached=True``), the clique expansions and the
FastHyperGCN graphs (their first-pass times are printed).  Attention layers use one head on
both sides.  Layers without a peer print "-" as ratio.  A peer that cannot run a case (DHG's
UniGATConv, whose backward allocates a dense N x M matrix) is listed as skipped.  The layers, their
settings and their peers are in ``bench_conv_layers.py`` (``--layers`` takes its keys).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import torch
from torch import Tensor

from hypergraph.data.generators import hypergraph_sbm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_conv_layers import NOTES, OURS, PEERS, Call, Case, make_case  # noqa: E402

NO_DHG = "dhg (DeepHypergraph) is not installed: its columns are skipped; `pip install dhg==0.9.7`"


class PeakRSS:
    """Peak resident memory (or CUDA allocation) above the level at entry, in MiB."""

    def __init__(self, device: torch.device) -> None:
        self.proc, self.cuda = psutil.Process(), device.type == "cuda"
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRSS:
        if self.cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self.base = torch.cuda.memory_allocated()
            return self
        self.base = self.peak = self.proc.memory_info().rss
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.001)

    def __exit__(self, *exc: object) -> None:
        if self.cuda:
            torch.cuda.synchronize()
            self.peak = torch.cuda.max_memory_allocated()
            return
        self._stop.set()
        self.thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def mib(self) -> float:
        return (self.peak - self.base) / 2**20


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_fn(fn: Call, repeats: int, device: torch.device) -> list[float]:
    """Wall times (s) of ``repeats`` calls of ``fn``, synchronised on CUDA."""
    out = []
    for _ in range(repeats):
        _sync(device)
        t = time.perf_counter()
        fn()
        _sync(device)
        out.append(time.perf_counter() - t)
    return out


@dataclass
class Row:
    layer: str
    peer: str  # "-" without a peer
    ours_ms: float
    peer_ms: float  # nan without a peer
    ours_mib: float
    peer_mib: float
    ours_shape: tuple[int, ...]
    peer_shape: tuple[int, ...] | None


def _step(call: Call) -> Call:
    def run() -> Tensor:
        y = call()
        y.sum().backward()
        return y

    return run


def run_case(case: Case, keys: list[str], warmup: int, repeats: int, memory: bool = True) -> list[Row]:
    """Time our layers ``keys`` and their peers on ``case`` (interleaved); one row per pair."""
    dev = case.x.device
    fns: dict[str, Call] = {}
    missing: set[str] = set()
    for key in keys:
        name, peers, build = OURS[key]
        torch.manual_seed(0)
        fns[name] = _step(build(case))
        for peer in peers:
            if peer not in fns and peer not in missing:
                torch.manual_seed(0)
                call = PEERS[peer](case)
                if isinstance(call, str):
                    print(f"  {peer} skipped: {call}")
                if call is None or isinstance(call, str):
                    missing.add(peer)
                else:
                    fns[peer] = _step(call)
    if missing and case.dhg() is None:
        print(f"  {NO_DHG}")
    shapes, first = {}, {}
    for name, fn in fns.items():  # every layer warmed up before any is timed
        _sync(dev)
        t = time.perf_counter()
        shapes[name] = tuple(fn().shape)
        _sync(dev)
        first[name] = time.perf_counter() - t
        time_fn(fn, warmup, dev)
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):  # interleaved, so that machine noise hits every layer alike
        for name, fn in fns.items():
            times[name] += time_fn(fn, 1, dev)
    ms = {name: statistics.median(t) * 1e3 if t else math.nan for name, t in times.items()}
    mib = dict.fromkeys(fns, math.nan)
    if memory:
        for name, fn in fns.items():
            with PeakRSS(dev) as mem:
                time_fn(fn, 2, dev)
            mib[name] = mem.mib
    slow = [f"{n} {first[n]:.2f} s" for n in fns if first[n] * 1e3 > 3 * ms[n] and first[n] > 0.05]
    if slow:
        print("  first pass (builds caches / graphs): " + ", ".join(slow))
    rows = []
    for key in keys:
        name, peers, _ = OURS[key]
        present = [p for p in peers if p in fns or case.dhg() is not None] or ["-"]
        for p in present:
            has = p in fns
            rows.append(
                Row(
                    name,
                    p if has or p == "-" else f"{p} (skipped)",
                    ms[name],
                    ms[p] if has else math.nan,
                    mib[name],
                    mib[p] if has else math.nan,
                    shapes[name],
                    shapes[p] if has else None,
                )
            )
    return rows


def print_table(rows: list[Row]) -> None:
    def f(v: float, fmt: str) -> str:
        return "-" if math.isnan(v) else format(v, fmt)

    print(
        f"  {'layer':<27} {'peer':<27} {'ours ms':>9} {'peer ms':>9} {'peer/ours':>9}"
        f" {'ours MiB':>9} {'peer MiB':>9}"
    )
    for r in rows:
        print(
            f"  {r.layer:<27} {r.peer:<27} {f(r.ours_ms, '.2f'):>9} {f(r.peer_ms, '.2f'):>9} "
            f"{f(r.peer_ms / r.ours_ms, '.2f'):>9} {f(r.ours_mib, '.1f'):>9} {f(r.peer_mib, '.1f'):>9}"
        )


def bench_case(case: Case, keys: list[str], args: argparse.Namespace) -> list[Row]:
    print(
        f"\n## {case.name}: N={case.num_nodes:,} M={case.num_hyperedges:,} "
        f"incidences={case.hyperedge_index.size(1):,} F={case.x.size(1)} -> {case.out}"
    )
    rows = run_case(case, keys, args.warmup, args.repeats)
    print_table(rows)
    return rows


def parse_layers(text: str | None) -> list[str]:
    if not text:
        return list(OURS)
    keys = [k.strip() for k in text.split(",") if k.strip()]
    bad = [k for k in keys if k not in OURS]
    if bad:
        raise SystemExit(f"unknown layer(s) {', '.join(bad)}; valid: {', '.join(OURS)}")
    return keys


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", default=None, help="data root holding hypergcn/cocitation-cora.npz")
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--large-nodes", type=int, default=200_000)
    p.add_argument("--large-hyperedges", type=int, default=250_000)
    p.add_argument("--device", default="cpu")
    p.add_argument("--layers", default=None, help=f"comma-separated subset of: {', '.join(OURS)}")
    args = p.parse_args()
    keys = parse_layers(args.layers)
    torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, device={dev}")
    print(textwrap.fill(NOTES, 110))
    try:
        import dhg

        print(f"dhg {dhg.__version__}")
    except ImportError:
        print(NO_DHG)
    from hypergraph.datasets import HyperGCNDataset

    try:
        cora = HyperGCNDataset("cocitation-cora", root=args.root, download=False)[0]
    except FileNotFoundError as err:
        print(f"cocitation Cora skipped: {err}")
    else:
        case = make_case("cocitation Cora", cora.x.to(dev), cora.hyperedge_index, cora.num_hyperedges, 64)
        bench_case(case, keys, args)
    big = hypergraph_sbm(
        num_nodes=args.large_nodes,
        num_hyperedges=args.large_hyperedges,
        mean_size=4.0,
        num_features=64,
        seed=0,
    )
    bench_case(
        make_case("synthetic HSBM", big.x.to(dev), big.hyperedge_index, big.num_hyperedges, 64), keys, args
    )


if __name__ == "__main__":
    main()
