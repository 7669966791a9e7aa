"""Base class of the hypergraph dataset loaders (PyG ``InMemoryDataset`` protocol).

A loader looks for its raw files under ``root`` (several layouts are accepted, so a read-only
offline copy such as ``../shared/datasets`` works as is), downloads them from pinned URLs with
sha256 checks when they are missing, and writes its processed form into a *writable* cache
(``<root>/processed/<name>`` or ``~/.cache/hypergraph/processed/<name>`` when the root is
read-only).  ``force_reload=True`` reprocesses.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from torch_geometric.data import InMemoryDataset

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.utils import atomic_write
from hypergraph.datasets.download import DatasetNotFoundError, cache_dir, resolve_root


class HypergraphDataset(InMemoryDataset):
    """Subclasses set :attr:`name`, :attr:`raw_file_names`, :meth:`raw_candidates`,
    :meth:`download` and :meth:`process` (which builds :class:`Hypergraph` objects and calls
    ``self.save(data_list, self.processed_paths[0])``)."""

    name: str = ""
    version: str = "1"  # bump to invalidate processed caches when processing changes

    def __init__(
        self,
        root: str | os.PathLike | None = None,
        transform: Callable | None = None,
        pre_transform: Callable | None = None,
        force_reload: bool = False,
        download: bool = True,
    ) -> None:
        self.data_root = resolve_root(root)
        self.allow_download = download
        self._raw_dir = self._find_raw_dir()
        super().__init__(
            str(self.data_root), transform, pre_transform, force_reload=force_reload, log=False
        )
        self.load(self.processed_paths[0], data_cls=Hypergraph)

    # -- layout ----------------------------------------------------------------------------
    def raw_candidates(self) -> list[Path]:
        """Folders that may hold the raw files, most specific first."""
        return [self.data_root / self.name, self.data_root]

    def _find_raw_dir(self) -> Path:
        for folder in self.raw_candidates():
            if all((folder / f).exists() for f in self._raw_names()):
                return folder
        return cache_dir(self.data_root, "raw", self.name)

    def _raw_names(self) -> list[str]:
        names = self.raw_file_names
        return [names] if isinstance(names, str) else list(names)

    @property
    def raw_dir(self) -> str:
        return str(self._raw_dir)

    @property
    def processed_dir(self) -> str:
        return str(cache_dir(self.data_root, "processed", f"{self.name}-v{self.version}"))

    @property
    def processed_file_names(self) -> list[str]:
        return ["data.pt"]

    def _download(self) -> None:
        missing = [f for f in self._raw_names() if not (self._raw_dir / f).exists()]
        if not missing:
            return
        if not self.allow_download:
            raise DatasetNotFoundError(
                f"{self.name}: raw files {missing} not found under any of "
                f"{[str(p) for p in self.raw_candidates()]} and download=False"
            )
        self._raw_dir.mkdir(parents=True, exist_ok=True)
        self.download()

    @classmethod
    def save(cls, data_list: list, path: str) -> None:
        """Collate ``data_list`` and write it atomically (no partial file on interruption)."""
        import torch

        data, slices = cls.collate(data_list)
        with atomic_write(path) as f:
            torch.save((data.to_dict(), slices, data.__class__), f)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.name!r}, {len(self)})"
