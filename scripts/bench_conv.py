"""Forward+backward time and peak memory of HGNNConv / HGNNPConv against PyG's HypergraphConv
(and DHG's HGNNConv when ``dhg`` is installed), in one process with the same threads.

    python scripts/bench_conv.py --root ../shared/datasets --threads 2

Cases: cocitation Cora (1,433 -> 64 features) and a synthetic hypergraph SBM with >= 1M
incidences (64 -> 64).  Each peer runs ``--warmup`` untimed passes, then ``--repeats`` timed
forward+backward passes interleaved round-robin with the other peers (so machine noise hits all
alike); the median is printed with the ratio against PyG.  Memory is the peak process RSS above
the level before two further passes of the peer (sampled every millisecond; allocations the
process already holds from earlier peers are not counted again, so it is a lower bound).
Our layers run with ``cached=True``: the normalised CSR operator is built once (its build time
is printed separately), as in transductive training.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable

import psutil
import torch

from hypergraph.data.generators import hypergraph_sbm
from hypergraph.nn.conv import HGNNConv, HGNNPConv


class PeakRSS:
    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRSS:
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.001)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def mib(self) -> float:
        return (self.peak - self.base) / 2**20


def time_fn(fn: Callable[[], torch.Tensor], warmup: int, repeats: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def peers(x: torch.Tensor, hi: torch.Tensor, m: int, out: int) -> dict[str, Callable]:
    from torch_geometric.nn import HypergraphConv

    fin = x.size(1)
    torch.manual_seed(0)
    ours = {
        "HGNNConv (ours, cached)": HGNNConv(fin, out, cached=True),
        "HGNNPConv (ours, cached)": HGNNPConv(fin, out, cached=True),
    }
    pyg = HypergraphConv(fin, out)
    xg = x.clone().requires_grad_(True)

    def step(call: Callable[[], torch.Tensor]) -> Callable[[], torch.Tensor]:
        def run() -> torch.Tensor:
            y = call()
            y.sum().backward()
            return y

        return run

    fns: dict[str, Callable] = {}
    for name, conv in ours.items():
        fns[name] = step(lambda conv=conv: conv(xg, hi, None, m))
    fns["PyG HypergraphConv"] = step(lambda: pyg(xg, hi, num_edges=m))
    try:
        import dhg
        from dhg.nn import HGNNConv as DHGConv

        n = x.size(0)
        # DHG builds its structure from Python lists of hyperedges (timed separately)
        t = time.perf_counter()
        order = torch.argsort(hi[1], stable=True)
        nodes, edges = hi[0][order], hi[1][order]
        sizes = torch.bincount(edges, minlength=m).tolist()
        groups = [g.tolist() for g in torch.split(nodes, sizes) if len(g)]
        hg = dhg.Hypergraph(n, groups)
        hg.L_HGNN  # noqa: B018  (build DHG's cached operator)
        print(f"  DHG structure + operator build: {time.perf_counter() - t:.2f} s")
        dconv = DHGConv(fin, out, is_last=True)
        fns["DHG HGNNConv"] = step(lambda: dconv(xg, hg))
    except ImportError:
        print("  (dhg not installed: DHG column skipped; `pip install dhg` to include it)")
    return fns


def bench_case(
    name: str, x: torch.Tensor, hi: torch.Tensor, m: int, out: int, args: argparse.Namespace
) -> None:
    print(f"\n## {name}: N={x.size(0):,} M={m:,} incidences={hi.size(1):,} F={x.size(1)} -> {out}")
    t = time.perf_counter()
    HGNNConv(x.size(1), out, cached=True)(x, hi, None, m)
    print(f"  our operator build + first forward: {time.perf_counter() - t:.3f} s")
    fns = peers(x, hi, m, out)
    for fn in fns.values():  # warm up every peer first
        time_fn(fn, args.warmup, 0)
    times: dict[str, list[float]] = {peer: [] for peer in fns}
    for _ in range(args.repeats):  # interleaved, so that machine noise hits every peer alike
        for peer, fn in fns.items():
            times[peer] += time_fn(fn, 0, 1)
    rows = []
    for peer, fn in fns.items():
        with PeakRSS() as mem:
            time_fn(fn, 0, 2)
        rows.append((peer, statistics.median(times[peer]) * 1e3, mem.mib))
    ref = dict((r[0], r[1]) for r in rows)["PyG HypergraphConv"]
    print(f"  {'layer':<26} {'median fwd+bwd (ms)':>20} {'speed-up vs PyG':>16} {'peak RSS (MiB)':>15}")
    for peer, ms, mib in rows:
        print(f"  {peer:<26} {ms:>20.2f} {ref / ms:>15.2f}x {mib:>15.1f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", default=None, help="data root holding hypergcn/cocitation-cora.npz")
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--large-nodes", type=int, default=200_000)
    p.add_argument("--large-hyperedges", type=int, default=250_000)
    p.add_argument("--device", default="cpu")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, device={args.device}")
    dev = torch.device(args.device)
    try:
        from hypergraph.datasets import HyperGCNDataset

        cora = HyperGCNDataset("cocitation-cora", root=args.root, download=False)[0]
        bench_case(
            "cocitation Cora", cora.x.to(dev), cora.hyperedge_index.to(dev), cora.num_hyperedges, 64, args
        )
    except FileNotFoundError as err:
        print(f"cocitation Cora skipped: {err}")
    big = hypergraph_sbm(
        num_nodes=args.large_nodes,
        num_hyperedges=args.large_hyperedges,
        mean_size=4.0,
        num_features=64,
        seed=0,
    )
    bench_case("synthetic HSBM", big.x.to(dev), big.hyperedge_index.to(dev), big.num_hyperedges, 64, args)


if __name__ == "__main__":
    main()
