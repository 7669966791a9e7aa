"""Throughput of HyperDrop (EHGNN + HyperDrop) training vs the GCN baseline (same code path without
EHGNN) on a TU dataset, plus the DHT transform itself.

    .venv/bin/python scripts/bench_dht.py [--dataset PROTEINS] [--root /work/shared/datasets]
        [--epochs 2] [--threads 1]

Prints training graphs/s (forward + backward + Adam step, batch size 128, hidden 128, the
configs' edge ratio) for each model, the ratio between them, and DHT + inverse graphs/s.
Timings on a shared machine are noisy: the best of ``--epochs`` epochs is reported.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch_geometric.loader import DataLoader

from hypergraph.datasets.tu import load_tu
from hypergraph.dual import DualHypergraph
from hypergraph.nn.models import HyperDropNet

RATIOS = {"PROTEINS": 0.65, "MUTAG": 0.9, "IMDB-BINARY": 0.9}


def train_throughput(graphs: list, model: torch.nn.Module, epochs: int, batch_size: int) -> float:
    opt = torch.optim.Adam(model.parameters(), lr=5e-4, weight_decay=1e-4)
    loader = DataLoader(graphs, batch_size=batch_size, shuffle=True)
    best = 0.0
    for _ in range(epochs):
        t = time.perf_counter()
        for batch in loader:
            loss = torch.nn.functional.cross_entropy(model(batch), batch.y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        best = max(best, len(graphs) / (time.perf_counter() - t))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="PROTEINS")
    ap.add_argument("--root", default="/work/shared/datasets")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    ds = load_tu(args.dataset, args.root)
    graphs = [ds[i] for i in range(len(ds))]
    g0 = graphs[0]
    e_dim = 0 if g0.get("edge_attr") is None else int(g0.edge_attr.size(1))
    n_edges = sum(g.edge_index.size(1) for g in graphs)
    print(
        f"{args.dataset}: {len(graphs)} graphs, {sum(g.num_nodes for g in graphs)} nodes, {n_edges} directed "
        f"edges; batch {args.batch_size}, hidden {args.hidden}, threads {args.threads}"
    )
    ratio = RATIOS.get(args.dataset, 0.5)
    res = {}
    for name, kw in (("EHGNN+HyperDrop", {"ratio": ratio}), ("GCN baseline", {"use_ehgnn": False})):
        model = HyperDropNet(g0.x.size(1), e_dim, args.hidden, ds.num_classes, **kw)
        res[name] = train_throughput(graphs, model, args.epochs, args.batch_size)
        print(f"  train {name:<16} {res[name]:8.1f} graphs/s")
    print(f"  HyperDrop / GCN throughput ratio: {res['EHGNN+HyperDrop'] / res['GCN baseline']:.2f}")
    for directed in (False, True):
        t = DualHypergraph(directed=directed)
        t0 = time.perf_counter()
        duals = [t(g) for g in graphs]
        t1 = time.perf_counter()
        for d in duals:
            t.inverse(d)
        t2 = time.perf_counter()
        mode = "directed" if directed else "undirected"
        print(
            f"  DHT ({mode:<10}) {len(graphs) / (t1 - t0):8.1f} graphs/s, inverse "
            f"{len(graphs) / (t2 - t1):8.1f} graphs/s"
        )


if __name__ == "__main__":
    main()
