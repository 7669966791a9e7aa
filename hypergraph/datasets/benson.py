"""Benson's three-file temporal simplicial data (ScHoLP-Data) and the registry of its datasets.

Format (one integer per line, 1-based node ids that need not be contiguous):

* ``NAME-nverts.txt``: the size of each simplex,
* ``NAME-simplices.txt``: the node ids of all simplices back to back,
* ``NAME-times.txt``: the timestamp of each simplex,
* optional ``NAME-node-labels.txt``: ``<id><space or tab><label>`` lines in any order.

Each file may be plain or gzip-compressed (``.txt.gz``).  :func:`read_benson` parses a local
folder; :func:`load_benson` looks for a dataset of :data:`BENSON_DATASETS` under a root (the
offline ``scholp/`` folder layout is accepted as is) and otherwise downloads it from
``arbenson/ScHoLP-Data`` pinned at a commit.  Malformed input raises :class:`BensonFormatError`
naming the file and the line.
"""

from __future__ import annotations

import gzip
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hypergraph.closure.complex import TemporalSimplicialComplex
from hypergraph.datasets.download import (
    DatasetNotFoundError,
    cache_dir,
    download_url,
    resolve_root,
    verify_sha256,
)

__all__ = [
    "BENSON_DATASETS",
    "BensonDataset",
    "BensonFormatError",
    "SCHOLP_DATA_COMMIT",
    "load_benson",
    "read_benson",
]

SCHOLP_DATA_COMMIT = "c830836d89870e41c665bfbac60adac42c766970"
_BASE_URL = f"https://raw.githubusercontent.com/arbenson/ScHoLP-Data/{SCHOLP_DATA_COMMIT}"
_KINDS = ("nverts", "simplices", "times")


class BensonFormatError(ValueError):
    """A Benson data file is malformed (the message names the file and line)."""


@dataclass(frozen=True)
class BensonDataset:
    """One dataset of the paper.

    ``sha256`` maps a file kind (``nverts``, ``simplices``, ``times``, ``node-labels``) to the
    digest of its upstream ``.txt.gz`` (known for the files of the offline snapshot, which are
    byte-identical to upstream).  Without a digest the file is pinned by the commit URL only and
    the parsed data are checked against ``num_nodes`` / ``num_simplices`` (the authors' summary
    statistics) instead.  ``node_labels``: True / False, or None where it is not known whether
    upstream has a node-label file (a missing one is then tolerated).
    """

    name: str
    num_nodes: int
    num_simplices: int
    node_labels: bool | None
    sha256: dict

    def url(self, kind: str) -> str:
        return f"{_BASE_URL}/{self.name}/{self.name}-{kind}.txt.gz"

    def kinds(self) -> tuple[str, ...]:
        return _KINDS + (("node-labels",) if self.node_labels is not False else ())


def _ds(name: str, n_nodes: int, n_simplices: int, labels: bool | None, **sha: str) -> BensonDataset:
    return BensonDataset(name, n_nodes, n_simplices, labels, {k.replace("_", "-"): v for k, v in sha.items()})


# Sizes from ScHoLP-Tutorial output/summary-stats (nnodes = distinct nodes, nsimps = simplices).
BENSON_DATASETS: dict[str, BensonDataset] = {
    d.name: d
    for d in [
        _ds(
            "email-Enron", 143, 10883, True,
            nverts="1990254c76b2a6c0d19b9037ea6a311baf10ce7343e46a9be6f242762119f889",
            simplices="caa6044fab648c83b8b8ecb6f5051423d321f3f2a7b1f3dc6b6c8e4ace4566ef",
            times="8d69352d94655487f029ed0ac3049207fb1c8604786d35a1f2885a3eeee25bcb",
            node_labels="b2522a71b88a5c08aa0d8cec184b76cb8d3123789a5ae82b8e48e18d2b2e5ade",
        ),
        _ds(
            "email-Eu", 998, 234760, False,
            nverts="293c1d03e00ca7f3f9f0d16cd0b07b63e6c6ea0e1e3c36b3b175228c166bcc2b",
            simplices="9503ada29552aab6fad6e9ac9bf8c6412b1a95da1c6d4241b6aa1175f8bb9c00",
            times="abd62a7c80341e2f6235124a0d86d71ebca8cdc53e87829ac4918235b2f76d56",
        ),
        _ds(
            "contact-primary-school", 242, 106879, False,
            nverts="2929d917b74784dde1ccfb823ffc4fe7add2cad2def16875389d913a723bbbd9",
            simplices="c1e6331f02b6d256abad242e590c0469acc899881ba014e397ec000716c9ff2e",
            times="0b6d7c72b5f4197bf30bc5b0c75b9d624ac43d6570b0a77215ce2ae4db7b71ea",
        ),
        _ds(
            "contact-high-school", 327, 172035, False,
            nverts="14161db20545136bbc616b93570abcf0b7aa970bcf01a59fa93734ce3ac616da",
            simplices="4b3d65ffcd3ec19ad74a4e7ba37678519153bee2a765ec9a39f9796902e38523",
            times="6a748520b78a6567bbb1d9941372d10f03de6d9be2c66aed74f74047d3b0bb8e",
        ),
        _ds(
            "NDC-classes", 1161, 49724, True,
            nverts="69dc314ab410643c4c0b430bd9dde361ae877f48d401f0b4342153ce3ca33522",
            simplices="8e1706ed874983865ea2143eb2e27ceacc6d86e1caf9688441d866ef1a9374ca",
            times="db7bbe741ef2f1c849dd7dd9973ca79b2a34e42be003493fdbf6c9b423d1f922",
            node_labels="5daa54284c6bba742e96ccc49fbf533bd15b5f89645fe0c18d14f8bb47d348b9",
        ),
        _ds(
            "NDC-substances", 5311, 112405, True,
            nverts="ca28dac9fcf1f06af3ca6fc315d28eb45e75ea42790676f506a9cb6fb7a5ba7a",
            simplices="aa4688369939820cc62d37f855a416b78f0d5ae494459d9754795fe1d2542b11",
            times="612a958267341028d94e4d9b284d8ca4c12eb3bffa79fb4b21ee253075f14133",
            node_labels="c0161d0d4cb0fdee5d71efb654aea6e4ffd6d1dfcddc71b559ff2340ae761d96",
        ),
        _ds(
            "tags-math-sx", 1629, 822059, True,
            nverts="6a66dfd6ec9d30d3b2ebb8fc43854df61a7c2a0b00949b25a5d6af1df2341b3c",
            simplices="789527a9d171d06c36ec592fd4af053eabc004a2f5ece8bf7ec2e4111be18924",
            times="fb28e5f4eaf3ae6d6432dd660cac1e0c85152e5c86f77efc08df05399bbae457",
            node_labels="7d659e122ffb207750aa2b04cf5e9c8adb0ca0d720d82df22bc85ab58f65d85e",
        ),
        _ds(
            "tags-ask-ubuntu", 3029, 271233, True,
            nverts="7bc77dbdbd74367f349355990cbcb3c1900bdf8d7022147c7004f22505ceb02c",
            simplices="459a0cb2188b27f044ce9c9035f2c94304ea031175b17bd8a3f7acc413a687db",
            times="49c9efcd6d9026e845ae57cb536979a9c7ac2d2413705b32e3f99d4a5ed8a3f8",
            node_labels="4ca110fbbd16b25d74829c5516c08537f3a45a62233869f4c878d7ec6de463c4",
        ),
        _ds(
            "threads-ask-ubuntu", 125602, 192947, False,
            nverts="55c72dbde517e34878987fd9e6c64a738e2a370a4ad9c0bc9ccceeedef1acce2",
            simplices="39ecf26b74202eee1984f7b0bb8e1e0a5c84573e15aaed48ff45784f976c315f",
            times="5133946d65141a8a0d0c7c0db70d817cb3a8ec64d3071e7b727da9d630d3034d",
        ),
        _ds(
            "congress-bills", 1718, 260851, True,
            nverts="1eb594cd8ca0a67f80a5c65cb888a397163b6594d9d4d47d73f47f1ef5e81b25",
            simplices="9bf93c8af8e6baac3a0d808e0d62027bd54ab50812b5fe1be079fd9c0c63df5a",
            times="289632e0c9d42c1ae4556bd9268e0cac3484893285d67d6e31ffdd78f3f5a401",
            node_labels="86ef0021b68b56076ae22f6168aed93bbf023d2ffd7179de534c85333f9efc6b",
        ),
        # Not in the offline snapshot: pinned by commit URL, checked by size after parsing.
        _ds("coauth-DBLP", 1924991, 3700067, None),
        _ds("coauth-MAG-Geology", 1256385, 1590335, None),
        _ds("coauth-MAG-History", 1014734, 1812511, None),
        _ds("DAWN", 2558, 2272433, None),
        _ds("congress-committees", 863, 679, None),
        _ds("music-rap-genius", 56832, 224878, None),
        _ds("tags-stack-overflow", 49998, 14458875, None),
        _ds("threads-math-sx", 176445, 719792, False),
        _ds("threads-stack-overflow", 2675955, 11305343, False),
    ]
}


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
def _local_folder(root: Path, name: str) -> Path | None:
    for folder in (root / "scholp" / name, root / name, root):
        if all(_find(folder, name, k) is not None for k in _KINDS):
            return folder
    return None


def load_benson(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    opener=urllib.request.urlopen,
) -> TemporalSimplicialComplex:
    """Load dataset ``name`` of :data:`BENSON_DATASETS`.

    Looks under ``root`` (``root/scholp/NAME/``, ``root/NAME/`` or ``root/``); the offline folder
    is used as is and, where its digest is pinned, verified.  Otherwise (and ``download``) the
    ``.txt.gz`` files are downloaded from ScHoLP-Data at commit :data:`SCHOLP_DATA_COMMIT` into
    a writable cache, each checked against its sha256 before it is kept; files without a known
    digest are checked after parsing against the dataset's node and simplex counts.
    """
    if name not in BENSON_DATASETS:
        raise KeyError(f"unknown Benson dataset {name!r}; valid: {', '.join(sorted(BENSON_DATASETS))}")
    ds = BENSON_DATASETS[name]
    root = resolve_root(root)
    folder = _local_folder(root, name)
    if folder is None:
        cached = cache_dir(root, "scholp", name, create=False)  # created by the download only
        if all(_find(cached, name, k) is not None for k in _KINDS):
            folder = cached
        elif not download:
            raise DatasetNotFoundError(
                f"{name}: files not found under {root} (tried {root / 'scholp' / name}, {root / name}, "
                f"{root}) and download=False"
            )
        else:
            _download(ds, cached, opener)
            folder = cached
    for kind in ds.kinds():
        p = _find(folder, name, kind)
        if p is not None and p.suffix == ".gz" and kind in ds.sha256:
            verify_sha256(p, ds.sha256[kind])
    tsc = read_benson(folder, name)
    if not ds.sha256:
        distinct = int(np.unique(tsc.nodes).size)
        if (distinct, tsc.num_simplices) != (ds.num_nodes, ds.num_simplices):
            raise BensonFormatError(
                f"{folder}: {name} has {distinct} nodes / {tsc.num_simplices} simplices, expected "
                f"{ds.num_nodes} / {ds.num_simplices} (pinned upstream content)"
            )
    return tsc


def _download(ds: BensonDataset, folder: Path, opener) -> None:
    import urllib.error

    for kind in ds.kinds():
        dest = folder / f"{ds.name}-{kind}.txt.gz"
        if dest.exists():
            continue
        try:
            # sha256=None only for files outside the offline snapshot: the URL is pinned to a
            # commit and load_benson checks the parsed node and simplex counts.
            download_url(ds.url(kind), dest, ds.sha256.get(kind), opener=opener)
        except urllib.error.HTTPError as e:
            if kind == "node-labels" and ds.node_labels is None and e.code == 404:
                continue
            raise
