r"""How much a hypergraph's structure says about its node labels: hyperedge homophily and the
leave-one-out neighbourhood vote.

Both are label statistics of the data, not of a model.  They tell which datasets reward
averaging over hyperedges (mean-aggregating models such as HGNN or UniGCN) and which punish it:
on a set whose vote accuracy is below the feature-only baseline, a mean over a node's hyperedges
mostly dilutes its own features.
"""

from __future__ import annotations

import torch
from torch import Tensor

from hypergraph.data.ops import _csr, check_ids, inv_pow


def _label_counts(hyperedge_index: Tensor, y: Tensor, num_hyperedges: int, num_classes: int) -> Tensor:
    """``[M, C]``: how many members of each hyperedge carry each label."""
    v, e = hyperedge_index[0], hyperedge_index[1]
    counts = torch.zeros(num_hyperedges, num_classes, dtype=torch.float64, device=y.device)
    return counts.index_put_((e, y[v]), torch.ones_like(e, dtype=torch.float64), accumulate=True)


def _sizes(hyperedge_index: Tensor, y: Tensor, num_hyperedges: int | None) -> tuple[int, int]:
    if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
        raise ValueError(f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}")
    if y.dim() != 1 or y.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"y must be a 1-D integer label tensor, got {list(y.shape)} {y.dtype}")
    if y.numel() and int(y.min()) < 0:
        raise ValueError("y holds a negative label (unlabelled nodes must be removed first)")
    if hyperedge_index.numel() and int(hyperedge_index[0].max()) >= y.numel():
        raise ValueError(
            f"hyperedge_index holds node id {int(hyperedge_index[0].max())} but y has {y.numel()} labels"
        )
    if num_hyperedges is None:
        num_hyperedges = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
    check_ids(hyperedge_index, y.numel(), num_hyperedges)  # negative or out-of-range hyperedge ids
    num_classes = int(y.max()) + 1 if y.numel() else 0
    return num_hyperedges, num_classes


def hyperedge_homophily(hyperedge_index: Tensor, y: Tensor, num_hyperedges: int | None = None) -> Tensor:
    r"""Per hyperedge, the share of its members in its most frequent class,
    :math:`h_e = \max_c |\{v \in e : y_v = c\}| / |e|` (``[M]``, float64; ``nan`` for an empty
    hyperedge).  1 is a pure hyperedge; :math:`1/C` a perfectly mixed one.

    Args:
        hyperedge_index: incidences ``[2, nnz]`` (node ids, hyperedge ids).
        y: node labels ``[N]``.
        num_hyperedges: number of hyperedges (default: max id + 1).
    """
    M, C = _sizes(hyperedge_index, y, num_hyperedges)
    counts = _label_counts(hyperedge_index, y, M, C)
    size = counts.sum(1)
    top = counts.max(1).values if C else torch.zeros(M, dtype=torch.float64)
    return torch.where(size > 0, top / size.clamp_min(1), torch.nan)


def neighbourhood_vote(
    hyperedge_index: Tensor,
    y: Tensor,
    num_hyperedges: int | None = None,
    size_power: float = 0.0,
    mean: bool = True,
) -> Tensor:
    r"""Leave-one-out label vote of each node's hyperedges: node :math:`v` predicts

    .. math::
        \hat y_v = \arg\max_c \sum_{e \ni v,\ |e| \ge 2} |e|^{p}\,
            \frac{|\{u \in e \setminus \{v\} : y_u = c\}|}{|e| - 1},

    the class that the mean over its hyperedges of the *other* members' label distribution
    favours (ties: the smaller class id), or ``-1`` when every hyperedge of :math:`v` is a
    singleton or it has none.  Its accuracy is what one step of mean aggregation of the true
    labels achieves, without features or parameters.  With ``size_power`` :math:`p < 0` small
    hyperedges count more, as in HNHN's hyperedge → node stage (:math:`\beta = -1.5` there).
    With ``mean=False`` the division by :math:`|e| - 1` is dropped, so (at :math:`p = 0`) each
    other member counts once per hyperedge it shares with :math:`v`: the vote of the weighted
    clique expansion (pair weight = number of shared hyperedges, as
    :func:`~hypergraph.data.transforms.clique_expansion` and the CE-GCN baseline use).
    Computed as one sparse product (``[N, C]`` dense output), never the expansion itself.

    Args:
        hyperedge_index: incidences ``[2, nnz]`` (node ids, hyperedge ids).
        y: node labels ``[N]``.
        num_hyperedges: number of hyperedges (default: max id + 1).
        size_power: exponent :math:`p` of the hyperedge-size weight (0: every hyperedge alike).
        mean: average over each hyperedge's other members (else sum: the clique-expansion vote).
    """
    M, C = _sizes(hyperedge_index, y, num_hyperedges)
    N = y.numel()
    v, e = hyperedge_index[0], hyperedge_index[1]
    counts = _label_counts(hyperedge_index, y, M, C)
    size = counts.sum(1)
    per_member = inv_pow(size - 1) if mean else (size > 1).to(size.dtype)  # 1 / (|e| - 1) or 1
    others = per_member * torch.where(size > 0, size, 1.0).pow(size_power)
    A = _csr(v, e, others[e], (N, M))
    score = A @ counts  # sum_e others_e * counts_e, own label included
    own = torch.zeros(N, dtype=torch.float64, device=y.device).index_add_(0, v, others[e])
    score[torch.arange(N, device=y.device), y] -= own  # remove v from its own hyperedges
    pred = score.argmax(1) if C else torch.zeros(N, dtype=torch.long)
    return torch.where(own > 0, pred, -1)
