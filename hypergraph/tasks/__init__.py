"""Lightning tasks selectable by ``task:`` in a config.

Every module of this package is imported here so that it can register its task; a new task is
a new module calling :func:`hypergraph.tasks.base.register_task`.
"""

import importlib
import pkgutil

from hypergraph.tasks.base import TaskSpec, build_trainer, register_task

for _m in pkgutil.iter_modules(__path__):
    if _m.name != "base":
        importlib.import_module(f"{__name__}.{_m.name}")

__all__ = ["TaskSpec", "build_trainer", "register_task"]
