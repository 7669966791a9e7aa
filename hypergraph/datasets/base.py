"""Base class of the hypergraph dataset loaders (PyG ``InMemoryDataset`` protocol).

A loader looks for its raw files under ``root`` in the folders of :meth:`raw_candidates` (the
format's subfolder, ``root/<name>`` and ``root`` itself, so a read-only offline copy such as
``../shared/datasets`` and a user's own folder both work as is).  The root is never written into:
downloads go to :meth:`download_dir` and processed files to
``<cache>/processed/[<subfolder>/]<name>-v<version>``, both under ``$HYPERGRAPH_CACHE`` (see
:mod:`hypergraph.datasets.download`).  ``force_reload=True`` reprocesses.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from torch_geometric.data import InMemoryDataset

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.utils import atomic_write
from hypergraph.datasets.download import DownloadError, cache_dir, not_found, resolve_root


class HypergraphDataset(InMemoryDataset):
    """Subclasses set :attr:`name`, :attr:`raw_file_names`, :meth:`raw_candidates`,
    :meth:`download` (into :attr:`raw_dir`, which then is :meth:`download_dir`) and
    :meth:`process` (which builds :class:`Hypergraph` objects and calls
    ``self.save(data_list, self.processed_paths[0])``)."""

    name: str = ""
    version: str = "1"  # bump to invalidate processed caches when processing changes
    subfolder: str = ""  # the format's folder under a data root (e.g. "hypergcn")

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
        super().__init__(str(self.data_root), transform, pre_transform, force_reload=force_reload, log=False)
        self.load(self.processed_paths[0], data_cls=Hypergraph)

    # -- layout ----------------------------------------------------------------------------
    def raw_candidates(self) -> list[Path]:
        """Folders under the root that may hold the raw files, most specific first."""
        r = self.data_root
        return [r / self.subfolder, r / self.name, r] if self.subfolder else [r / self.name, r]

    def download_dir(self) -> Path:
        """Where downloads go (and are found again): the cache, laid out like a data root."""
        return cache_dir(None, *([self.subfolder] if self.subfolder else [self.name]), create=False)

    def _find_raw_dir(self) -> Path:
        for folder in [*self.raw_candidates(), self.download_dir()]:
            if all((folder / f).is_file() for f in self._raw_names()):
                return folder
        return self.download_dir()

    def _raw_names(self) -> list[str]:
        names = self.raw_file_names
        return [names] if isinstance(names, str) else list(names)

    @property
    def raw_dir(self) -> str:
        return str(self._raw_dir)

    @property
    def processed_dir(self) -> str:
        parts = [self.subfolder] if self.subfolder else []
        return str(cache_dir(None, "processed", *parts, f"{self.name}-v{self.version}", create=False))

    @property
    def processed_file_names(self) -> list[str]:
        return ["data.pt"]

    def _download(self) -> None:
        missing = [f for f in self._raw_names() if not (self._raw_dir / f).is_file()]
        if not missing:
            return
        looked = [p / f for p in self.raw_candidates() for f in missing]
        if not self.allow_download:
            raise not_found(f"dataset {self.name!r}", self.data_root, looked, "download=False")
        created = not self._raw_dir.exists()
        self._raw_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.download()
        except DownloadError as err:
            raise not_found(f"dataset {self.name!r}", self.data_root, looked, err) from None
        finally:
            if created and not any(self._raw_dir.iterdir()):
                self._raw_dir.rmdir()  # a failed download leaves no empty folder behind

    @classmethod
    def save(cls, data_list: list, path: str) -> None:
        """Collate ``data_list`` and write it atomically (no partial file on interruption)."""
        import torch

        data, slices = cls.collate(data_list)
        with atomic_write(path) as f:
            torch.save((data.to_dict(), slices, data.__class__), f)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.name!r}, {len(self)})"
