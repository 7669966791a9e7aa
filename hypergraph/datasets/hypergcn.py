"""HyperGCN's cocitation and coauthorship node-classification hypergraphs.

Yadati et al., *HyperGCN*, NeurIPS 2019; the benchmark sets of HGNN, AllSet, ED-HNN and
LightHGNN.  The processed form is one ``<name>.npz`` per dataset (layout in
``datasets/README.md``); a root holding those files (e.g. ``../shared/datasets``) works offline,
and any ``<name>.npz`` in that layout loads under its own name (unverified, said once).
Otherwise the upstream pickles of a pinned set are downloaded from the repository pinned at a commit, read
through a restricted unpickler, converted to the ``.npz`` layout and checked against a pinned
sha256 of the structure (incidence, labels and splits).

STATS:

=====================  ======  ===========  ========  ========  =======
name                   nodes   hyperedges   features  classes   splits
=====================  ======  ===========  ========  ========  =======
cocitation-cora        2,708   1,579        1,433     7         10
cocitation-citeseer    3,312   1,079        3,703     6         10
cocitation-pubmed      19,717  7,963        500       3         10
coauthorship-cora      2,708   1,072        1,433     7         10
coauthorship-dblp      41,302  22,363       1,425     6         10
=====================  ======  ===========  ========  ========  =======
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.utils import atomic_write
from hypergraph.datasets.base import HypergraphDataset
from hypergraph.datasets.download import (
    ChecksumError,
    download_url,
    not_found,
    resolve_root,
    sha256_file,
    warn_unverified,
)
from hypergraph.datasets.safe_pickle import restricted_load

COMMIT = "de049387d8d8c9fe6ebab83cb4b49cacfd4ed534"
BASE_URL = f"https://raw.githubusercontent.com/malllabiisc/HyperGCN/{COMMIT}/data"

# upstream folder, and sha256 of the structure digest (see structure_digest); None where no
# verified copy was available to pin against (the download then says it is unverified).
SOURCES: dict[str, tuple[str, str | None]] = {
    "cocitation-cora": (
        "cocitation/cora",
        "3d9e407485f44733c71a38e1faa3abaac3942f1f09bc32c26cef1278ebd808ce",
    ),
    "cocitation-citeseer": ("cocitation/citeseer", None),
    "cocitation-pubmed": (
        "cocitation/pubmed",
        "811bb136d2db9e5a75d9818794406762aab771f726ba7f5713765406b851fbc7",
    ),
    "coauthorship-cora": (
        "coauthorship/cora",
        "1ad9e7fa9d36cb43f5eb7ffa902bb231720b9b87a211e55be78cbff35010f3c5",
    ),
    "coauthorship-dblp": (
        "coauthorship/dblp",
        "4496f6d1bc14c0dc37c33ddbfc6ea6fe3462331624c0354387b36ba50db464f8",
    ),
}

REQUIRED_KEYS = (
    "hyperedge_index",
    "y",
    "num_nodes",
    "num_hyperedges",
    "num_classes",
    "has_x",
    "split_train",
    "split_test",
)
#: arrays a user's own ``.npz`` must hold (the rest is inferred or optional, see :func:`read_npz`)
USER_REQUIRED_KEYS = ("hyperedge_index",)
_CSR_KEYS = ("x_data", "x_indices", "x_indptr", "x_shape")
#: every array the layout knows; any other name is refused (a misspelt ``hyperedge_weights`` would
#: otherwise be dropped without a word)
KNOWN_KEYS = (*REQUIRED_KEYS, "x", *_CSR_KEYS, "hyperedge_weight", "hyperedge_key", "hyperedge_name")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def structure_digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over the incidence, labels and fixed splits (independent of the npz container)."""
    h = hashlib.sha256()
    for k in ("hyperedge_index", "y", "split_train", "split_test"):
        a = np.ascontiguousarray(arrays[k]).astype("<i8")
        h.update(k.encode())
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def read_npz(path: str | os.PathLike, required: tuple[str, ...] = REQUIRED_KEYS) -> dict[str, np.ndarray]:
    """Read and check a ``.npz`` in HyperGCN's layout (no pickles); clear errors for bad files.

    ``required`` lists the arrays that must be present: all of :data:`REQUIRED_KEYS` for the
    pinned sets, only ``hyperedge_index`` (:data:`USER_REQUIRED_KEYS`) for a user's own file, whose
    ``y``, ``num_*``, ``has_x``, features (``x`` dense or the ``x_*`` CSR arrays), ``hyperedge_weight``
    (``[num_hyperedges]``) and fixed splits are optional.  An array not in :data:`KNOWN_KEYS` is an
    error.
    """
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(8)
    if head[:4] not in _ZIP_MAGIC:
        what = "a .npy array file" if head.startswith(b"\x93NUMPY") else f"a file starting with {head!r}"
        raise ValueError(f"{path} is not an .npz file (a zip archive written by numpy.savez): it is {what}")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except ValueError as err:
        if "allow_pickle" in str(err):
            raise ValueError(
                f"{path} holds object (pickled) arrays, which are never loaded; store numeric arrays only"
            ) from None
        raise ValueError(f"{path} is not a readable .npz file (corrupt or truncated?): {err}") from None
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ValueError(f"{path} is not a readable .npz file (corrupt or truncated?): {err}") from None
    missing = [k for k in required if k not in arrays]
    if missing:
        raise ValueError(f"{path} lacks the arrays {missing}")
    unknown = sorted(set(arrays) - set(KNOWN_KEYS))
    if unknown:
        raise ValueError(
            f"{path} holds arrays this layout does not know: {unknown}; known arrays: {', '.join(KNOWN_KEYS)}"
        )
    hi = arrays["hyperedge_index"]
    if hi.ndim != 2 or hi.shape[0] != 2:
        raise ValueError(f"{path}: hyperedge_index has shape {hi.shape}, expected (2, nnz)")
    if not np.issubdtype(hi.dtype, np.integer):
        raise ValueError(f"{path}: hyperedge_index has dtype {hi.dtype}, expected integers")
    has_x = bool(arrays["has_x"]) if "has_x" in arrays else any(k in arrays for k in _CSR_KEYS)
    if has_x and "x" not in arrays and not all(k in arrays for k in _CSR_KEYS):
        raise ValueError(f"{path}: has_x is set but the CSR feature arrays {list(_CSR_KEYS)} are missing")
    return arrays


def convert_pickles(folder: Path) -> dict[str, np.ndarray]:
    """Convert upstream ``hypergraph/features/labels.pickle`` and ``splits/{1..10}.pickle``
    (read with the restricted unpickler) to the ``.npz`` arrays."""
    hypergraph = restricted_load((folder / "hypergraph.pickle").read_bytes())
    labels = restricted_load((folder / "labels.pickle").read_bytes())
    features = restricted_load((folder / "features.pickle").read_bytes())
    if not isinstance(hypergraph, dict):
        raise ValueError("hypergraph.pickle must hold a dict of hyperedges")
    y = np.asarray(labels)
    if y.ndim == 2:
        y = y.argmax(1)
    y = y.astype(np.int64)
    N = y.shape[0]
    members = [np.unique(np.fromiter(map(int, m), dtype=np.int64)) for m in hypergraph.values()]
    sizes = np.array([m.size for m in members], dtype=np.int64)
    nodes = np.concatenate(members) if members else np.zeros(0, np.int64)
    edges = np.repeat(np.arange(len(members)), sizes)
    X = sp.csr_matrix(features, dtype=np.float32)
    splits = [restricted_load((folder / "splits" / f"{i}.pickle").read_bytes()) for i in range(1, 11)]
    out = {
        "hyperedge_index": np.stack([nodes, edges]).astype(np.int64),
        "y": y,
        "num_nodes": np.int64(N),
        "num_hyperedges": np.int64(len(members)),
        "num_classes": np.int64(y.max() + 1),
        "x_data": X.data.astype(np.float32),
        "x_indices": X.indices.astype(np.int64),
        "x_indptr": X.indptr.astype(np.int64),
        "x_shape": np.array(X.shape, dtype=np.int64),
        "has_x": np.bool_(True),
        "split_train": np.stack([np.asarray(s["train"], dtype=np.int64) for s in splits]),
        "split_test": np.stack([np.asarray(s["test"], dtype=np.int64) for s in splits]),
    }
    keys = list(hypergraph.keys())
    if all(isinstance(k, int | np.integer) for k in keys):
        out["hyperedge_key"] = np.asarray(keys, dtype=np.int64)
    else:
        out["hyperedge_name"] = np.asarray([str(k) for k in keys])
    return out


def to_hypergraph(arrays: dict[str, np.ndarray], source: str = "<arrays>") -> Hypergraph:
    """The :class:`Hypergraph` of :func:`read_npz`'s arrays; missing counts are inferred (``num_nodes``
    from ``y``, the features or the largest id; ``num_classes`` from ``y``)."""
    hi = arrays["hyperedge_index"].astype(np.int64)
    y = arrays["y"].astype(np.int64) if "y" in arrays else None
    x = None
    if "x" in arrays:
        x = torch.from_numpy(np.asarray(arrays["x"], dtype=np.float32))
    elif all(k in arrays for k in _CSR_KEYS) and bool(arrays.get("has_x", True)):
        X = sp.csr_matrix(
            (arrays["x_data"], arrays["x_indices"], arrays["x_indptr"]),
            shape=tuple(int(s) for s in arrays["x_shape"]),
        )
        x = torch.from_numpy(X.toarray().astype(np.float32))
    if "num_nodes" in arrays:
        N = int(arrays["num_nodes"])
    elif y is not None:
        N = int(y.shape[0])
    elif x is not None:
        N = int(x.shape[0])
    else:
        N = int(hi[0].max()) + 1 if hi.size else 0
    M = (
        int(arrays["num_hyperedges"])
        if "num_hyperedges" in arrays
        else (int(hi[1].max()) + 1 if hi.size else 0)
    )
    extra = {}
    if y is not None:
        if y.shape != (N,):
            raise ValueError(f"{source}: y has shape {y.shape}, expected ({N},) (one label per node)")
        extra["y"] = torch.from_numpy(y)
        extra["num_classes"] = int(arrays["num_classes"]) if "num_classes" in arrays else int(y.max()) + 1
    for k in ("split_train", "split_test"):
        if k in arrays:
            extra[k] = torch.from_numpy(np.atleast_2d(arrays[k]).astype(np.int64))
    if "hyperedge_weight" in arrays:
        w = np.asarray(arrays["hyperedge_weight"])
        if w.shape != (M,) or not np.issubdtype(w.dtype, np.number):
            raise ValueError(
                f"{source}: hyperedge_weight has shape {w.shape} and dtype {w.dtype}, expected ({M},) numbers"
                " (one weight per hyperedge)"
            )
        extra["hyperedge_weight"] = torch.from_numpy(w.astype(np.float32))
    try:
        return Hypergraph(x=x, hyperedge_index=torch.from_numpy(hi), num_nodes=N, num_hyperedges=M, **extra)
    except ValueError as err:
        raise ValueError(f"{source}: {err}") from None


class HyperGCNDataset(HypergraphDataset):
    """A hypergraph in HyperGCN's ``.npz`` layout: one of HyperGCN's sets (``name`` in
    :data:`SOURCES`, verified against its pinned structure digest) or a user's own
    ``<name>.npz`` (loaded unverified, with one :class:`UnverifiedDatasetWarning`).

    The single :class:`~hypergraph.data.Hypergraph` has ``x`` (``None`` when the offline copy
    has no features), ``y``, ``num_classes`` and the fixed splits ``split_train`` /
    ``split_test`` (``[10, n]`` each; optional in a user's file).

    Args:
        name: e.g. ``"cocitation-cora"``.
        root: data root holding ``<name>.npz`` under ``hypergcn/``, directly, or under ``<name>/``
            (default ``$HYPERGRAPH_DATA`` or ``./datasets``).
        force_reload: reprocess even if a processed cache exists.
        download: allow downloading the upstream pickles of a pinned set when no ``.npz`` is found
            (into ``$HYPERGRAPH_CACHE/hypergcn/``).
    """

    subfolder = "hypergcn"

    def __init__(
        self,
        name: str = "cocitation-cora",
        root: str | os.PathLike | None = None,
        transform: Callable | None = None,
        pre_transform: Callable | None = None,
        force_reload: bool = False,
        download: bool = True,
        opener: Callable | None = None,
    ) -> None:
        self.name = name
        self._opener = opener
        self._raw_tag: str | None = None
        super().__init__(root, transform, pre_transform, force_reload, download)

    @property
    def raw_file_names(self) -> list[str]:
        return [f"{self.name}.npz"]

    def _find_raw_dir(self) -> Path:
        folder = super()._find_raw_dir()
        raw = folder / f"{self.name}.npz"
        if raw.is_file():
            digest = SOURCES.get(self.name, (None, None))[1]
            if self.name not in SOURCES:
                warn_unverified("hypergcn", self.name, raw)
            elif digest is None:
                warn_unverified("hypergcn", self.name, raw, "no verified copy was available to pin")
        return folder

    def _download(self) -> None:
        if self.name not in SOURCES and not (self._raw_dir / f"{self.name}.npz").is_file():
            looked = [p / f"{self.name}.npz" for p in self.raw_candidates()]
            raise not_found(
                f"dataset {self.name!r} (hypergcn format)",
                self.data_root,
                looked,
                f"it is not a pinned HyperGCN set ({', '.join(SOURCES)}), so it cannot be downloaded",
                can_download=False,
            )
        super()._download()

    def download(self) -> None:
        folder, digest = SOURCES[self.name]
        kw = {} if self._opener is None else {"opener": self._opener}
        with tempfile.TemporaryDirectory(dir=self.raw_dir) as tmp:
            tmp_path = Path(tmp)
            files = ["hypergraph.pickle", "features.pickle", "labels.pickle"]
            files += [f"splits/{i}.pickle" for i in range(1, 11)]
            for f in files:  # upstream pins by commit; content is verified after conversion
                download_url(f"{BASE_URL}/{folder}/{f}", tmp_path / f, sha256=None, **kw)
            arrays = convert_pickles(tmp_path)
        got = structure_digest(arrays)
        if digest is not None and got != digest:
            raise ChecksumError(f"{self.name}: downloaded data has structure sha256 {got}, expected {digest}")
        if digest is None:
            warn_unverified("hypergcn", self.name, BASE_URL, "no verified copy was available to pin")
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        with atomic_write(Path(self.raw_dir) / f"{self.name}.npz") as f:
            f.write(buf.getvalue())

    def process(self) -> None:
        path = self.raw_paths[0]
        pinned = self.name in SOURCES
        arrays = read_npz(path, REQUIRED_KEYS if pinned else USER_REQUIRED_KEYS)
        digest = SOURCES.get(self.name, (None, None))[1]
        if digest is not None:
            got = structure_digest(arrays)
            if got != digest:
                raise ChecksumError(
                    f"{path}: structure sha256 {got} differs from the pinned {digest} of {self.name!r} "
                    "(an edited copy? load it under another name to use it unverified)"
                )
        data = to_hypergraph(arrays, source=str(path))
        if self.pre_transform is not None:
            data = self.pre_transform(data)
        self.save([data], self.processed_paths[0])

    @property
    def processed_file_names(self) -> list[str]:
        raw = Path(self.raw_dir) / f"{self.name}.npz"
        if self._raw_tag is None and raw.exists():
            self._raw_tag = sha256_file(raw)[:16]  # processed caches follow the raw file's content
        return [f"data-{self._raw_tag or 'pending'}.pt"]


def load_hypergcn(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    force_reload: bool = False,
) -> Hypergraph:
    """The :class:`Hypergraph` of :class:`HyperGCNDataset` ``name`` (pinned or a user's ``.npz``)."""
    return HyperGCNDataset(name, root=root, force_reload=force_reload, download=download)[0]


def hypergcn_candidates(root: Path, name: str) -> list[Path]:
    """Where ``<name>.npz`` may lie under ``root``, most specific first."""
    return [root / "hypergcn" / f"{name}.npz", root / name / f"{name}.npz", root / f"{name}.npz"]


def find_hypergcn(root: str | os.PathLike | None, name: str) -> Path | None:
    """The ``<name>.npz`` under ``root`` in any accepted place, or ``None``."""
    return next((p for p in hypergcn_candidates(resolve_root(root), name) if p.is_file()), None)
