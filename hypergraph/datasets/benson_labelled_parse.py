"""Parsing of the Benson-lab three-file format (node-labelled hypergraphs), without checksums.

The format, the construction and the feature protocol (**the features carry the label**) are
described in :mod:`hypergraph.datasets.benson_labelled`, which re-exports every public name here
and holds the pinned datasets and the loader.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.datasets.download import DatasetNotFoundError

__all__ = ["BensonLabelledFormatError", "label_features", "parse_id_lists", "read_benson_labelled"]

_KINDS = ("hyperedges", "node-labels", "label-names")


class BensonLabelledFormatError(ValueError):
    """A Benson-format file is malformed (the message names the file and line)."""


def _read_bytes(path: Path) -> bytes:
    """File content, decompressed when it is gzip (detected by its magic bytes)."""
    with open(path, "rb") as f:
        head = f.read(2)
    if head == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as f:
                return f.read()
        except (OSError, EOFError) as e:
            raise BensonLabelledFormatError(f"{path}: corrupt gzip file ({e})") from e
    return path.read_bytes()


def _line_text(data: bytes, line: int) -> str:
    parts = data.split(b"\n", line)
    text = parts[line - 1] if 0 < line <= len(parts) else b""
    return text[:80].decode("utf-8", errors="replace")


def parse_id_lists(data: bytes, source: str = "<bytes>") -> tuple[np.ndarray, np.ndarray]:
    """Parse lines of comma-separated non-negative integers (vectorised).

    Returns ``(indptr, values)``: line ``i`` holds ``values[indptr[i]:indptr[i + 1]]``.  Blanks
    around ids are allowed; trailing blank lines at the end of the file are ignored.  Any other
    character, an empty line or field, two ids not separated by a comma, or an id of more than
    18 digits raises :class:`BensonLabelledFormatError` naming ``source:line``.
    """
    data = data.rstrip()
    b = np.frombuffer(data, dtype=np.uint8)
    is_digit = (b >= ord("0")) & (b <= ord("9"))
    is_comma = b == ord(",")
    is_nl = b == ord("\n")
    is_blank = (b == ord(" ")) | (b == ord("\t")) | (b == ord("\r"))
    line_of = np.cumsum(is_nl) - is_nl  # 0-based line of every byte
    num_lines = int(is_nl.sum()) + 1 if b.size else 0

    def fail(pos_or_line: int, what: str, is_line: bool = False) -> None:
        line = pos_or_line + 1 if is_line else int(line_of[pos_or_line]) + 1
        raise BensonLabelledFormatError(f"{source}:{line}: {what} in line {_line_text(data, line)!r}")

    bad = ~(is_digit | is_comma | is_nl | is_blank)
    if bad.any():
        p = int(np.argmax(bad))
        fail(p, f"unexpected character {chr(b[p])!r} (expected comma-separated integer ids)")
    # every comma needs an id on both sides (ignoring blanks)
    keep = np.flatnonzero(~is_blank)
    nb = b[keep]
    nb_digit = is_digit[keep]
    commas = np.flatnonzero(nb == ord(","))
    if commas.size:
        before = np.concatenate([[False], nb_digit])[commas]
        after = np.concatenate([nb_digit, [False]])[commas + 1]
        ok = before & after
        if not ok.all():
            fail(int(keep[commas[int(np.argmin(ok))]]), "empty field (a comma without an id on both sides)")
    prev_digit = np.concatenate([[False], is_digit[:-1]])
    next_digit = np.concatenate([is_digit[1:], [False]])
    starts = np.flatnonzero(is_digit & ~prev_digit)
    ends = np.flatnonzero(is_digit & ~next_digit) + 1
    token_line = line_of[starts]
    counts = np.bincount(token_line, minlength=num_lines)
    if num_lines == 0 or (counts == 0).any():
        fail(int(np.argmax(counts == 0)) if num_lines else 0, "empty line", is_line=True)
    comma_counts = np.bincount(line_of[is_comma], minlength=num_lines)
    if (comma_counts != counts - 1).any():
        fail(int(np.argmax(comma_counts != counts - 1)), "ids separated by blanks, not commas", is_line=True)
    lengths = ends - starts
    if (lengths > 18).any():
        i = int(np.argmax(lengths > 18))
        fail(int(token_line[i]), "id too large", is_line=True)
    # digits -> values: per-token sum of digit * 10^(position from the token's end)
    dpos = np.flatnonzero(is_digit)
    token_of_digit = np.cumsum(is_digit & ~prev_digit)[dpos] - 1
    power = ends[token_of_digit] - 1 - dpos
    weighted = (b[dpos].astype(np.int64) - ord("0")) * (10 ** power.astype(np.int64))
    first = np.searchsorted(dpos, starts)
    values = np.add.reduceat(weighted, first) if starts.size else np.zeros(0, np.int64)
    indptr = np.zeros(num_lines + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, values.astype(np.int64)


def _line_of_value(indptr: np.ndarray, k: int) -> int:
    """1-based line of the ``k``-th value."""
    return int(np.searchsorted(indptr, k, side="right"))


def _read_labels(path: Path) -> np.ndarray:
    indptr, labels = parse_id_lists(_read_bytes(path), str(path))
    sizes = np.diff(indptr)
    if (sizes != 1).any():
        line = int(np.argmax(sizes != 1)) + 1
        raise BensonLabelledFormatError(
            f"{path}:{line}: {int(sizes[line - 1])} labels on one line (multi-label node labels "
            "are not supported; expected one integer label per line)"
        )
    if labels.size and labels.min() < 1:
        line = int(np.argmin(labels)) + 1
        raise BensonLabelledFormatError(
            f"{path}:{line}: label {labels[line - 1]} must be >= 1 (labels are 1-based)"
        )
    return labels


def _read_names(path: Path) -> list[str]:
    lines = _read_bytes(path).decode("utf-8", errors="replace").rstrip("\r\n").split("\n")
    lines = [s.rstrip("\r") for s in lines]
    prefixes = [f"{k} " for k in range(1, len(lines) + 1)]
    if lines and all(s.startswith(p) for s, p in zip(lines, prefixes, strict=True)):
        lines = [s[len(p) :] for s, p in zip(lines, prefixes, strict=True)]
    return lines


def label_features(
    y: torch.Tensor,
    num_classes: int,
    feature_noise: float = 0.6,
    feature_seed: int = 0,
    feature_dim: int | None = None,
) -> torch.Tensor:
    """AllSet's synthetic features: ``one_hot(y)`` (zero-padded to ``feature_dim``) plus noise.

    **The result carries the label** (see :mod:`hypergraph.datasets.benson_labelled`).  The noise is
    ``feature_noise * randn`` in float32 from a CPU ``torch.Generator`` seeded with
    ``feature_seed``, added to every entry, so equal arguments give equal features everywhere.
    """
    if feature_noise < 0:
        raise ValueError(f"feature_noise must be >= 0, got {feature_noise}")
    dim = num_classes if feature_dim is None else int(feature_dim)
    if dim < num_classes:
        raise ValueError(f"feature_dim={dim} is smaller than the {num_classes} classes")
    x = torch.zeros(y.numel(), dim, dtype=torch.float32)
    x[torch.arange(y.numel()), y] = 1.0
    if feature_noise > 0:
        g = torch.Generator(device="cpu").manual_seed(int(feature_seed))
        x += feature_noise * torch.randn(x.shape, generator=g, dtype=torch.float32)
    return x


def _file(folder: Path, stem: str, kind: str) -> Path | None:
    for suffix in (".txt", ".txt.gz"):
        p = folder / f"{kind}-{stem}{suffix}"
        if p.is_file():
            return p
    return None


def _has_files(folder: Path, stem: str) -> bool:
    return _file(folder, stem, "hyperedges") is not None and _file(folder, stem, "node-labels") is not None


def read_benson_labelled(
    folder: str | os.PathLike,
    name: str | None = None,
    feature_noise: float | None = 0.6,
    feature_seed: int = 0,
    feature_dim: int | None = None,
) -> Hypergraph:
    """Parse ``folder/{hyperedges,node-labels[,label-names]}-NAME.txt[.gz]`` (no checksums).

    ``name`` (the file stem) defaults to the folder's name.  ``feature_noise=None`` gives
    ``x=None`` (structure and labels only).  See :mod:`hypergraph.datasets.benson_labelled` for
    the construction.
    """
    folder = Path(folder)
    stem = name or folder.name
    paths = {k: _file(folder, stem, k) for k in _KINDS}
    for k in ("hyperedges", "node-labels"):
        if paths[k] is None:
            raise DatasetNotFoundError(f"{folder}: missing {k}-{stem}.txt or {k}-{stem}.txt.gz")
    labels = _read_labels(paths["node-labels"])
    n = int(labels.size)
    if n == 0:
        raise BensonLabelledFormatError(f"{paths['node-labels']}: no nodes (empty file)")
    hpath = paths["hyperedges"]
    indptr, ids = parse_id_lists(_read_bytes(hpath), str(hpath))
    m = int(indptr.size - 1)
    if ids.min() < 1:
        k = int(np.argmin(ids))
        raise BensonLabelledFormatError(
            f"{hpath}:{_line_of_value(indptr, k)}: node id {ids[k]} must be >= 1 (ids are 1-based)"
        )
    if ids.max() > n:
        k = int(np.argmax(ids))
        raise BensonLabelledFormatError(
            f"{hpath}:{_line_of_value(indptr, k)}: node id {ids[k]} exceeds the {n} nodes listed in "
            f"{paths['node-labels']}"
        )
    edge = np.repeat(np.arange(m, dtype=np.int64), np.diff(indptr))
    key = np.sort(edge * (n + 1) + ids)  # by line, then node
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]  # a node repeated in a line: once
    hyperedge_index = np.stack([key % (n + 1) - 1, key // (n + 1)])
    used, y = np.unique(labels, return_inverse=True)
    if paths["label-names"] is not None:
        names = _read_names(paths["label-names"])
        if used[-1] > len(names):
            line = int(np.argmax(labels == used[-1])) + 1
            raise BensonLabelledFormatError(
                f"{paths['node-labels']}:{line}: label {used[-1]} has no name "
                f"({paths['label-names']} has {len(names)} lines)"
            )
        label_names = [names[k - 1] for k in used]
    else:
        label_names = [str(k) for k in used]
    y_t = torch.from_numpy(y.reshape(-1).astype(np.int64))
    c = int(used.size)
    x = None
    if feature_noise is not None:
        x = label_features(y_t, c, feature_noise, feature_seed, feature_dim)
    return Hypergraph(
        x=x,
        y=y_t,
        hyperedge_index=torch.from_numpy(hyperedge_index),
        num_nodes=n,
        num_hyperedges=m,
        num_classes=c,
        label_names=label_names,
    )
