"""HIF JSON, the Hypergraph Interchange Format.

HIF, the Hypergraph Interchange Format, is the JSON layout read and written by XGI, HyperNetX
and hypergraphx: ``{"network-type", "metadata", "nodes": [{"node", "weight", "attrs"}],
"edges": [{"edge", "weight", "attrs"}], "incidences": [{"node", "edge", "weight", "attrs"}]}``.

:func:`from_hif` keeps everything it reads.  Weights become tensors (``hyperedge_weight``, and
``node_weight`` / ``incidence_weight`` when the file has any); a weight may sit on the record
(HyperNetX) or inside its ``attrs`` (XGI writes ``edges[i].attrs.weight``), and HyperNetX's
``metadata.default_attrs`` defaults are honoured.  Everything else -- ids, ``attrs``, unknown
record keys, metadata, unknown top-level keys -- goes to the plain dict ``hg.hif``, which
:func:`to_hif` writes back.  A weight is written on the record and, where it is not 1 or the
record's ``attrs`` already held one, also as ``attrs.weight``, so XGI (which reads ``attrs``
only), HyperNetX (the record's ``weight``) and hypergraphx (the whole record as metadata) all
read it.  Every written record has an ``attrs`` object (HyperNetX reads it as a column).
Transforms do not update ``hg.hif``: when its lengths no longer match the hypergraph,
:func:`to_hif` warns and writes the structure and weights only.

Tested with XGI 0.10 and hypergraphx 1.8 (``tests/data/test_hif_interop.py``).  hypergraphx
reads our files, keeping each record as metadata (the weight as ``metadata["weight"]``, not as
a hypergraphx weight); its own ``write_hif`` (1.8) writes dictionaries without incidences, or
fails, so a hypergraphx hypergraph is converted through its API instead.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.utils import atomic_write

HIF_KEYS = ("network-type", "metadata", "nodes", "edges", "incidences")


def to_hif(hg: Hypergraph, node_ids: list | None = None, edge_ids: list | None = None) -> dict:
    """The hypergraph as a HIF dictionary (JSON-serialisable), with what :func:`from_hif` kept
    in ``hg.hif`` (ids, attributes, metadata) and the weight tensors.

    ``node_ids`` / ``edge_ids`` default to the ids kept in ``hg.hif``, else ``0 .. N-1`` and
    ``0 .. M-1``.
    """
    N, M, nnz = hg.num_nodes, hg.num_hyperedges, hg.num_incidences
    info = hg.get("hif")
    info = dict(info) if isinstance(info, dict) else {}
    lengths = {"node_ids": N, "edge_ids": M, "nodes": N, "edges": M, "incidences": nnz}
    stale = [k for k, n in lengths.items() if k in info and len(info[k]) != n]
    if stale:
        warnings.warn(
            f"hg.hif no longer matches the hypergraph ({', '.join(f'{k}: {len(info[k])}' for k in stale)}"
            f" vs N={N}, M={M}, nnz={nnz}); writing the structure and weights without its "
            "ids and attributes",
            stacklevel=2,
        )
        info = {k: v for k, v in info.items() if k not in lengths}
    node_ids = _ids(node_ids, info.get("node_ids"), N, "node_ids")
    edge_ids = _ids(edge_ids, info.get("edge_ids"), M, "edge_ids")
    hw = hg.get("hyperedge_weight")
    ew = hw.tolist() if hw is not None else [1.0] * M
    nw = _tolist(hg.get("node_weight"), N, "node_weight")
    iw = _tolist(hg.get("incidence_weight"), nnz, "incidence_weight")
    node_rest = info.get("nodes") or [{}] * N
    edge_rest = info.get("edges") or [{}] * M
    inc_rest = info.get("incidences") or [{}] * nnz
    hi = hg.hyperedge_index.tolist()
    doc: dict[str, Any] = {
        "network-type": info.get("network-type", "undirected"),
        "metadata": dict(info.get("metadata") or {}),
        "nodes": [
            _record({"node": node_ids[i]}, None if nw is None else nw[i], node_rest[i]) for i in range(N)
        ],
        "edges": [_record({"edge": edge_ids[j]}, ew[j], edge_rest[j]) for j in range(M)],
        "incidences": [
            _record({"edge": edge_ids[e], "node": node_ids[v]}, None if iw is None else iw[k], inc_rest[k])
            for k, (v, e) in enumerate(zip(hi[0], hi[1]))
        ],
    }
    for key, value in (info.get("extra") or {}).items():
        doc.setdefault(key, value)
    return doc


def _ids(given: list | None, kept: list | None, n: int, name: str) -> list:
    ids = list(range(n)) if given is None and kept is None else list(given if given is not None else kept)
    if len(ids) != n:
        raise ValueError(f"{name} has {len(ids)} entries, expected {n}")
    for i in ids:
        if isinstance(i, bool) or not isinstance(i, (str, int)):
            raise ValueError(f"{name}: id {i!r} must be a string or an integer (HIF ids)")
    if len(set(ids)) != n:
        seen: set = set()
        dup = next(i for i in ids if i in seen or seen.add(i))
        raise ValueError(f"{name}: id {dup!r} is used twice")
    return ids


def _tolist(t: Any, n: int, name: str) -> list | None:
    if t is None:
        return None
    if not isinstance(t, torch.Tensor) or t.numel() != n:
        raise ValueError(f"{name} must be a tensor of {n} values to be written as HIF")
    return t.reshape(-1).tolist()


def _record(head: dict, weight: float | None, rest: dict) -> dict:
    """One HIF record: ids, the weight (the tensor's value; the value read, when the tensor still
    holds it at float32 precision, so 0.1 stays 0.1), then the kept keys."""
    rec = dict(head)
    attrs = rest.get("attrs")
    top, inner = rest.get("weight"), attrs.get("weight") if isinstance(attrs, dict) else None

    def value(*read: Any) -> float:
        for v in read:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and _same32(v, weight):
                return v
        return weight

    if weight is not None:
        rec["weight"] = value(top, inner)
    rec.update((k, v) for k, v in rest.items() if k != "weight")
    attrs = rec.setdefault("attrs", {})  # on every record: HyperNetX reads 'attrs' as a column
    if weight is not None and (weight != 1.0 or (isinstance(attrs, dict) and "weight" in attrs)):
        rec["attrs"] = {**(attrs if isinstance(attrs, dict) else {}), "weight": value(inner, top)}  # for XGI
    return rec


def _same32(a: float, b: float) -> bool:
    return bool(np.float32(a) == np.float32(b))


def from_hif(hif: dict, merge_duplicates: bool = False) -> tuple[Hypergraph, list, list]:
    """Read a HIF dictionary.  Returns ``(hypergraph, node_ids, edge_ids)``: the HIF ids of
    node ``i`` and hyperedge ``j``.  Nodes and edges are numbered in the order they are listed,
    then in the order of first appearance in ``incidences``.

    Nothing is dropped: weights become ``hyperedge_weight`` (default 1), ``node_weight`` and
    ``incidence_weight`` (the last two only when some record has one; the incidence weights
    follow the columns of ``hyperedge_index``), and ids, attributes, unknown keys and metadata
    are kept in ``hg.hif`` (see the module docstring).  A repeated incidence, node or edge
    record raises; ``merge_duplicates=True`` keeps the first of repeated incidences.  Errors
    name the record (``HIF edges[3] (edge 'e1'): ...``).
    """
    if not isinstance(hif, dict):
        raise ValueError("HIF document must be a JSON object")
    if "incidences" not in hif or not isinstance(hif["incidences"], list):
        raise ValueError("HIF document needs an 'incidences' list")
    ntype = hif.get("network-type", "undirected")
    if ntype not in ("undirected", "asc"):
        raise ValueError(f"HIF network-type {ntype!r} is not supported (undirected only)")
    metadata = hif.get("metadata", {})
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ValueError(f"HIF metadata must be an object, got {type(metadata).__name__}")
    extra = {k: v for k, v in hif.items() if k not in HIF_KEYS}
    if extra:
        warnings.warn(
            f"HIF key(s) {', '.join(map(repr, extra))} are not part of HIF; kept in hg.hif['extra'] "
            "and written back by write_hif",
            stacklevel=2,
        )
    defaults = metadata.get("default_attrs") if isinstance(metadata.get("default_attrs"), dict) else {}

    def default_weight(part: str) -> float:
        d = defaults.get(part)
        w = d.get("weight", 1.0) if isinstance(d, dict) else 1.0
        return _number(w, f"HIF metadata.default_attrs.{part}.weight")

    node_ids: dict = {}
    edge_ids: dict = {}
    node_rest: dict[int, dict] = {}
    edge_rest: dict[int, dict] = {}
    node_w: dict[int, float] = {}
    edge_w: dict[int, float] = {}
    for part, id_key, ids, rest, wts in (
        ("nodes", "node", node_ids, node_rest, node_w),
        ("edges", "edge", edge_ids, edge_rest, edge_w),
    ):
        records = hif.get(part, [])
        if records is None:
            records = []
        if not isinstance(records, list):
            raise ValueError(f"HIF '{part}' must be a list, got {type(records).__name__}")
        first: dict = {}
        for i, rec in enumerate(records):
            where = f"HIF {part}[{i}]"
            if not isinstance(rec, dict):
                raise ValueError(f"{where} must be an object, got {type(rec).__name__}")
            if id_key not in rec:
                raise ValueError(f"{where} has no '{id_key}' field")
            key = _hif_id(rec[id_key], f"{where}: {id_key} id")
            if key in first:
                raise ValueError(f"{where} repeats {id_key} {key!r} (first at {part}[{first[key]}])")
            first[key] = i
            k = ids.setdefault(key, len(ids))
            where = f"{where} ({id_key} {key!r})"
            w = _record_weight(rec, where)
            if w is not None:
                wts[k] = w
            rest[k] = _rest(rec, (id_key,))
    pairs_v, pairs_e, inc_rest, inc_w = [], [], [], {}
    for i, rec in enumerate(hif["incidences"]):
        where = f"HIF incidences[{i}]"
        if not isinstance(rec, dict):
            raise ValueError(f"{where} must be an object, got {type(rec).__name__}")
        if "node" not in rec or "edge" not in rec:
            raise ValueError(f"{where} needs 'node' and 'edge' fields")
        v = node_ids.setdefault(_hif_id(rec["node"], f"{where}: node id"), len(node_ids))
        e = edge_ids.setdefault(_hif_id(rec["edge"], f"{where}: edge id"), len(edge_ids))
        where = f"{where} (node {rec['node']!r}, edge {rec['edge']!r})"
        w = _record_weight(rec, where)
        if w is not None:
            inc_w[i] = w
        pairs_v.append(v)
        pairs_e.append(e)
        inc_rest.append(_rest(rec, ("node", "edge")))
    N, M = len(node_ids), len(edge_ids)
    nodes_of = list(node_ids)
    edges_of = list(edge_ids)
    for j, w in edge_w.items():
        if w < 0:
            raise ValueError(
                f"HIF edge {edges_of[j]!r}: weight {w} is negative (hyperedge weights must be >= 0)"
            )
    v = np.asarray(pairs_v, dtype=np.int64)
    e = np.asarray(pairs_e, dtype=np.int64)
    key = e * max(N, 1) + v
    uniq, first_idx = np.unique(key, return_index=True)  # sorted by (edge, node), as coalesce_incidence
    if first_idx.size != key.size:
        dup = np.ones(key.size, dtype=bool)
        dup[first_idx] = False
        k = int(np.argmax(dup))
        f = int(first_idx[np.searchsorted(uniq, key[k])])
        if not merge_duplicates:
            raise ValueError(
                f"HIF incidences[{k}] repeats node {nodes_of[v[k]]!r} in edge {edges_of[e[k]]!r} "
                f"(first at incidences[{f}]); a hypergraph holds each membership once "
                "(from_hif(..., merge_duplicates=True) keeps the first)"
            )
    hi = torch.from_numpy(np.stack([v[first_idx], e[first_idx]]).reshape(2, -1))
    d_node, d_edge, d_inc = default_weight("nodes"), default_weight("edges"), default_weight("incidences")
    extra_attrs: dict[str, Any] = {}
    if node_w or d_node != 1.0:
        extra_attrs["node_weight"] = torch.tensor([node_w.get(i, d_node) for i in range(N)])
    if inc_w or d_inc != 1.0:
        extra_attrs["incidence_weight"] = torch.tensor([inc_w.get(int(k), d_inc) for k in first_idx])
    hg = Hypergraph(
        hyperedge_index=hi,
        num_nodes=N,
        num_hyperedges=M,
        hyperedge_weight=torch.tensor([edge_w.get(j, d_edge) for j in range(M)], dtype=torch.float32),
        **extra_attrs,
    )
    hg.hif = {
        "network-type": ntype,
        "metadata": metadata,
        "node_ids": nodes_of,
        "edge_ids": edges_of,
        "nodes": [node_rest.get(i, {}) for i in range(N)],
        "edges": [edge_rest.get(j, {}) for j in range(M)],
        "incidences": [inc_rest[int(k)] for k in first_idx],
        "extra": extra,
    }
    return hg, nodes_of, edges_of


def _hif_id(value: Any, where: str) -> str | int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{where} {value!r} must be a string or an integer")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: weight {value!r} is not a number")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where}: weight {value} is not finite")
    return value


def _record_weight(rec: dict, where: str) -> float | None:
    """The record's weight, from ``weight`` or ``attrs.weight`` (which must agree), or None."""
    attrs = rec.get("attrs")
    if attrs is not None and not isinstance(attrs, dict):
        raise ValueError(f"{where}: 'attrs' must be an object, got {type(attrs).__name__}")
    top = _number(rec["weight"], where) if "weight" in rec else None
    inner = _number(attrs["weight"], f"{where}: attrs") if attrs and "weight" in attrs else None
    if top is not None and inner is not None and top != inner:
        raise ValueError(f"{where}: weight {top} disagrees with attrs.weight {inner}")
    return top if top is not None else inner


def _rest(rec: dict, drop: tuple) -> dict:
    """The record without its ids: ``weight`` (as read; the tensors hold the values used),
    ``attrs`` and any other key, verbatim."""
    return {k: v for k, v in rec.items() if k not in drop}


def write_hif(hg: Hypergraph, path: str | os.PathLike, **kwargs: Any) -> None:
    """Write :func:`to_hif` as JSON (atomically)."""
    doc = to_hif(hg, **kwargs)
    with atomic_write(path, "w") as f:
        json.dump(doc, f)


def read_hif(path: str | os.PathLike, merge_duplicates: bool = False) -> tuple[Hypergraph, list, list]:
    """Read a HIF JSON file (see :func:`from_hif`); errors name the file."""
    try:
        doc = json.loads(Path(path).read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} is not valid JSON: {err}") from err
    try:
        return from_hif(doc, merge_duplicates=merge_duplicates)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from err
