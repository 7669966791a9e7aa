"""Name registries used by the config runner (datasets, models, tasks).

Each registry is filled by one package's ``__init__`` (``hypergraph.nn.models`` for
:data:`MODELS`, ``hypergraph.datasets`` for :data:`DATASETS`, ``hypergraph.tasks`` for
:data:`TASKS`), which lists every entry explicitly.  A registry imports that package the first
time it is read, so its contents never depend on what else was imported before, and
``import hypergraph.data`` stays free of the heavier packages.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any


class Registry:
    """Map names to objects; an unknown name fails with the list of valid ones."""

    def __init__(self, kind: str, package: str | None = None) -> None:
        self.kind = kind
        self.package = package
        self._items: dict[str, Any] = {}
        self._loaded = package is None

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True  # set first: the package's own registrations read the registry
            try:
                importlib.import_module(self.package)
            except BaseException:
                self._loaded = False
                raise

    def register(self, name: str, obj: Any = None) -> Any:
        def deco(o: Any) -> Any:
            key = name.lower()
            if key in self._items and self._items[key] is not o:
                raise KeyError(f"{self.kind} {name!r} is registered twice")
            self._items[key] = o
            return o

        return deco if obj is None else deco(obj)

    def get(self, name: str) -> Any:
        self._load()
        key = str(name).lower()
        if key not in self._items:
            raise KeyError(f"unknown {self.kind} {name!r}; valid {self.kind}s: {', '.join(self.names())}")
        return self._items[key]

    def names(self) -> list[str]:
        self._load()
        return sorted(self._items)

    def items(self) -> list[tuple[str, Any]]:
        self._load()
        return sorted(self._items.items())

    def __contains__(self, name: str) -> bool:
        self._load()
        return str(name).lower() in self._items

    def __iter__(self):
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {self.names()})"


DATASETS = Registry("dataset", "hypergraph.datasets")
MODELS = Registry("model", "hypergraph.nn.models")
TASKS = Registry("task", "hypergraph.tasks")


def check_kwargs(fn: Callable, kwargs: Mapping[str, Any], what: str, ignore: tuple = ()) -> None:
    """Raise :class:`KeyError` naming unknown keyword arguments of ``fn`` and the valid ones."""
    sig = inspect.signature(fn)
    params = [
        p.name
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"
    ]
    if any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values()):
        return
    unknown = sorted(set(kwargs) - set(params) - set(ignore))
    if unknown:
        valid = ", ".join(p for p in params if p not in ignore)
        raise KeyError(f"unknown key(s) {', '.join(map(repr, unknown))} for {what}; valid: {valid}")
