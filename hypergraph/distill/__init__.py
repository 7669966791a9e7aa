"""LightHGNN / LightHGNN+ distillation of hypergraph neural networks into MLPs (Feng et al., ICLR 2024).

* :mod:`~hypergraph.distill.losses`: soft-label KD loss and the high-order soft-label loss (true
  KL, or the authors' ``log_target=True`` form);
* :mod:`~hypergraph.distill.reliability`: hyperedge reliability and Bernoulli hyperedge sampling;
* :mod:`~hypergraph.distill.topology`: the topology-aware (over-smoothing) score;
* :mod:`~hypergraph.distill.protocol`: row-normalised features and the production split;
* :mod:`~hypergraph.distill.export`: the student as a plain module / TorchScript needing only ``x``;
* :mod:`~hypergraph.distill.evaluation`: eval-mode logits + hidden embedding of teacher and
  students, and the accuracy on a node mask.

The end-to-end pipeline (teacher → soft labels → students) is the ``distillation`` task in
:mod:`hypergraph.tasks.distillation`.
"""

from hypergraph.distill.export import ExportedMLP, export_student, save_student, script_student
from hypergraph.distill.losses import LOSS_FORMS, high_order_loss, hyperedge_mean, kd_loss
from hypergraph.distill.protocol import production_split, row_normalize
from hypergraph.distill.reliability import (
    hyperedge_entropy,
    node_entropy,
    perturb_features,
    reliability_from_probs,
    reliability_score,
    sample_hyperedges,
)
from hypergraph.distill.topology import topology_score

__all__ = [
    "LOSS_FORMS",
    "ExportedMLP",
    "export_student",
    "high_order_loss",
    "hyperedge_entropy",
    "hyperedge_mean",
    "kd_loss",
    "node_entropy",
    "perturb_features",
    "production_split",
    "reliability_from_probs",
    "reliability_score",
    "row_normalize",
    "sample_hyperedges",
    "save_student",
    "script_student",
    "topology_score",
]
