"""OGB graph property prediction (``ogbg-molhiv``, ``ogbg-molbbbp``, ``ogbg-moltox21``, ...) through
the ``ogb`` package: its :class:`~ogb.graphproppred.PygGraphPropPredDataset`, the official
(scaffold) split from ``get_idx_split()`` and :class:`~ogb.graphproppred.Evaluator` for the metric.

Files live under ``cache_dir(root, "ogb")`` (``<root>/ogb`` when the root is writable), because
``ogb`` writes its processed files beside the raw ones.  Downloads go through ``ogb``'s own
downloader: OGB publishes no checksums and no copy is available offline to compute one from, so the
archives are not pinned (the URL is the one in ``ogb``'s ``master.csv``).

:func:`make_synthetic_ogbg` writes a small random molecule dataset in OGB's raw CSV layout (with a
``meta_dict`` for the loader) so that the whole path runs offline in tests and smoke runs.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from hypergraph.datasets.download import cache_dir


def _allow_ogb_pickles() -> None:
    """``ogb`` 1.3.6 calls ``torch.load`` without ``weights_only``; torch >= 2.6 defaults it to
    ``True``.  Allow exactly the PyG classes its processed file holds (no arbitrary pickles)."""
    from torch_geometric.data import Data
    from torch_geometric.data.data import DataEdgeAttr, DataTensorAttr
    from torch_geometric.data.storage import GlobalStorage

    torch.serialization.add_safe_globals([Data, DataEdgeAttr, DataTensorAttr, GlobalStorage])


def load_ogbg(
    name: str, root: str | os.PathLike | None = None, meta_dict: dict[str, Any] | None = None
) -> tuple[Any, dict[str, torch.Tensor]]:
    """Load ``name`` (e.g. ``"ogbg-molhiv"``); return ``(dataset, split)`` with the official split
    ``{"train", "valid", "test"}`` as index tensors.  ``meta_dict`` (with ``dir_path``) points
    ``ogb`` at a dataset folder of its raw layout, e.g. one from :func:`make_synthetic_ogbg`."""
    from ogb.graphproppred import PygGraphPropPredDataset

    _allow_ogb_pickles()
    if meta_dict is not None:
        ds = PygGraphPropPredDataset(name=name, meta_dict=dict(meta_dict))
    else:
        ds = PygGraphPropPredDataset(name=name, root=str(cache_dir(root, "ogb")))
    split = ds.get_idx_split()
    return ds, {k: torch.as_tensor(v, dtype=torch.long) for k, v in split.items()}


def ogb_evaluator(name: str) -> Any:
    """OGB's :class:`~ogb.graphproppred.Evaluator` for ``name`` (ROC-AUC for the mol datasets)."""
    from ogb.graphproppred import Evaluator

    return Evaluator(name)


def _write_csv_gz(path: Path, arr: np.ndarray, fmt: str = "%d") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as f:
        np.savetxt(f, arr, fmt=fmt, delimiter=",")


def make_synthetic_ogbg(
    dir_path: str | os.PathLike,
    num_graphs: int = 60,
    seed: int = 0,
    num_tasks: int = 1,
    like: str = "ogbg-molhiv",
) -> dict[str, str]:
    """Write a random molecule-like dataset in OGB's raw CSV layout to ``dir_path`` and return the
    ``meta_dict`` for :func:`load_ogbg` (named ``like`` so that ``Evaluator(like)`` applies).

    Graphs are random trees plus a few ring bonds (5-12 atoms) with atom/bond features inside
    OGB's feature ranges; the binary label depends on the presence of a feature, so a model can
    learn it.  A random 80/10/10 split stands in for the scaffold split.
    """
    from ogb.utils.features import get_atom_feature_dims, get_bond_feature_dims

    rng = np.random.default_rng(seed)
    root = Path(dir_path)
    atom_dims, bond_dims = get_atom_feature_dims(), get_bond_feature_dims()
    edges, nfeat, efeat, n_list, e_list, labels = [], [], [], [], [], []
    for _ in range(num_graphs):
        n = int(rng.integers(5, 13))
        parent = np.array([rng.integers(0, i) for i in range(1, n)])
        src = np.concatenate([parent, rng.integers(0, n, size=1)])
        dst = np.concatenate([np.arange(1, n), rng.integers(0, n, size=1)])
        keep = src != dst
        e = np.stack([src[keep], dst[keep]], 1)
        x = np.stack([rng.integers(0, min(d, 8), size=n) for d in atom_dims], 1)
        ef = np.stack([rng.integers(0, d, size=len(e)) for d in bond_dims], 1)
        y = rng.random(num_tasks) < 0.2 + 0.6 * (x[:, 0] == 2).any()
        edges.append(e)
        nfeat.append(x)
        efeat.append(ef)
        n_list.append(n)
        e_list.append(len(e))
        labels.append(y.astype(np.int64))
    raw = root / "raw"
    _write_csv_gz(raw / "edge.csv.gz", np.concatenate(edges))
    _write_csv_gz(raw / "node-feat.csv.gz", np.concatenate(nfeat))
    _write_csv_gz(raw / "edge-feat.csv.gz", np.concatenate(efeat))
    _write_csv_gz(raw / "num-node-list.csv.gz", np.array(n_list)[:, None])
    _write_csv_gz(raw / "num-edge-list.csv.gz", np.array(e_list)[:, None])
    _write_csv_gz(raw / "graph-label.csv.gz", np.stack(labels))
    perm = rng.permutation(num_graphs)
    a, b = int(0.8 * num_graphs), int(0.9 * num_graphs)
    for part, idx in (("train", perm[:a]), ("valid", perm[a:b]), ("test", perm[b:])):
        _write_csv_gz(root / "split" / "scaffold" / f"{part}.csv.gz", np.sort(idx)[:, None])
    (root / "RELEASE_v1.txt").write_text("synthetic\n")
    return {
        "dir_path": str(root),
        "version": "1",
        "download_name": "synthetic",
        "url": "",
        "num tasks": str(num_tasks),
        "eval metric": "rocauc",
        "task type": "binary classification",
        "num classes": "2",
        "binary": "False",
        "add_inverse_edge": "True",
        "additional node files": "None",
        "additional edge files": "None",
        "has_node_attr": "True",
        "has_edge_attr": "True",
        "split": "scaffold",
        "name": like,
    }
