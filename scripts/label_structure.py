"""How much each dataset's hypergraph says about its labels, beside nothing but the labels.

For every dataset: nodes, hyperedges, mean hyperedge size, the incidence-weighted hyperedge
homophily (share of a hyperedge's members in its majority class, over hyperedges with at least two
members) and the accuracy of the leave-one-out neighbourhood vote (each node predicts the class
its hyperedges' other members favour; :func:`hypergraph.data.stats.neighbourhood_vote`) against
the majority-class rate; the same vote with hyperedges weighted by ``|e|^-1.5`` (HNHN's
hyperedge → node weighting, which favours small hyperedges) and the clique-expansion vote (each
neighbour weighted by the number of hyperedges it shares with the node, as CE-GCN's graph is).
A vote below the feature-only MLP's accuracy marks a set on which a mean over a node's hyperedges
dilutes its own features.

    python scripts/label_structure.py --root ../shared/datasets --datasets cocitation-cora mushroom
"""

from __future__ import annotations

import argparse

import torch

from hypergraph.data.stats import hyperedge_homophily, neighbourhood_vote
from hypergraph.datasets import load_dataset

DEFAULT = [
    "cocitation-cora",
    "coauthorship-cora",
    "house-committees",
    "walmart-trips",
    "senate-committees",
    "contact-primary-school-classes",
    "zoo",
    "senate-bills",
    "mushroom",
    "congress-bills-labelled",
    "20newsw100",
    "mathoverflow-answers",
]


def row(name: str, root: str | None) -> dict[str, float | int | str]:
    """The statistics of one dataset (its hyperedges as the loader gives them, no singletons)."""
    data = load_dataset(name, root=root)
    hi, y, m = data.hyperedge_index, data.y, data.num_hyperedges
    size = torch.bincount(hi[1], minlength=m).double()
    share = hyperedge_homophily(hi, y, m)
    big = size >= 2
    vote = neighbourhood_vote(hi, y, m)
    voted = vote >= 0
    small = neighbourhood_vote(hi, y, m, size_power=-1.5)  # HNHN's weighting of hyperedges
    clique = neighbourhood_vote(hi, y, m, mean=False)  # the weighted clique expansion's neighbours
    return {
        "dataset": name,
        "nodes": data.num_nodes,
        "hyperedges": m,
        "mean size": float(size.mean()),
        "homophily": float((share[big] * size[big]).sum() / size[big].sum()),
        "vote acc": float((vote[voted] == y[voted]).double().mean()),
        "voting nodes": float(voted.double().mean()),
        "vote acc |e|^-1.5": float((small[voted] == y[voted]).double().mean()),
        "vote acc clique": float((clique[voted] == y[voted]).double().mean()),
        "majority class": float(torch.bincount(y).max() / y.numel()),
    }


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", nargs="+", default=DEFAULT)
    p.add_argument("--root", default=None, help="datasets folder (default: $HYPERGRAPH_DATA or the cache)")
    args = p.parse_args(argv)
    rows = [row(name, args.root) for name in args.datasets]
    print(
        "| dataset | nodes | hyperedges | mean size | homophily | vote acc. (nodes voting) "
        "| vote, weight \\|e\\|^-1.5 | vote, clique expansion | majority class |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['dataset']} | {r['nodes']:,} | {r['hyperedges']:,} | {r['mean size']:.1f} | "
            f"{r['homophily']:.3f} | {100 * r['vote acc']:.2f} ({100 * r['voting nodes']:.0f}%) | "
            f"{100 * r['vote acc |e|^-1.5']:.2f} | {100 * r['vote acc clique']:.2f} | "
            f"{100 * r['majority class']:.2f} |"
        )
    return rows


if __name__ == "__main__":
    main()
