"""Benson's three-file temporal simplicial data (ScHoLP-Data) and the registry of its datasets.

Format (one integer per line, 1-based node ids that need not be contiguous):

* ``NAME-nverts.txt``: the size of each simplex,
* ``NAME-simplices.txt``: the node ids of all simplices back to back,
* ``NAME-times.txt``: the timestamp of each simplex,
* optional ``NAME-node-labels.txt``: ``<id><space or tab><label>`` lines in any order.

Each file may be plain or gzip-compressed (``.txt.gz``).  :func:`read_benson` parses a local
folder; :func:`load_benson` looks for a dataset under a root (``root/scholp/NAME/``, ``root/NAME/``
or ``root/``), verifies a pinned one (:data:`BENSON_DATASETS`) and otherwise downloads it from
``arbenson/ScHoLP-Data`` pinned at a commit; any other name loads unverified from local files.
Malformed input raises :class:`BensonFormatError` naming the file and the line.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import urllib.request
from pathlib import Path

import numpy as np

from hypergraph.data.temporal import TemporalSimplicialComplex
from hypergraph.datasets.benson_pins import BENSON_DATASETS, SCHOLP_DATA_COMMIT, BensonDataset
from hypergraph.datasets.download import (
    ChecksumError,
    DatasetNotFoundError,
    DownloadError,
    cache_dir,
    download_url,
    not_found,
    resolve_root,
    sha256_file,
    warn_unverified,
)

__all__ = [
    "BENSON_DATASETS",
    "BensonDataset",
    "BensonFormatError",
    "SCHOLP_DATA_COMMIT",
    "benson_candidates",
    "find_benson",
    "load_benson",
    "read_benson",
]

_KINDS = ("nverts", "simplices", "times")


class BensonFormatError(ValueError):
    """A Benson data file is malformed (the message names the file and line)."""


# ------------------------------------------------------------------------------ parsing
def _open_bytes(path: Path) -> bytes:
    with open(path, "rb") as f:
        head = f.read(2)
    if head == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as f:
                return f.read()
        except (OSError, EOFError) as e:
            raise BensonFormatError(f"{path}: corrupt gzip file ({e})") from e
    return path.read_bytes()


def _lines(path: Path) -> np.ndarray:
    raw = _open_bytes(path)
    lines = raw.split(b"\n")
    if lines and lines[-1].strip() == b"":
        lines.pop()  # final newline
    return np.array(lines, dtype=bytes) if lines else np.zeros(0, dtype="S1")


def _parse_ints(path: Path) -> np.ndarray:
    """One integer per line; the first bad line is reported as ``file:line``."""
    lines = _lines(path)
    if lines.size == 0:
        return np.zeros(0, dtype=np.int64)
    s = np.strings.strip(lines)
    sign = np.strings.startswith(s, b"-") | np.strings.startswith(s, b"+")
    body = np.where(sign, np.strings.slice(s, 1, None), s)
    ok = np.strings.isdigit(body) & (np.strings.str_len(body) <= 18)
    if not ok.all():
        i = int(np.argmin(ok))
        text = lines[i].decode("utf-8", "replace")
        what = "empty line" if not text.strip() else f"{text!r} is not an integer"
        raise BensonFormatError(f"{path}:{i + 1}: {what} (expected one integer per line)")
    return s.astype(np.int64)


def _parse_labels(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, labels)`` from ``<id><space or tab><label>`` lines (ids 1-based, any order)."""
    text = _open_bytes(path).decode("utf-8", "replace")
    lines = text.split("\n")
    if lines and not lines[-1].strip():
        lines.pop()
    arr = np.array(lines, dtype=str) if lines else np.zeros(0, dtype="U1")
    stripped = np.strings.lstrip(arr)
    # split at the first space or tab
    sp_pos = np.strings.find(stripped, " ")
    tab_pos = np.strings.find(stripped, "\t")
    big = np.iinfo(np.int64).max
    cut = np.minimum(np.where(sp_pos < 0, big, sp_pos), np.where(tab_pos < 0, big, tab_pos))
    cut = np.where(cut == big, np.strings.str_len(stripped), cut)
    ids_s = np.strings.slice(stripped, 0, cut)
    labels = np.strings.strip(np.strings.slice(stripped, cut + 1, None), "\r\n\t ")
    ok = np.strings.isdigit(ids_s) & (np.strings.str_len(ids_s) <= 18)
    if not ok.all():
        i = int(np.argmin(ok))
        raise BensonFormatError(f"{path}:{i + 1}: {lines[i]!r} does not start with an integer node id")
    ids = ids_s.astype(np.int64)
    if ids.size and ids.min() <= 0:
        i = int(np.argmin(ids))
        raise BensonFormatError(f"{path}:{i + 1}: node id {ids[i]} must be >= 1 (ids are 1-based)")
    order = np.argsort(ids, kind="stable")
    dup = np.flatnonzero(ids[order][1:] == ids[order][:-1])
    if dup.size:
        i = int(order[dup[0] + 1])
        raise BensonFormatError(f"{path}:{i + 1}: node id {ids[i]} is labelled twice")
    return ids, labels


def _find(folder: Path, name: str, kind: str) -> Path | None:
    for suffix in (".txt", ".txt.gz"):
        p = folder / f"{name}-{kind}{suffix}"
        if p.exists():
            return p
    return None


def read_benson(folder: str | os.PathLike, name: str | None = None) -> TemporalSimplicialComplex:
    """Parse ``folder/NAME-{nverts,simplices,times}.txt[.gz]`` (+ optional node labels).

    ``name`` defaults to the folder's name.  Node id ``v`` (1-based) becomes node ``v - 1``;
    ``num_nodes`` is the largest id seen in the simplices or the labels.
    """
    folder = Path(folder)
    name = name or folder.name
    paths = {}
    for kind in _KINDS:
        p = _find(folder, name, kind)
        if p is None:
            raise DatasetNotFoundError(f"{folder}: missing {name}-{kind}.txt or {name}-{kind}.txt.gz")
        paths[kind] = p
    nverts = _parse_ints(paths["nverts"])
    simplices = _parse_ints(paths["simplices"])
    times = _parse_ints(paths["times"])
    if nverts.size == 0:
        raise BensonFormatError(f"{paths['nverts']}: no simplices (empty file)")
    if nverts.min() <= 0:
        i = int(np.argmin(nverts))
        raise BensonFormatError(f"{paths['nverts']}:{i + 1}: simplex size {nverts[i]} must be >= 1")
    total = int(nverts.sum())
    if total != simplices.size:
        # name the simplex where the counts stop adding up
        ends = np.cumsum(nverts)
        if simplices.size < total:
            s = int(np.searchsorted(ends, simplices.size, side="right"))
            raise BensonFormatError(
                f"{paths['simplices']}: has {simplices.size} lines but {paths['nverts']} sums to "
                f"{total}; simplex {s + 1} (nverts line {s + 1}) is cut off at the end of the file"
            )
        raise BensonFormatError(
            f"{paths['simplices']}:{total + 1}: {simplices.size - total} extra line(s); "
            f"{paths['nverts']} sums to {total}"
        )
    if simplices.size and simplices.min() <= 0:
        i = int(np.argmin(simplices))
        raise BensonFormatError(
            f"{paths['simplices']}:{i + 1}: node id {simplices[i]} must be >= 1 (ids are 1-based)"
        )
    if times.size != nverts.size:
        which = "shorter" if times.size < nverts.size else "longer"
        raise BensonFormatError(
            f"{paths['times']}:{min(times.size, nverts.size) + 1}: {times.size} timestamps, {which} "
            f"than the {nverts.size} simplices of {paths['nverts']}"
        )
    num_nodes = int(simplices.max()) if simplices.size else 0
    node_labels = None
    label_path = _find(folder, name, "node-labels")
    if label_path is not None:
        ids, labels = _parse_labels(label_path)
        num_nodes = max(num_nodes, int(ids.max()) if ids.size else 0)
        node_labels = np.full(num_nodes, "", dtype=labels.dtype if labels.size else "U1")
        node_labels[ids - 1] = labels
    return TemporalSimplicialComplex(
        simplices - 1,
        np.concatenate([[0], np.cumsum(nverts)]),
        times,
        num_nodes,
        node_labels=node_labels,
        name=name,
    )


# ------------------------------------------------------------------------- loading
def benson_candidates(root: Path, name: str) -> list[Path]:
    """Folders under ``root`` that may hold ``NAME-*.txt[.gz]``, most specific first."""
    return [root / "scholp" / name, root / name, root]


def find_benson(root: str | os.PathLike | None, name: str) -> Path | None:
    """The folder under ``root`` holding Benson's three files of ``name``, or ``None``."""
    for folder in benson_candidates(resolve_root(root), name):
        if all(_find(folder, name, k) is not None for k in _KINDS):
            return folder
    return None


def _verify(ds: BensonDataset, folder: Path) -> list[str]:
    """Check every pinned file of ``ds`` found in ``folder`` (the one :func:`read_benson` reads);
    return the kinds that no digest vouches for (raises :class:`ChecksumError` on a mismatch)."""
    unchecked = []
    for kind in ds.kinds():
        p = _find(folder, ds.name, kind)
        if p is None:
            continue
        gz_pin, text_pin = ds.sha256.get(kind), ds.text_sha256.get(kind)
        if p.suffix == ".gz" and gz_pin is not None and sha256_file(p) == gz_pin:
            continue
        if text_pin is not None:
            got = hashlib.sha256(_open_bytes(p)).hexdigest()
            if got != text_pin:
                raise ChecksumError(
                    f"checksum mismatch for {p}: its text has sha256 {got}, the pinned {ds.name} "
                    f"{kind} text has {text_pin} (an edited copy? load it under another name)"
                )
        elif gz_pin is not None and p.suffix == ".gz":
            raise ChecksumError(f"checksum mismatch for {p}: expected sha256 {gz_pin}, got {sha256_file(p)}")
        else:
            unchecked.append(kind)
    return unchecked


def load_benson(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    opener=urllib.request.urlopen,
) -> TemporalSimplicialComplex:
    """Load Benson-format dataset ``name``: one of :data:`BENSON_DATASETS` or a user's own.

    Looks under ``root`` in ``root/scholp/NAME/``, ``root/NAME/`` and ``root/``.  A pinned dataset
    found there is verified (``.gz`` or plain text, against the digests of the upstream files and
    their text); a missing one is downloaded (when ``download``) from ScHoLP-Data at commit
    :data:`SCHOLP_DATA_COMMIT` into ``$HYPERGRAPH_CACHE/scholp/NAME/``, each file checked against its
    sha256 before it is kept.  Files without a known digest are checked after parsing against the
    dataset's node and simplex counts.  Any other ``name`` loads from the local files with one
    :class:`~hypergraph.datasets.download.UnverifiedDatasetWarning`.
    """
    root = resolve_root(root)
    folder = find_benson(root, name)
    ds = BENSON_DATASETS.get(name)
    if ds is None:
        if folder is None:
            looked = [p / f"{name}-nverts.txt[.gz]" for p in benson_candidates(root, name)]
            raise not_found(
                f"Benson-format dataset {name!r}",
                root,
                looked,
                f"it is not a pinned Benson dataset ({', '.join(sorted(BENSON_DATASETS))}), "
                "so it cannot be downloaded",
                can_download=False,
            )
        warn_unverified("benson", name, folder)
        return read_benson(folder, name)
    if folder is None:
        cached = cache_dir(None, "scholp", name, create=False)  # created by the download only
        if not all(_find(cached, name, k) is not None for k in _KINDS):
            looked = [p / f"{name}-nverts.txt.gz" for p in benson_candidates(root, name)]
            if not download:
                raise not_found(f"Benson dataset {name!r}", root, looked, "download=False")
            try:
                _download(ds, cached, opener)
            except DownloadError as err:
                raise not_found(f"Benson dataset {name!r}", root, looked, err) from None
        folder = cached
    unchecked = _verify(ds, folder)
    tsc = read_benson(folder, name)
    if unchecked:
        distinct = int(np.unique(tsc.nodes).size)
        if (distinct, tsc.num_simplices) != (ds.num_nodes, ds.num_simplices):
            raise BensonFormatError(
                f"{folder}: {name} has {distinct} nodes / {tsc.num_simplices} simplices, expected "
                f"{ds.num_nodes} / {ds.num_simplices} (pinned upstream content)"
            )
        reason = f"no sha256 pinned for {', '.join(unchecked)}; only the node and simplex counts were checked"
        warn_unverified("benson", name, folder, reason)
    return tsc


def _download(ds: BensonDataset, folder: Path, opener) -> None:
    for kind in ds.kinds():
        dest = folder / f"{ds.name}-{kind}.txt.gz"
        if dest.exists():
            continue
        try:
            # sha256=None only for files outside the offline snapshot: the URL is pinned to a
            # commit and load_benson checks the parsed node and simplex counts.
            download_url(ds.url(kind), dest, ds.sha256.get(kind), opener=opener)
        except DownloadError as e:
            if kind == "node-labels" and ds.node_labels is None and e.code == 404:
                continue
            raise
