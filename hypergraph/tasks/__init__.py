"""Lightning tasks selectable by ``task:`` in a config, each registered in ``TASKS`` here.

A task is one module defining ``TASK`` (a :class:`~hypergraph.tasks.base.TaskSpec`); it imports
:mod:`hypergraph.tasks.base` (and :mod:`hypergraph.tasks.base_node` for node-level tasks), never
another task.  A new task is one module plus one line below.
"""

from hypergraph.registry import TASKS
from hypergraph.tasks import (
    distillation,
    graph_classification,
    higher_order_link_prediction,
    hyperedge_prediction,
    node_classification,
    reconstruction,
)
from hypergraph.tasks.base import TaskSpec, build_trainer

for _module in (
    node_classification,
    distillation,
    graph_classification,
    reconstruction,
    hyperedge_prediction,
    higher_order_link_prediction,
):
    TASKS.register(_module.TASK.name, _module.TASK)

__all__ = ["TaskSpec", "build_trainer"]
