"""Parsing of the UCI tables (Zoo, Mushroom, 20newsW100) into hypergraphs, without checksums.

The construction and the options are described in :mod:`hypergraph.datasets.uci`, whose
:func:`~hypergraph.datasets.uci.read_uci` and :func:`~hypergraph.datasets.uci.load_uci` are the
public entry points; this module holds the file parsers and the incidence builder they share.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.datasets.download import sha256_file

__all__ = ["UCIFormatError"]


class UCIFormatError(ValueError):
    """A UCI data file is malformed (the message names the file and line)."""


_ZOO_COLUMNS = 18  # animal_name, 16 attributes, type
_ZOO_ATTRIBUTES = (
    "hair", "feathers", "eggs", "milk", "airborne", "aquatic", "predator", "toothed", "backbone",
    "breathes", "venomous", "fins", "legs", "tail", "domestic", "catsize",
)  # fmt: skip
_MUSHROOM_ATTRIBUTES = (
    "cap-shape", "cap-surface", "cap-color", "bruises", "odor", "gill-attachment", "gill-spacing",
    "gill-size", "gill-color", "stalk-shape", "stalk-root", "stalk-surface-above-ring",
    "stalk-surface-below-ring", "stalk-color-above-ring", "stalk-color-below-ring", "veil-type",
    "veil-color", "ring-number", "ring-type", "spore-print-color", "population", "habitat",
)  # fmt: skip


# ------------------------------------------------------------------------------ parsing
def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """``(line number, stripped fields)`` of the non-empty lines of a comma-separated file."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise UCIFormatError(f"{path}: not a UTF-8 text file ({e})") from e
    out = []
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            raise UCIFormatError(f"{path}:{i}: empty line")
        out.append((i, [f.strip() for f in line.split(",")]))
    if not out:
        raise UCIFormatError(f"{path}: empty file")
    return out


def _rows_digest(rows: list[tuple[int, list[str]]]) -> str:
    text = "".join(",".join(fields) + "\n" for _, fields in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_width(path: Path, rows: list[tuple[int, list[str]]], width: int) -> None:
    for line, fields in rows:
        if len(fields) != width:
            raise UCIFormatError(f"{path}:{line}: {len(fields)} comma-separated fields, expected {width}")


def _zoo_rows(path: Path) -> list[tuple[int, list[str]]]:
    rows = _rows(path)
    first = rows[0][1]
    if not all(f.lstrip("-").isdigit() for f in first[1:]):  # a header row
        rows = rows[1:]
    _check_width(path, rows, _ZOO_COLUMNS)
    for line, fields in rows:
        for j, f in enumerate(fields[1:], start=2):
            if not f.lstrip("-").isdigit():
                raise UCIFormatError(f"{path}:{line}: field {j} is {f!r}, expected an integer")
    if not rows:
        raise UCIFormatError(f"{path}: no data rows")
    return rows


def _mushroom_rows(path: Path) -> list[tuple[int, list[str]]]:
    rows = _rows(path)
    if any(len(f) != 1 for f in rows[0][1]):  # a header row
        rows = rows[1:]
    _check_width(path, rows, 1 + len(_MUSHROOM_ATTRIBUTES))
    for line, fields in rows:
        for j, f in enumerate(fields, start=1):
            if len(f) != 1:
                raise UCIFormatError(f"{path}:{line}: field {j} is {f!r}, expected one letter or '?'")
    if not rows:
        raise UCIFormatError(f"{path}: no data rows")
    return rows


def _codes(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sorted distinct values, code of every entry)``."""
    values, codes = np.unique(column, return_inverse=True)
    return values, codes.reshape(-1).astype(np.int64)


def _incidence(codes: np.ndarray, sizes: list[int], skip: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Hyperedge ``offset[a] + codes[:, a]`` for every (node, attribute), sorted by (edge, node).

    ``skip`` masks (node, attribute) pairs that get no incidence (missing values).
    """
    n, a = codes.shape
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    edges = codes + offsets[None, :]
    nodes = np.broadcast_to(np.arange(n, dtype=np.int64)[:, None], (n, a))
    keep = np.ones((n, a), dtype=bool) if skip is None else ~skip
    edges, nodes = edges[keep], nodes[keep]
    order = np.lexsort((nodes, edges))
    return np.stack([nodes[order], edges[order]]), int(sum(sizes))


def _tables_zoo(path: Path, features: str, missing_as_value: bool):
    rows = _zoo_rows(path)
    table = np.array([[int(f) for f in fields[1:]] for _, fields in rows], dtype=np.int64)
    attrs, label = table[:, :-1], table[:, -1]
    cols = [_codes(attrs[:, j]) for j in range(attrs.shape[1])]
    codes = np.stack([c for _, c in cols], axis=1)
    names = [f"{a}={v}" for a, (vals, _) in zip(_ZOO_ATTRIBUTES, cols, strict=True) for v in vals]
    if features == "raw":
        x = attrs.astype(np.float32)
    else:
        x = _one_hot(codes, [len(v) for v, _ in cols])
    return dict(
        codes=codes,
        sizes=[len(v) for v, _ in cols],
        skip=None,
        x=x,
        label=label.astype(str),
        label_attr="type",
        hyperedge_names=names,
        node_names=[fields[0] for _, fields in rows],
        rows_digest=_rows_digest(rows),
    )


def _tables_mushroom(path: Path, features: str, missing_as_value: bool):
    rows = _mushroom_rows(path)
    table = np.array([fields for _, fields in rows], dtype="<U1")
    label, attrs = table[:, 0], table[:, 1:]
    cols = [_codes(attrs[:, j]) for j in range(attrs.shape[1])]
    codes = np.stack([c for _, c in cols], axis=1)
    sizes = [len(v) for v, _ in cols]
    skip = None
    names = [f"{a}={v}" for a, (vals, _) in zip(_MUSHROOM_ATTRIBUTES, cols, strict=True) for v in vals]
    raw = codes.astype(np.float32)  # the rank of the letter among the attribute's letters
    if not missing_as_value:
        # drop the '?' value of every attribute: renumber the remaining values
        skip = attrs == "?"
        new_cols = []
        for vals, c in cols:
            if "?" in vals:
                q = int(np.flatnonzero(vals == "?")[0])
                c = np.where(c > q, c - 1, c)
                vals = vals[vals != "?"]
            new_cols.append((vals, c))
        cols = new_cols
        codes = np.stack([c for _, c in cols], axis=1)
        sizes = [len(v) for v, _ in cols]
        names = [n for n in names if not n.endswith("=?")]
    x = raw if features == "raw" else _one_hot(codes, sizes, skip)
    return dict(
        codes=codes,
        sizes=sizes,
        skip=skip,
        x=x,
        label=label,
        label_attr="edibility",
        hyperedge_names=names,
        node_names=None,
        rows_digest=_rows_digest(rows),
    )


def _one_hot(codes: np.ndarray, sizes: list[int], skip: np.ndarray | None = None) -> np.ndarray:
    n = codes.shape[0]
    x = np.zeros((n, int(sum(sizes))), dtype=np.float32)
    hi, _ = _incidence(codes, sizes, skip)
    x[hi[0], hi[1]] = 1.0
    return x


def _tables_20news(path: Path, features: str, missing_as_value: bool):
    import scipy.io
    import scipy.sparse as sp

    if features != "raw":
        raise ValueError(
            f"20newsW100 has only its word vectors as features (features='raw'), got {features!r}"
        )
    try:
        mat = scipy.io.loadmat(str(path))
    except Exception as e:  # scipy raises ValueError, TypeError, OSError, ... on a bad file
        raise UCIFormatError(f"{path}: not a readable MATLAB .mat file ({type(e).__name__}: {e})") from e
    missing = [k for k in ("documents", "newsgroups") if k not in mat]
    if missing:
        raise UCIFormatError(f"{path}: lacks the variables {missing}")
    docs = sp.csr_matrix(mat["documents"])  # [words, documents]
    groups = np.asarray(mat["newsgroups"]).reshape(-1).astype(np.int64)
    if docs.shape[1] != groups.size:
        raise UCIFormatError(
            f"{path}: 'documents' has {docs.shape[1]} columns but 'newsgroups' has {groups.size} labels"
        )
    docs.sum_duplicates()
    docs.eliminate_zeros()
    docs.sort_indices()
    words = docs.shape[0]
    hyperedge_index = np.stack(
        [docs.indices.astype(np.int64), np.repeat(np.arange(words, dtype=np.int64), np.diff(docs.indptr))]
    )

    def strings(key: str, count: int, prefix: str) -> list[str]:
        if key in mat and np.asarray(mat[key]).size == count:
            return [str(np.asarray(v).reshape(-1)[0]) for v in np.asarray(mat[key]).reshape(-1)]
        return [f"{prefix}{i}" for i in range(count)]

    word_names = strings("wordlist", words, "word")
    group_values = np.unique(groups)
    group_names = strings("groupnames", int(group_values.max()), "group")
    return dict(
        hyperedge_index=hyperedge_index,
        num_hyperedges=words,
        x=docs.T.toarray().astype(np.float32),
        label=groups,
        label_names=[group_names[int(g) - 1] if 1 <= g <= len(group_names) else str(g) for g in group_values],
        label_attr="newsgroup",
        hyperedge_names=word_names,
        node_names=None,
        file_digest=sha256_file(path),
    )


_READERS = {"zoo": _tables_zoo, "mushroom": _tables_mushroom, "20newsW100": _tables_20news}


def _parse(name: str, path: Path, features: str, missing_as_value: bool) -> dict:
    if features not in ("raw", "onehot"):
        raise ValueError(f"features must be 'raw' or 'onehot', got {features!r}")
    return _READERS[name](path, features, missing_as_value)


def _build(t: dict, include_label_attribute: bool) -> Hypergraph:
    label_values, y = np.unique(t["label"], return_inverse=True)
    y = y.reshape(-1).astype(np.int64)
    c = int(label_values.size)
    if "hyperedge_index" in t:
        hi, m = t["hyperedge_index"], t["num_hyperedges"]
        label_names = t["label_names"]
    else:
        hi, m = _incidence(t["codes"], t["sizes"], t["skip"])
        label_names = [str(v) for v in label_values]
    names = list(t["hyperedge_names"])
    if include_label_attribute:  # one hyperedge per class, after the attribute hyperedges
        n = y.size
        extra = np.stack([np.arange(n, dtype=np.int64), m + y])
        order = np.lexsort((extra[0], extra[1]))
        hi = np.concatenate([hi, extra[:, order]], axis=1)
        m += c
        names += [f"{t['label_attr']}={v}" for v in label_names]
    extra_attrs = {} if t["node_names"] is None else {"node_names": t["node_names"]}
    return Hypergraph(
        x=torch.from_numpy(t["x"]),
        y=torch.from_numpy(y),
        hyperedge_index=torch.from_numpy(np.ascontiguousarray(hi, dtype=np.int64)),
        num_hyperedges=m,
        num_classes=c,
        label_names=label_names,
        hyperedge_names=names,
        **extra_attrs,
    )
