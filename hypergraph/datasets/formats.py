"""One entry point for every dataset, pinned or a user's own: :func:`load_dataset`.

A *registered* name (``hypergraph.registry.DATASETS``: HyperGCN, Benson, SHyRe, TU, OGB, ...) is
loaded by its registered loader and verified against its pinned sha256.  Any other name is looked
up under ``root`` in every file format of :data:`FORMATS` (or only in ``format=`` when given) and
loaded from the local files, with one :class:`~hypergraph.datasets.download.UnverifiedDatasetWarning`
per (format, name, folder).  Every loader has the calling convention
``loader(root=None, download=True, **options)``; :func:`loader_for` returns it (for checking a
config's keys with :func:`hypergraph.registry.check_kwargs` before loading).

The root is the folder that holds the datasets; each format looks in its own subfolder, in
``root/<name>/`` and in ``root`` itself (see :data:`FORMATS` for the files).
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypergraph.datasets.download import DatasetNotFoundError, resolve_root
from hypergraph.registry import DATASETS, check_kwargs

__all__ = ["FORMATS", "DatasetFormat", "detect_formats", "load_dataset", "loader_for"]


@dataclass(frozen=True)
class DatasetFormat:
    """A file format: where its files lie (``files``: a pattern per folder, for messages), how to
    find them (``find(root, name) -> path or None``) and the loader ``module.function`` called as
    ``function(name, root=..., download=..., **options)`` (imported on first use)."""

    name: str
    subfolder: str
    files: str
    module: str
    function: str
    find: Callable[[Path, str], Path | None]

    def loader(self) -> Callable[..., Any]:
        try:
            mod = importlib.import_module(self.module)
        except ModuleNotFoundError as err:
            if err.name != self.module:
                raise
            raise DatasetNotFoundError(
                f"the {self.name!r} format needs {self.module}, which is not installed"
            ) from None
        return getattr(mod, self.function)

    def pattern(self, name: str) -> str:
        """The files looked for, relative to the format's subfolder (for messages)."""
        return f"{self.subfolder}/{self.files.format(name=name)}"


def _exists(*parts: str) -> Callable[[Path, str], Path | None]:
    """A finder for files ``parts`` (``{name}`` substituted) in the format's standard folders."""

    def find(root: Path, name: str, subfolder: str) -> Path | None:
        for folder in ([root / subfolder] if subfolder else []) + [root / name, root]:
            if all(
                any((folder / (p.format(name=name) + ext)).is_file() for ext in ("", ".gz")) for p in parts
            ):
                return folder
        return None

    return find


def _find_hypergcn(root: Path, name: str) -> Path | None:
    from hypergraph.datasets.hypergcn import find_hypergcn

    return find_hypergcn(root, name)


def _find_benson(root: Path, name: str) -> Path | None:
    from hypergraph.datasets.benson import find_benson

    return find_benson(root, name)


def _find_shyre(root: Path, name: str) -> Path | None:
    from hypergraph.datasets.shyre import find_shyre

    return find_shyre(root, name)


def _find_tu(root: Path, name: str) -> Path | None:
    from hypergraph.datasets.tu import find_tu_raw

    return find_tu_raw(root, name)


def _find_hif(root: Path, name: str) -> Path | None:
    from hypergraph.datasets.hif import find_hif

    return find_hif(root, name)


_plain_finder = _exists("hyperedges-{name}.txt", "node-labels-{name}.txt")
_raw_finder = _exists("hypergraph.pickle", "labels.pickle", "features.pickle")


def _find_benson_labelled(root: Path, name: str) -> Path | None:
    return _plain_finder(root, name, "benson-labelled")


def _find_hypergcn_raw(root: Path, name: str) -> Path | None:
    return _raw_finder(root, name, "hypergcn-raw")


def _find_uci(root: Path, name: str) -> Path | None:
    try:
        from hypergraph.datasets.uci import find_uci
    except ModuleNotFoundError:
        return None
    try:
        return find_uci(name, root)
    except KeyError:  # the UCI loader reads its known tables only (each has its own parser)
        return None


#: every file format :func:`load_dataset` reads, in detection order
FORMATS: dict[str, DatasetFormat] = {
    f.name: f
    for f in [
        DatasetFormat("hypergcn", "hypergcn", "{name}.npz", "hypergraph.datasets.hypergcn", "load_hypergcn",
                      _find_hypergcn),
        DatasetFormat("benson", "scholp", "{name}-{{nverts,simplices,times}}.txt[.gz]",
                      "hypergraph.datasets.benson", "load_benson", _find_benson),
        DatasetFormat("benson-labelled", "benson-labelled", "{{hyperedges,node-labels}}-{name}.txt[.gz]",
                      "hypergraph.datasets.benson_labelled", "load_benson_labelled", _find_benson_labelled),
        DatasetFormat("shyre", "shyre", "{{train,test}}.txt[.gz]", "hypergraph.datasets.shyre", "load_shyre",
                      _find_shyre),
        DatasetFormat("tu", "tu", "{name}_A.txt",
                      "hypergraph.datasets.tu", "load_tu", _find_tu),
        DatasetFormat("hif", "hif", "{name}.hif.json|{name}.json", "hypergraph.datasets.hif", "load_hif",
                      _find_hif),
        DatasetFormat("uci", "uci", "(zoo, mushroom, 20newsW100 only)", "hypergraph.datasets.uci",
                      "load_uci", _find_uci),
        DatasetFormat("hypergcn-raw", "hypergcn-raw", "{{hypergraph,labels,features}}.pickle",
                      "hypergraph.datasets.hypergcn_raw", "load_hypergcn_raw", _find_hypergcn_raw),
    ]
}  # fmt: skip


def detect_formats(name: str, root: str | os.PathLike | None = None) -> list[str]:
    """The formats of :data:`FORMATS` whose files for ``name`` exist under ``root``."""
    r = resolve_root(root)
    return [f.name for f in FORMATS.values() if f.find(r, name) is not None]


def _format(fmt: str) -> DatasetFormat:
    if fmt not in FORMATS:
        raise KeyError(f"unknown dataset format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    return FORMATS[fmt]


def loader_for(
    name: str, root: str | os.PathLike | None = None, format: str | None = None
) -> Callable[..., Any]:
    """The loader ``f(root=None, download=True, **options)`` that :func:`load_dataset` would call.

    A registered name (of ``format``, when given) gives its registered loader; any other name
    the loader of the one format whose files exist under ``root`` (``format`` restricts the search
    to that format).  No files, or files of several formats, raise one-line errors.
    """
    if format is not None:
        _format(format)
    if name in DATASETS:
        entry = DATASETS.get(name)
        if format is None or getattr(entry, "format", None) == format:
            return entry
    r = resolve_root(root)
    candidates = [format] if format is not None else list(FORMATS)
    found = [f for f in candidates if FORMATS[f].find(r, name) is not None]
    if len(found) > 1:
        raise ValueError(
            f"dataset {name!r} under {r} matches several formats ({', '.join(found)}); pass format=... "
            "(dataset.format=... in a config)"
        )
    if not found:
        patterns = ", ".join(FORMATS[f].pattern(name) for f in candidates)
        known = "" if format is not None else " is not a registered dataset and"
        state = "" if r.exists() else f" (the root {r} does not exist)"
        raise DatasetNotFoundError(
            f"dataset {name!r}{known} has no files under {r}{state}: looked in {r}/<format folder>/, "
            f"{r / name}/ and {r}/ for {patterns}. To fix: put the files there, pass root=<the folder "
            f"holding them> (dataset.root=...) or format=<one of {', '.join(FORMATS)}>"
        )
    fmt = FORMATS[found[0]]
    loader = functools.partial(fmt.loader(), name)
    loader.format = fmt.name  # type: ignore[attr-defined]
    return loader


def load_dataset(
    name: str,
    root: str | os.PathLike | None = None,
    format: str | None = None,
    download: bool = True,
    **options: Any,
) -> Any:
    """Load dataset ``name``: a registered one (verified; downloaded when missing and ``download``)
    or a user's folder in any format of :data:`FORMATS` (unverified, said once).

    Returns what the format's loader returns: a :class:`~hypergraph.data.Hypergraph` for node-level
    sets (HyperGCN ``.npz``, HIF, Benson-labelled, UCI, synthetic), a
    :class:`~hypergraph.closure.TemporalSimplicialComplex` (Benson), a
    :class:`~hypergraph.datasets.shyre.ShyreSplit` ``(train, query)`` (SHyRe), a PyG ``TUDataset``
    (TU) or an OGB ``PygGraphPropPredDataset`` (official split: ``ds.get_idx_split()``).

    Example::

        load_dataset("cocitation-cora", root="../shared/datasets")   # pinned, verified
        load_dataset("mydata", root="/data/mine")                    # /data/mine/mydata.npz, ...
        load_dataset("mydata", root="/data/mine", format="shyre")    # /data/mine/{train,test}.txt
    """
    loader = loader_for(name, root, format)
    check_kwargs(loader, options, f"dataset {name!r}")
    return loader(root=root, download=download, **options)
