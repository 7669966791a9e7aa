"""OGB graph property prediction (``ogbg-molhiv``, ``ogbg-molbbbp``, ``ogbg-moltox21``, ...) through
the ``ogb`` package: its :class:`~ogb.graphproppred.PygGraphPropPredDataset`, the official
(scaffold) split from ``get_idx_split()`` and :class:`~ogb.graphproppred.Evaluator` for the metric.

``ogb`` writes its processed files beside the raw ones, so everything lives in the cache,
``$HYPERGRAPH_CACHE/ogb/``.  A dataset folder in OGB's layout under the data root
(``<root>/ogb/<ogbg_name>/``, ``<root>/<ogbg_name>/`` or the root itself, holding ``raw/`` and
``split/``) is copied there once and read from the copy, so the root is never written into.
Otherwise (and ``download=True``) ``ogb``'s own downloader fetches it: OGB publishes no checksums
and no copy is available offline to compute one from, so the archives are not pinned (the URL is
the one in ``ogb``'s ``master.csv``) and the load says once that it is unverified.

:func:`make_synthetic_ogbg` writes a small random molecule dataset in OGB's raw CSV layout (with a
``meta_dict`` for the loader) so that the whole path runs offline in tests and smoke runs.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import urllib.error
from pathlib import Path
from typing import Any

import numpy as np
import torch

from hypergraph.datasets.download import (
    DatasetNotFoundError,
    DownloadError,
    cache_dir,
    not_found,
    resolve_root,
    warn_unverified,
)

#: the graph property prediction datasets of ``ogb`` 1.3.6 (``ogb/graphproppred/master.csv``)
OGBG_DATASETS = (
    "ogbg-molbace",
    "ogbg-molbbbp",
    "ogbg-molclintox",
    "ogbg-molmuv",
    "ogbg-molpcba",
    "ogbg-molsider",
    "ogbg-moltox21",
    "ogbg-moltoxcast",
    "ogbg-molhiv",
    "ogbg-molesol",
    "ogbg-molfreesolv",
    "ogbg-mollipo",
    "ogbg-molchembl",
    "ogbg-ppa",
    "ogbg-code2",
)


def _allow_ogb_pickles() -> None:
    """``ogb`` 1.3.6 calls ``torch.load`` without ``weights_only``; torch >= 2.6 defaults it to
    ``True``.  Allow exactly the PyG classes its processed file holds (no arbitrary pickles)."""
    from torch_geometric.data import Data
    from torch_geometric.data.data import DataEdgeAttr, DataTensorAttr
    from torch_geometric.data.storage import GlobalStorage

    torch.serialization.add_safe_globals([Data, DataEdgeAttr, DataTensorAttr, GlobalStorage])


def ogb_candidates(root: Path, name: str) -> list[Path]:
    """Folders under ``root`` that may hold ``name`` in OGB's layout (``raw/`` and ``split/``)."""
    d = name.replace("-", "_")
    own = [root] if root.name in (d, f"{d}_pyg") else []  # the root itself only when named after it
    return [root / "ogb" / d, root / d, root / f"{d}_pyg", *own]


def _local_copy(root: Path, name: str) -> Path | None:
    """Copy a local OGB folder of ``name`` into the cache once; the cache folder to pass as ``root``."""
    for folder in ogb_candidates(root, name):
        if (folder / "raw").is_dir() and (folder / "split").is_dir():
            key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:10]
            base = cache_dir(None, "ogb", f"local-{key}", create=False)
            dest = base / name.replace("-", "_")
            if not dest.exists():
                tmp = base / f".copy-{os.getpid()}"
                shutil.rmtree(tmp, ignore_errors=True)
                shutil.copytree(folder, tmp, ignore=shutil.ignore_patterns("processed"))
                if not any(tmp.glob("RELEASE_v*.txt")):  # ogb asks on stdin when the marker is missing
                    (tmp / f"RELEASE_v{_version(name)}.txt").write_text("copied\n")
                os.replace(tmp, dest)
            warn_unverified("ogb", name, folder, "OGB publishes no checksums")
            return base
    return None


def _version(name: str) -> str:
    import pandas as pd
    from ogb import graphproppred

    master = pd.read_csv(
        Path(graphproppred.__file__).parent / "master.csv", index_col=0, keep_default_na=False
    )
    return str(master[name]["version"])


def _meta_copy(meta_dict: dict[str, Any]) -> dict[str, Any]:
    """``meta_dict`` pointing at a cache copy of its ``dir_path`` (``ogb`` writes beside the raw files)."""
    src = Path(meta_dict["dir_path"])
    if not (src / "raw").is_dir():
        raise DatasetNotFoundError(f"meta_dict['dir_path'] = {src} holds no raw/ folder in OGB's layout")
    h = hashlib.sha256(str(src.resolve()).encode())
    for f in sorted((src / "raw").iterdir()):
        h.update(f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns};".encode())
    dest = cache_dir(None, "ogb", f"meta-{h.hexdigest()[:10]}", create=False)
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(src, tmp, ignore=shutil.ignore_patterns("processed"))
        os.replace(tmp, dest)
    warn_unverified("ogb", str(meta_dict.get("name", src.name)), src, "a meta_dict folder is not pinned")
    return {**meta_dict, "dir_path": str(dest)}


def ogbg_dataset(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    meta_dict: dict[str, Any] | None = None,
) -> Any:
    """OGB graph dataset ``name`` (a :class:`~ogb.graphproppred.PygGraphPropPredDataset`; the
    official split is ``ds.get_idx_split()``), from a local copy under ``root`` or downloaded.

    ``meta_dict`` (with ``dir_path``) points ``ogb`` at a folder of its raw layout instead, e.g. one
    from :func:`make_synthetic_ogbg`; that folder is read through a copy in the cache."""
    from ogb.graphproppred import PygGraphPropPredDataset

    if meta_dict is not None:
        _allow_ogb_pickles()
        return PygGraphPropPredDataset(name=name, meta_dict=_meta_copy(dict(meta_dict)))

    if name not in OGBG_DATASETS:
        raise KeyError(f"unknown OGB graph dataset {name!r}; valid: {', '.join(OGBG_DATASETS)}")
    _allow_ogb_pickles()
    root_p = resolve_root(root)
    base = _local_copy(root_p, name)
    if base is None:
        base = cache_dir(None, "ogb", create=False)
        d = name.replace("-", "_")
        if not ((base / d).is_dir() or (base / f"{d}_pyg").is_dir()):
            looked = [p / "raw" for p in ogb_candidates(root_p, name)]
            if not download:
                raise not_found(f"OGB dataset {name!r}", root_p, looked, "download=False")
            warn_unverified("ogb", name, base, "OGB publishes no checksums")
            base.mkdir(parents=True, exist_ok=True)
            try:
                return PygGraphPropPredDataset(name=name, root=str(base))
            except urllib.error.URLError as err:
                shutil.rmtree(base / d, ignore_errors=True)
                raise not_found(
                    f"OGB dataset {name!r}", root_p, looked, DownloadError(f"ogb's URL for {name}", str(err))
                ) from None
    return PygGraphPropPredDataset(name=name, root=str(base))


def load_ogbg(
    name: str,
    root: str | os.PathLike | None = None,
    meta_dict: dict[str, Any] | None = None,
    download: bool = True,
) -> tuple[Any, dict[str, torch.Tensor]]:
    """Load ``name`` (e.g. ``"ogbg-molhiv"``); return ``(dataset, split)`` with the official split
    ``{"train", "valid", "test"}`` as index tensors.  ``meta_dict`` (with ``dir_path``) points
    ``ogb`` at a dataset folder of its raw layout, e.g. one from :func:`make_synthetic_ogbg`
    (read through a cache copy, see :func:`ogbg_dataset`)."""
    ds = ogbg_dataset(name, root, download, meta_dict)
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
