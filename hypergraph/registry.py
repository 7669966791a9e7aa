"""Name registries used by the config runner (datasets, models, tasks)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any


class Registry:
    """Map names to objects; an unknown name fails with the list of valid ones."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, Any] = {}

    def register(self, name: str, obj: Any = None) -> Any:
        def deco(o: Any) -> Any:
            key = name.lower()
            if key in self._items and self._items[key] is not o:
                raise KeyError(f"{self.kind} {name!r} is registered twice")
            self._items[key] = o
            return o

        return deco if obj is None else deco(obj)

    def get(self, name: str) -> Any:
        key = str(name).lower()
        if key not in self._items:
            raise KeyError(
                f"unknown {self.kind} {name!r}; valid {self.kind}s: {', '.join(self.names())}"
            )
        return self._items[key]

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: str) -> bool:
        return str(name).lower() in self._items


DATASETS = Registry("dataset")
MODELS = Registry("model")
TASKS = Registry("task")


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
