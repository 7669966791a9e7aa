"""A dataset stored as a HIF JSON file (the Hypergraph Interchange Format of XGI, HyperNetX and
hypergraphx), read with :func:`hypergraph.data.io.read_hif`.

The file is ``<root>/hif/<name>.hif.json``, ``<root>/hif/<name>.json``, the same under
``<root>/<name>/`` or directly in ``<root>``.  No HIF dataset is pinned, so every load says once
that it is unverified.  Node labels and features may ride along as node attributes: with
``label_key`` (default ``"label"``) every listed node's ``attrs[label_key]`` (or a top-level
``label_key`` field) becomes ``y`` (integer labels as they are, other labels numbered in sorted
order); with ``feature_key`` a list of numbers per node becomes ``x``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.io import read_hif
from hypergraph.datasets.download import not_found, resolve_root, warn_unverified

__all__ = ["find_hif", "hif_candidates", "load_hif"]


def hif_candidates(root: Path, name: str) -> list[Path]:
    """Where ``name``'s HIF file may lie under ``root``, most specific first."""
    return [
        folder / f"{name}{ext}"
        for folder in (root / "hif", root / name, root)
        for ext in (".hif.json", ".json")
    ]


def find_hif(root: str | os.PathLike | None, name: str) -> Path | None:
    """The HIF file of ``name`` under ``root``, or ``None``."""
    return next((p for p in hif_candidates(resolve_root(root), name) if p.is_file()), None)


def _node_values(doc: dict, key: str, node_ids: list, path: Path) -> list | None:
    """``key`` of every node (from ``attrs`` or the record), in ``node_ids`` order; ``None`` when no
    node has it.  Raises :class:`ValueError` naming the first node without it when only some have."""
    values: dict = {}
    for rec in doc.get("nodes", []) if isinstance(doc, dict) else []:
        if not isinstance(rec, dict) or "node" not in rec:
            continue
        attrs = rec.get("attrs") if isinstance(rec.get("attrs"), dict) else {}
        if key in attrs:
            values[rec["node"]] = attrs[key]
        elif key in rec:
            values[rec["node"]] = rec[key]
    if not values:
        return None
    missing = [n for n in node_ids if n not in values]
    if missing:
        raise ValueError(f"{path}: node {missing[0]!r} has no {key!r} attribute, but other nodes do")
    return [values[n] for n in node_ids]


def _labels(values: list, path: Path, key: str) -> tuple[torch.Tensor, int]:
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        if min(values) < 0:
            raise ValueError(f"{path}: {key!r} labels must be >= 0, got {min(values)}")
        y = torch.tensor(values, dtype=torch.long)
        return y, int(y.max()) + 1 if y.numel() else 0
    names = sorted({str(v) for v in values})
    index = {n: i for i, n in enumerate(names)}
    return torch.tensor([index[str(v)] for v in values], dtype=torch.long), len(names)


def load_hif(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    label_key: str | None = "label",
    feature_key: str | None = None,
) -> Hypergraph:
    """The :class:`Hypergraph` of HIF file ``name`` under ``root`` (see the module docstring).

    ``download`` is accepted for the common loader signature; a HIF dataset is never downloaded.
    """
    root_p = resolve_root(root)
    path = find_hif(root_p, name)
    if path is None:
        raise not_found(
            f"HIF dataset {name!r}",
            root_p,
            hif_candidates(root_p, name),
            "HIF datasets are read from local files only",
            can_download=False,
        )
    warn_unverified("hif", name, path, "no HIF dataset is pinned")
    out: Any = read_hif(path)
    hg, node_ids = (out[0], list(out[1])) if isinstance(out, tuple) else (out, None)
    if label_key is None and feature_key is None:
        return hg
    doc = json.loads(path.read_text())
    if node_ids is None:
        node_ids = [rec["node"] for rec in doc.get("nodes", [])]
    if label_key is not None:
        values = _node_values(doc, label_key, node_ids, path)
        if values is not None:
            hg.y, hg.num_classes = _labels(values, path, label_key)
    if feature_key is not None:
        values = _node_values(doc, feature_key, node_ids, path)
        if values is None:
            raise ValueError(f"{path}: no node has the feature attribute {feature_key!r}")
        try:
            hg.x = torch.tensor(values, dtype=torch.float32).reshape(len(node_ids), -1)
        except (TypeError, ValueError, RuntimeError) as err:
            raise ValueError(
                f"{path}: {feature_key!r} must be a list of numbers of one length per node ({err})"
            ) from None
    return hg
