"""SHyRe hypergraph-reconstruction datasets (Wang & Kleinberg, ICLR 2024).

Each dataset has a training hypergraph (``train.txt``, the domain prior) and a query hypergraph
(``test.txt``, whose projection is to be reconstructed).  A file has one hyperedge per line,
given as space-separated non-negative integer node ids.

Reading follows the authors' loader: each line is read as the *set* of its ids (repeated ids
merged), repeated lines are dropped (first occurrence kept), and node ids are re-indexed to
``0..N-1`` by rank, separately for each file (the identity when ids already are ``0..N-1``).

Local files are looked up as ``<root>/shyre/<name>/<split>.txt[.gz]``, ``<root>/<name>/...`` or
``<root>/<split>.txt[.gz]``.  Downloads (pinned names only) come from the authors' repository
pinned at commit :data:`UPSTREAM_COMMIT` into ``$HYPERGRAPH_CACHE/shyre/<name>/``; the pinned
sha256 is that of the upstream plain text, which is also the decompressed content of the offline
``.gz`` copies (verified on every load).  Any other name loads from local files in this format,
unverified (said once).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets as SetList
from hypergraph.data.node_sets import canonicalize
from hypergraph.data.set_ops import unique_sets
from hypergraph.datasets.download import (
    ChecksumError,
    DownloadError,
    cache_dir,
    download_url,
    find_first,
    not_found,
    resolve_root,
    warn_unverified,
)

UPSTREAM_REPO = "Abel0828/supervised_hypergraph_reconstruction"
UPSTREAM_COMMIT = "d49c77ed2ef5d41d5c1707211fcf17e2a2283830"
URL_TEMPLATE = (
    f"https://raw.githubusercontent.com/{UPSTREAM_REPO}/{UPSTREAM_COMMIT}/data/{{name}}/{{split}}.txt"
)

SPLITS = ("train", "test")


@dataclass(frozen=True)
class ShyreInfo:
    """Pinned facts of one dataset: the sampling budget and the text digests."""

    paper_name: str
    beta: int
    sha256: dict[str, str]


# sha256 of the decompressed (= upstream plain-text) train.txt / test.txt; beta from the README.
SHYRE_DATASETS: dict[str, ShyreInfo] = {
    "enron": ShyreInfo(
        "Enron",
        1_000,
        {
            "train": "e31e67fa00bd425e195e5308c10bb7b4e1f18f2f240fe1dd38cd2585f8f8fcbc",
            "test": "9ab581e697017950e3cd3a2a3e59cbedbd8758f904e6c66f65a58c38168ec355",
        },
    ),
    "school": ShyreInfo(
        "P.School",
        350_000,
        {
            "train": "a9c3a2bc328990a26c016be445e5eca84c3ecdc5dfa097649298324cb500b1ab",
            "test": "a5bcc6010657427f9f890ae945787ab06667a97150800dd96408d2e6a620ae50",
        },
    ),
    "school2": ShyreInfo(
        "H.School",
        60_000,
        {
            "train": "e9a09aac4dc24c627525d7ff631933b97374623031741476fcaf56c1fedeba8a",
            "test": "85479b21b5ab9f98819b411df803ec0ed257dcc5c34d3bac5a20acb9c3a422cd",
        },
    ),
    "foursquare": ShyreInfo(
        "Foursquare",
        20_000,
        {
            "train": "514fdc7588d99bbfc83c067df2df313a51fb8c51dd1f282fce760ef479bee01c",
            "test": "c654e26cf0827c49658ab770b1802365c43bf3835daea809e490220d9e72015c",
        },
    ),
    "hosts": ShyreInfo(
        "Hosts-Virus",
        6_000,
        {
            "train": "98a00a98b646130d69e638296a33f1af258238de3a7d78b74d3afded27bb9c1e",
            "test": "033ae8058b6f49152abaedc2dbf1e0e03343bcbc013b5c45fd7b894a8d018472",
        },
    ),
    "dblp": ShyreInfo(
        "DBLP",
        1_000_000,
        {
            "train": "a6d497f02faa3c6ff1721397f8c4a897546cfb73573047b6ffd2d1707669c30b",
            "test": "de58be6c9b6cd400ca8942c30b675432116ecd99e84a23de6ace99b3202c5f52",
        },
    ),
}

_DIGIT_LO, _DIGIT_HI = ord("0"), ord("9")
_WS = (ord(" "), ord("\t"), ord("\r"))
_NL = ord("\n")


class HyperedgeFileError(ValueError):
    """A hyperedge file has a malformed line."""


class ShyreSplit(NamedTuple):
    """A SHyRe dataset: the training hypergraph (the domain prior) and the query hypergraph."""

    train: Hypergraph
    query: Hypergraph


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as f:
        head = f.read(2)
    if head == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as f:
                return f.read()
        except (OSError, EOFError, zlib.error) as err:
            raise HyperedgeFileError(f"{path}: corrupt or truncated gzip file ({err})") from None
    return path.read_bytes()


def _line_text(data: bytes, line_no: int) -> str:
    lines = data.split(b"\n")
    text = lines[line_no - 1] if 0 < line_no <= len(lines) else b""
    return text[:80].decode("utf-8", errors="replace")


def parse_hyperedges(data: bytes, source: str = "<bytes>") -> SetList:
    """Parse hyperedge text (one line of space-separated ids per hyperedge), vectorised.

    Returns the lines as canonical sets (sorted, repeated ids merged) with the original ids, in
    file order, duplicates kept.  A character other than digits and blanks, an empty line or an
    id with more than 18 digits raises :class:`HyperedgeFileError` naming ``source`` and the
    line number.
    """
    b = np.frombuffer(data, dtype=np.uint8)
    is_digit = (b >= _DIGIT_LO) & (b <= _DIGIT_HI)
    is_nl = b == _NL
    is_blank = np.isin(b, _WS)
    bad = ~(is_digit | is_nl | is_blank)
    newlines_before = np.cumsum(is_nl) - is_nl  # line index (0-based) of every byte
    if bad.any():
        pos = int(np.argmax(bad))
        line_no = int(newlines_before[pos]) + 1
        raise HyperedgeFileError(
            f"{source}:{line_no}: invalid character {chr(b[pos])!r} in line "
            f"{_line_text(data, line_no)!r} (expected space-separated non-negative integer ids)"
        )
    num_lines = int(is_nl.sum()) + (1 if b.size and b[-1] != _NL else 0)
    prev_digit = np.concatenate([[False], is_digit[:-1]])
    starts = np.flatnonzero(is_digit & ~prev_digit)
    next_digit = np.concatenate([is_digit[1:], [False]])
    ends = np.flatnonzero(is_digit & ~next_digit) + 1
    token_line = newlines_before[starts]
    counts = np.bincount(token_line, minlength=num_lines)
    if num_lines == 0 or (counts == 0).any():
        line_no = int(np.argmax(counts == 0)) + 1 if num_lines else 1
        raise HyperedgeFileError(f"{source}:{line_no}: empty line (every line must list at least one id)")
    lengths = ends - starts
    if (lengths > 18).any():
        i = int(np.argmax(lengths > 18))
        raise HyperedgeFileError(f"{source}:{int(token_line[i]) + 1}: node id too large")
    # digits -> values: position-weighted sum within each token
    digit_val = (b - _DIGIT_LO).astype(np.int64)
    token_of_digit = np.cumsum(is_digit & ~prev_digit) - 1
    dpos = np.flatnonzero(is_digit)
    tok = token_of_digit[dpos]
    power = (ends[tok] - 1 - dpos).astype(np.int64)
    values = np.zeros(starts.size, dtype=np.int64)
    np.add.at(values, tok, digit_val[dpos] * (10**power))
    indptr = np.zeros(num_lines + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return canonicalize(indptr, values)


def read_hyperedge_file(path: str | os.PathLike) -> SetList:
    """Read a hyperedge file (plain or gzip) as canonical sets of its original ids."""
    path = Path(path)
    return parse_hyperedges(_read_bytes(path), source=str(path))


def to_hypergraph(sets: SetList) -> Hypergraph:
    """Deduplicate the sets, re-index node ids by rank and build a :class:`Hypergraph`.

    The original id of every node is kept in ``node_id``.
    """
    sets, _ = unique_sets(sets)
    node_id, new_idx = np.unique(sets.indices, return_inverse=True)
    hyperedge_index = np.stack([new_idx.reshape(-1), sets.set_ids])
    return Hypergraph(
        hyperedge_index=torch.from_numpy(hyperedge_index),
        num_nodes=int(node_id.size),
        num_hyperedges=len(sets),
        node_id=torch.from_numpy(node_id),
    )


def shyre_candidates(root: Path, name: str) -> list[Path]:
    """Folders under ``root`` that may hold ``train.txt[.gz]`` / ``test.txt[.gz]``, most specific first."""
    return [root / "shyre" / name, root / name, root]


def _find_local(root: Path, name: str, split: str) -> Path | None:
    for base in shyre_candidates(root, name):
        path = find_first([base / f"{split}.txt.gz", base / f"{split}.txt"])
        if path is not None:
            return path
    return None


def find_shyre(root: str | os.PathLike | None, name: str) -> Path | None:
    """The folder under ``root`` holding both splits of ``name``, or ``None``."""
    for base in shyre_candidates(resolve_root(root), name):
        if all(find_first([base / f"{s}.txt.gz", base / f"{s}.txt"]) for s in SPLITS):
            return base
    return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shyre_path(
    name: str, split: str, root: str | os.PathLike | None = None, download: bool = True, opener=None
) -> Path:
    """The local path of ``<name>/<split>``, downloading a pinned file when allowed."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    root_p = resolve_root(root)
    path = _find_local(root_p, name, split)
    if path is not None:
        return path
    looked = [b / f"{split}.txt[.gz]" for b in shyre_candidates(root_p, name)]
    if name not in SHYRE_DATASETS:
        raise not_found(
            f"SHyRe-format dataset {name!r} ({split})",
            root_p,
            looked,
            f"it is not a pinned SHyRe dataset ({', '.join(SHYRE_DATASETS)}), so it cannot be downloaded",
            can_download=False,
        )
    cached = cache_dir(None, "shyre", name, create=False) / f"{split}.txt"  # download_url creates it
    if cached.exists():
        return cached
    if not download:
        raise not_found(f"SHyRe dataset {name!r} ({split})", root_p, looked, "download=False")
    kwargs = {} if opener is None else {"opener": opener}
    url = URL_TEMPLATE.format(name=name, split=split)
    try:
        return download_url(url, cached, SHYRE_DATASETS[name].sha256[split], **kwargs)
    except DownloadError as err:
        raise not_found(f"SHyRe dataset {name!r} ({split})", root_p, looked, err) from None


def load_shyre_split(
    name: str,
    split: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    verify: bool = True,
    opener=None,
) -> Hypergraph:
    """One split of a SHyRe-format dataset as a :class:`Hypergraph` (see the module docstring).

    A pinned name (:data:`SHYRE_DATASETS`) is verified against the sha256 of its text unless
    ``verify=False``; any other name is read from the local files and said to be unverified once.
    """
    path = shyre_path(name, split, root, download, opener)
    data = _read_bytes(path)
    if name in SHYRE_DATASETS and verify:
        want = SHYRE_DATASETS[name].sha256[split]
        got = _digest(data)
        if got != want:
            raise ChecksumError(
                f"checksum mismatch for the text of {path}: expected sha256 {want}, got {got} "
                "(an edited copy? load it under another name to use it unverified)"
            )
    else:
        why = "verify=False" if name in SHYRE_DATASETS else ""
        warn_unverified("shyre", name, path.parent, why)
    return to_hypergraph(parse_hyperedges(data, source=str(path)))


def load_shyre(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    verify: bool = True,
    opener=None,
) -> ShyreSplit:
    """``(train, query)`` hypergraphs of the SHyRe-format dataset ``name`` (a :class:`ShyreSplit`)."""
    return ShyreSplit(*(load_shyre_split(name, s, root, download, verify, opener) for s in SPLITS))
