"""TU graph-classification datasets (Morris et al., 2020) through PyG's :class:`TUDataset`.

Several raw layouts are accepted for any dataset name, without ever writing into the data folder:

* the flat offline copy: ``<root>/tu/<NAME>/<NAME>_A.txt`` (also ``<root>/<NAME>/<NAME>_A.txt`` and
  ``<root>/<NAME>_A.txt``);
* PyG's: ``<root>/<NAME>/raw/<NAME>_A.txt`` (also ``<root>/tu/<NAME>/raw/...``).

Processed files go to ``$HYPERGRAPH_CACHE/processed/tu/<NAME>/``, in a folder keyed by the raw
folder's path and its files' sizes and modification times, so that two raw copies (or an edited
one) never share a processed file.  When no raw copy exists the zip is downloaded from the TU
server with :func:`~hypergraph.datasets.download.download_url` and extracted into
``$HYPERGRAPH_CACHE/tu/<NAME>/raw/``.  The TU server publishes no checksums and no zip is available
offline, so the text files of MUTAG, PROTEINS and IMDB-BINARY are pinned by the sha256 of the
byte-identical offline copies (``/work/shared/datasets/SHA256SUMS``) and verified on every load,
local or downloaded; other names load (or are extracted) unverified, which is said once.

Before PyG parses the raw files they are checked (numeric lines, node ids in range, one graph label
per graph) so that a malformed file fails with its name and line number.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch_geometric.data import Data
from torch_geometric.datasets import TUDataset
from torch_geometric.transforms import BaseTransform, OneHotDegree
from torch_geometric.utils import degree

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

TU_URL = "https://www.chrsmrrs.com/graphkerneldatasets/{name}.zip"

#: sha256 of the extracted raw files (byte-identical to the offline copies, see the module doc).
TU_SHA256: dict[str, dict[str, str]] = {
    "MUTAG": {
        "MUTAG_A.txt": "d9656ca7493f3445d737c711710bb36fd432dddd1c0ea32e1d4713c86ebd28e2",
        "MUTAG_edge_labels.txt": "4669ce755075ff86c3240709345745886400908fa637a49310459b9c267b3e56",
        "MUTAG_graph_indicator.txt": "7d520a4d6c7961c0cdeabe076d8fe27e795b6d373485c9a2b744987e560a2056",
        "MUTAG_graph_labels.txt": "a1518ea39ba3426bd42f57396b9c4baffe68e9adc718caeeab0119c6591a5f2c",
        "MUTAG_node_labels.txt": "678f429965490e84dd27713017538c995fc05d1621beac910848b600015ee863",
    },
    "PROTEINS": {
        "PROTEINS_A.txt": "4c4b33e272fc95cac6d27ed6d5d12b9a852c8610e91fff59f8f0dbdd5a20df67",
        "PROTEINS_graph_indicator.txt": "8d4ff1e852a5c28561e9bffb44cf9490bc552b13a3b6156dd12dc7f44e9afc4a",
        "PROTEINS_graph_labels.txt": "c0ef9810c440775252872318d0c8adc385588e14bc4c47a2c34aa96ee3c7cdcd",
        "PROTEINS_node_attributes.txt": "54eef829abb37e458a5fbf3a3c581e48e5810e220463c2cd951856b9ceb08f07",
        "PROTEINS_node_labels.txt": "f758e8ad3d6e3c026b50833d75f6f90735b94eb3345e4243707f495ca8afea8d",
    },
    "IMDB-BINARY": {
        "IMDB-BINARY_A.txt": "23c8964bab82f81469271186d721131714a265d0ca8c44ae048118da1d0c4092",
        "IMDB-BINARY_graph_indicator.txt": "415cc3ba25b8c647dcf34d3de034f675ee070616f3b803be939cb26773489f26",
        "IMDB-BINARY_graph_labels.txt": "63a44411fd6342b9c4429828c16e144a2a11ef5244e25bb60f0ffa8b3ee2ffce",
    },
}


#: TU names registered in ``DATASETS``: the sets of the HyperDrop / EHGNN papers (and NCI1); any
#: other TU name loads through :func:`load_tu` too.  Only those in :data:`TU_SHA256` are pinned.
TU_DATASETS = ("MUTAG", "PROTEINS", "IMDB-BINARY", "IMDB-MULTI", "NCI1", "DD", "COLLAB")


class TUFormatError(ValueError):
    """A raw TU text file is malformed (the message names the file and line)."""


def tu_candidates(root: Path, name: str) -> list[Path]:
    """Folders under ``root`` that may hold ``<name>_A.txt``, most specific first."""
    return [root / "tu" / name, root / "tu" / name / "raw", root / name, root / name / "raw", root]


def find_tu_raw(root: str | os.PathLike | None, name: str) -> Path | None:
    """The folder holding ``<name>_A.txt`` under ``root`` in any accepted layout, or ``None``."""
    for folder in tu_candidates(resolve_root(root), name):
        if (folder / f"{name}_A.txt").is_file():
            return folder
    return None


def verify_tu_raw(folder: Path, name: str) -> None:
    """Check the raw files of a pinned dataset against :data:`TU_SHA256` (every pinned file must be
    there and match; raises :class:`ChecksumError`)."""
    for fname, digest in TU_SHA256[name].items():
        path = folder / fname
        got = sha256_file(path) if path.is_file() else "missing"
        if got != digest:
            raise ChecksumError(
                f"checksum mismatch for {path}: expected sha256 {digest}, got {got} (the pinned {name} "
                "files; an edited or partial copy? load it under another name, or verify=False)"
            )


def _read_numeric(path: Path, dtype: type = float) -> np.ndarray:
    """Read a comma-separated numeric text file; a bad line raises :class:`TUFormatError`."""
    lines = path.read_text().splitlines()
    try:
        arr = np.loadtxt(lines, delimiter=",", dtype=dtype, ndmin=2) if lines else np.zeros((0, 1))
    except ValueError:
        width = None
        for i, line in enumerate(lines, 1):
            parts = line.split(",")
            try:
                [dtype(p) if dtype is float else int(p.strip()) for p in parts]
            except ValueError:
                raise TUFormatError(f"{path}:{i}: not a comma-separated number line: {line!r}") from None
            if width is None:
                width = len(parts)
            elif len(parts) != width:
                raise TUFormatError(
                    f"{path}:{i}: expected {width} comma-separated values, got {len(parts)}"
                ) from None
        raise
    return arr


def check_tu_raw(folder: Path, name: str) -> None:
    """Validate the raw files of ``name`` in ``folder`` (raises :class:`TUFormatError`)."""
    a_path = folder / f"{name}_A.txt"
    gi_path = folder / f"{name}_graph_indicator.txt"
    if not gi_path.is_file():
        raise TUFormatError(f"{gi_path}: missing (every TU dataset has a graph indicator file)")
    A = _read_numeric(a_path, int)
    gi = _read_numeric(gi_path, int)
    if A.shape[1] != 2:
        raise TUFormatError(f"{a_path}:1: expected 'row, col' pairs, got {A.shape[1]} values per line")
    if gi.shape[1] != 1:
        raise TUFormatError(f"{gi_path}:1: expected one graph id per line, got {gi.shape[1]}")
    n = gi.shape[0]
    bad = np.nonzero((A < 1) | (A > n))[0]
    if bad.size:
        i = int(bad[0])
        raise TUFormatError(f"{a_path}:{i + 1}: node id {A[i].tolist()} outside [1, {n}] (1-based)")
    g = gi[:, 0]
    if n and (g.min() < 1 or np.any(np.diff(g) < 0)):
        i = int(np.nonzero(g < 1)[0][0]) if g.min() < 1 else int(np.nonzero(np.diff(g) < 0)[0][0]) + 1
        raise TUFormatError(f"{gi_path}:{i + 1}: graph ids must be >= 1 and non-decreasing, got {g[i]}")
    num_graphs = int(g.max()) if n else 0
    if n and bool(np.any(g[A[:, 0] - 1] != g[A[:, 1] - 1])):
        i = int(np.nonzero(g[A[:, 0] - 1] != g[A[:, 1] - 1])[0][0])
        raise TUFormatError(f"{a_path}:{i + 1}: edge {A[i].tolist()} joins two different graphs")
    for suffix, per, count in (
        ("graph_labels", "graph", num_graphs),
        ("node_labels", "node", n),
        ("node_attributes", "node", n),
        ("edge_labels", "edge", A.shape[0]),
        ("edge_attributes", "edge", A.shape[0]),
    ):
        p = folder / f"{name}_{suffix}.txt"
        if p.is_file():
            arr = _read_numeric(p, int if "labels" in suffix else float)
            if arr.shape[0] != count:
                raise TUFormatError(f"{p}: {arr.shape[0]} lines but the dataset has {count} {per}s")


def _digest(folder: Path, name: str) -> str:
    """Key of a raw copy: its path and the size and mtime of each of its files."""
    h = hashlib.sha256(str(folder.resolve()).encode())
    for f in sorted(folder.glob(f"{name}_*.txt")):
        st = f.stat()
        h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:10]


class TUGraphDataset(TUDataset):
    """PyG's :class:`~torch_geometric.datasets.TUDataset` reading either raw layout (see the module
    docstring) and writing processed files only to the cache.

    Args:
        root: data root (default :func:`~hypergraph.datasets.download.default_root`).
        name: TU dataset name, e.g. ``"MUTAG"``, ``"PROTEINS"``, ``"IMDB-BINARY"``.
        transform, pre_transform, pre_filter, use_node_attr, use_edge_attr, cleaned,
            force_reload: as in PyG's ``TUDataset``.
        download: fetch the zip when no raw copy is found (else :class:`DatasetNotFoundError`).
        verify: check a pinned dataset's files against :data:`TU_SHA256` (other names are
            always unverified, which is said once).
        opener: URL opener (tests pass a fake one).
    """

    def __init__(
        self,
        root: str | os.PathLike | None,
        name: str,
        transform: Callable | None = None,
        pre_transform: Callable | None = None,
        pre_filter: Callable | None = None,
        use_node_attr: bool = False,
        use_edge_attr: bool = False,
        cleaned: bool = False,
        force_reload: bool = False,
        download: bool = True,
        verify: bool = True,
        opener: Callable = urllib.request.urlopen,
    ) -> None:
        self.data_root = resolve_root(root)
        self._opener = opener
        self._allow_download = download
        self._verify = verify
        found = find_tu_raw(self.data_root, name)
        cached = cache_dir(None, "tu", name, "raw", create=False)
        if found is None and (cached / f"{name}_A.txt").is_file():
            found = cached
        looked = [p / f"{name}_A.txt" for p in tu_candidates(self.data_root, name)]
        if found is None and cleaned:
            raise not_found(
                f"cleaned TU dataset {name!r}", self.data_root, looked, "cleaned sets are never downloaded"
            )
        if found is None and not download:
            raise not_found(f"TU dataset {name!r}", self.data_root, looked, "download=False")
        self._raw = found if found is not None else cached
        if found is not None:
            self._check_pins(found, name)
        self._looked = looked
        tag = "processed" + ("_cleaned" if cleaned else "")
        key = _digest(self._raw, name) if found is not None else "download"
        self._processed = cache_dir(None, "processed", "tu", name, f"{tag}_{key}", create=False)
        super().__init__(
            str(self.data_root),
            name,
            transform=transform,
            pre_transform=pre_transform,
            pre_filter=pre_filter,
            force_reload=force_reload,
            use_node_attr=use_node_attr,
            use_edge_attr=use_edge_attr,
            cleaned=cleaned,
        )

    def _check_pins(self, folder: Path, name: str) -> None:
        if name in TU_SHA256 and self._verify:
            verify_tu_raw(folder, name)
        else:
            warn_unverified("tu", name, folder, "verify=False" if name in TU_SHA256 else "")

    @property
    def raw_dir(self) -> str:
        return str(self._raw)

    @property
    def processed_dir(self) -> str:
        return str(self._processed)

    def download(self) -> None:
        if not self._allow_download:
            raise not_found(f"TU dataset {self.name!r}", self.data_root, self._looked, "download=False")
        raw = Path(self.raw_dir)
        zpath = raw / f"{self.name}.zip"
        try:
            download_url(TU_URL.format(name=self.name), zpath, sha256=None, opener=self._opener)
        except DownloadError as err:
            raise not_found(f"TU dataset {self.name!r}", self.data_root, self._looked, err) from None
        tmp = raw / f".extract-{self.name}"
        try:
            with zipfile.ZipFile(zpath) as zf:
                members = []
                for info in zf.infolist():
                    p = Path(info.filename)
                    if p.is_absolute() or ".." in p.parts:
                        raise ValueError(f"{zpath}: unsafe member path {info.filename!r}")
                    if not info.is_dir() and p.name.startswith(f"{self.name}_") and p.suffix == ".txt":
                        members.append(info)
                if not members:
                    raise DatasetNotFoundError(f"{zpath}: no {self.name}_*.txt files in the archive")
                for info in members:
                    dest = tmp / Path(info.filename).name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, open(dest, "wb") as out:
                        shutil.copyfileobj(src, out)
            for fname, digest in TU_SHA256.get(self.name, {}).items():
                got = sha256_file(tmp / fname) if (tmp / fname).exists() else "missing"
                if got != digest:
                    raise ChecksumError(
                        f"{fname} from {TU_URL.format(name=self.name)}: expected sha256 {digest}, got {got}"
                    )
            if self.name not in TU_SHA256:
                warn_unverified(
                    "tu", self.name, TU_URL.format(name=self.name), "the TU server publishes no checksums"
                )
            for f in tmp.iterdir():
                os.replace(f, raw / f.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            zpath.unlink(missing_ok=True)

    def process(self) -> None:
        check_tu_raw(Path(self.raw_dir), self.name)
        super().process()


class NormalizedDegree(BaseTransform):
    """Node feature = standardised degree (for TU graphs without features and max degree >= 1000)."""

    def __init__(self, mean: float, std: float) -> None:
        self.mean, self.std = mean, std

    def forward(self, data: Data) -> Data:
        deg = degree(data.edge_index[0], data.num_nodes, dtype=torch.float)
        data.x = ((deg - self.mean) / max(self.std, 1e-12)).view(-1, 1)
        return data


def degree_feature_transform(dataset: TUDataset) -> BaseTransform | None:
    """The authors' input features for TU graphs without node features: one-hot degree when the
    maximum degree is < 1000, else the standardised degree.  ``None`` when features exist."""
    if dataset._data.x is not None and dataset._data.x.size(1) > 0:
        return None
    data = dataset._data
    slices = dataset.slices
    # degree of every node within its own graph: edge_index is stored per graph (local ids), so
    # shift by the node offsets.
    n_per = (slices["x"][1:] - slices["x"][:-1]) if "x" in slices else None
    if n_per is None:
        n_per = torch.tensor([dataset.get(i).num_nodes for i in range(len(dataset))])
    e_per = slices["edge_index"][1:] - slices["edge_index"][:-1]
    node_off = torch.cumsum(n_per, 0) - n_per
    src = data.edge_index[0] + torch.repeat_interleave(node_off, e_per)
    deg = degree(src, int(n_per.sum()), dtype=torch.long)
    max_deg = int(deg.max()) if deg.numel() else 0
    if max_deg < 1000:
        return OneHotDegree(max_deg)
    d = deg.float()
    return NormalizedDegree(float(d.mean()), float(d.std()))


def load_tu(
    name: str,
    root: str | os.PathLike | None = None,
    use_node_attr: bool = False,
    use_edge_attr: bool = True,
    download: bool = True,
    verify: bool = True,
    opener: Callable = urllib.request.urlopen,
) -> TUDataset:
    """A TU dataset ready for graph classification: node features are the dataset's own
    (labels, optionally attributes) or degree features when it has none (see
    :func:`degree_feature_transform`); ``edge_attr`` holds edge labels/attributes when present.

    Any folder in TU's text format loads under its own name (unverified, said once); the pinned
    names of :data:`TU_SHA256` are verified."""
    ds = TUGraphDataset(
        root,
        name,
        use_node_attr=use_node_attr,
        use_edge_attr=use_edge_attr,
        download=download,
        verify=verify,
        opener=opener,
    )
    tf = degree_feature_transform(ds)
    if tf is not None:
        ds.transform = tf
    return ds
