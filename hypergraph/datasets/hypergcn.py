"""HyperGCN's cocitation and coauthorship node-classification hypergraphs.

Yadati et al., *HyperGCN*, NeurIPS 2019; the benchmark sets of HGNN, AllSet, ED-HNN and
LightHGNN.  The processed form is one ``<name>.npz`` per dataset (layout in
``datasets/README.md``); a root holding those files (e.g. ``../shared/datasets``) works offline.
Otherwise the upstream pickles are downloaded from the repository pinned at a commit, read
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

import functools
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
from hypergraph.datasets.download import ChecksumError, download_url, sha256_file
from hypergraph.datasets.safe_pickle import restricted_load
from hypergraph.registry import DATASETS

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

REQUIRED_KEYS = ("hyperedge_index", "y", "num_nodes", "num_hyperedges", "num_classes", "has_x",
                 "split_train", "split_test")


def structure_digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over the incidence, labels and fixed splits (independent of the npz container)."""
    h = hashlib.sha256()
    for k in ("hyperedge_index", "y", "split_train", "split_test"):
        a = np.ascontiguousarray(arrays[k]).astype("<i8")
        h.update(k.encode())
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def read_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read and check a processed ``.npz`` (no pickles); clear errors for corrupt files."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as err:
        raise ValueError(f"{path} is not a readable .npz file (corrupt or truncated?): {err}") from err
    missing = [k for k in REQUIRED_KEYS if k not in arrays]
    if missing:
        raise ValueError(f"{path} lacks the arrays {missing}")
    hi = arrays["hyperedge_index"]
    if hi.ndim != 2 or hi.shape[0] != 2:
        raise ValueError(f"{path}: hyperedge_index has shape {hi.shape}, expected (2, nnz)")
    if bool(arrays["has_x"]) and not all(
        k in arrays for k in ("x_data", "x_indices", "x_indptr", "x_shape")
    ):
        raise ValueError(f"{path}: has_x is set but the CSR feature arrays are missing")
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


def to_hypergraph(arrays: dict[str, np.ndarray]) -> Hypergraph:
    N = int(arrays["num_nodes"])
    x = None
    if bool(arrays["has_x"]):
        X = sp.csr_matrix(
            (arrays["x_data"], arrays["x_indices"], arrays["x_indptr"]),
            shape=tuple(int(s) for s in arrays["x_shape"]),
        )
        x = torch.from_numpy(X.toarray().astype(np.float32))
    return Hypergraph(
        x=x,
        y=torch.from_numpy(arrays["y"].astype(np.int64)),
        hyperedge_index=torch.from_numpy(arrays["hyperedge_index"].astype(np.int64)),
        num_nodes=N,
        num_hyperedges=int(arrays["num_hyperedges"]),
        split_train=torch.from_numpy(arrays["split_train"].astype(np.int64)),
        split_test=torch.from_numpy(arrays["split_test"].astype(np.int64)),
        num_classes=int(arrays["num_classes"]),
    )


class HyperGCNDataset(HypergraphDataset):
    """One of HyperGCN's hypergraphs: ``name`` in :data:`SOURCES`.

    The single :class:`~hypergraph.data.Hypergraph` has ``x`` (``None`` when the offline copy
    has no features), ``y``, ``num_classes`` and the fixed splits ``split_train`` /
    ``split_test`` (``[10, n]`` each).

    Args:
        name: e.g. ``"cocitation-cora"``.
        root: data root holding ``<name>.npz`` directly or under ``hypergcn/``
            (default ``$HYPERGRAPH_DATA`` or ``./datasets``).
        force_reload: reprocess even if a processed cache exists.
        download: allow downloading the upstream pickles when no ``.npz`` is found.
    """

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
        if name not in SOURCES:
            raise KeyError(f"unknown HyperGCN dataset {name!r}; valid: {', '.join(SOURCES)}")
        self.name = name
        self._opener = opener
        super().__init__(root, transform, pre_transform, force_reload, download)

    @property
    def raw_file_names(self) -> list[str]:
        return [f"{self.name}.npz"]

    def raw_candidates(self) -> list[Path]:
        r = self.data_root
        return [r / "hypergcn", r, r / self.name]

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
            raise ChecksumError(
                f"{self.name}: downloaded data has structure sha256 {got}, expected {digest}"
            )
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        with atomic_write(Path(self.raw_dir) / f"{self.name}.npz") as f:
            f.write(buf.getvalue())

    def process(self) -> None:
        arrays = read_npz(self.raw_paths[0])
        data = to_hypergraph(arrays)
        if self.pre_transform is not None:
            data = self.pre_transform(data)
        self.save([data], self.processed_paths[0])


    @property
    def processed_file_names(self) -> list[str]:
        raw = Path(self.raw_dir) / f"{self.name}.npz"
        tag = sha256_file(raw)[:16] if raw.exists() else "pending"
        return [f"data-{tag}.pt"]


for _name in SOURCES:
    DATASETS.register(_name, functools.partial(HyperGCNDataset, _name))
