"""Validation of incidence structures with errors that name the problem."""

from __future__ import annotations

import torch
from torch import Tensor


def validate_hypergraph(
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    hyperedge_weight: Tensor | None = None,
    hyperedge_attr: Tensor | None = None,
    x: Tensor | None = None,
    allow_empty_hyperedges: bool = True,
    y: Tensor | None = None,
) -> None:
    """Check an incidence list and its attributes; raise :class:`ValueError` on the first problem.

    Checks: ``hyperedge_index`` is an int64 tensor of shape ``[2, nnz]``; node ids lie in
    ``[0, num_nodes)`` and hyperedge ids in ``[0, num_hyperedges)``; no incidence is repeated;
    ``hyperedge_weight`` has shape ``[M]`` and holds finite, non-negative values (see
    :func:`check_hyperedge_weight`); ``hyperedge_attr`` and ``x`` have ``M`` and ``N`` rows and
    ``x`` is finite (:func:`check_node_features`); ``y`` has ``N`` rows (node targets) or one
    (a graph target); optionally every hyperedge has a member.
    """
    if not isinstance(hyperedge_index, Tensor):
        raise ValueError(f"hyperedge_index must be a torch.Tensor, got {type(hyperedge_index).__name__}")
    if hyperedge_index.dtype != torch.long:
        raise ValueError(f"hyperedge_index must have dtype torch.int64, got {hyperedge_index.dtype}")
    if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
        raise ValueError(f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}")
    if num_nodes < 0 or num_hyperedges < 0:
        raise ValueError(f"negative counts: num_nodes={num_nodes}, num_hyperedges={num_hyperedges}")
    nnz = hyperedge_index.size(1)
    if nnz > 0:
        nodes, edges = hyperedge_index[0], hyperedge_index[1]
        nmin, nmax = int(nodes.min()), int(nodes.max())
        if nmin < 0:
            k = int((nodes < 0).nonzero()[0])
            raise ValueError(f"negative node id {int(nodes[k])} in hyperedge_index[0, {k}]")
        if nmax >= num_nodes:
            k = int((nodes >= num_nodes).nonzero()[0])
            raise ValueError(
                f"node id {int(nodes[k])} in hyperedge_index[0, {k}] is out of range "
                f"for num_nodes={num_nodes}"
            )
        emin, emax = int(edges.min()), int(edges.max())
        if emin < 0 or emax >= num_hyperedges:
            bad = (edges < 0) | (edges >= num_hyperedges)
            k = int(bad.nonzero()[0])
            raise ValueError(
                f"hyperedge id {int(edges[k])} in hyperedge_index[1, {k}] is not in "
                f"[0, num_hyperedges={num_hyperedges})"
            )
        key = edges * max(num_nodes, 1) + nodes
        if torch.unique(key).numel() != nnz:
            sorted_key, _ = torch.sort(key)
            dup = sorted_key[1:][sorted_key[1:] == sorted_key[:-1]][0]
            raise ValueError(
                f"duplicate incidence: node {int(dup % max(num_nodes, 1))} appears twice in "
                f"hyperedge {int(dup // max(num_nodes, 1))} (use "
                "hypergraph.data.coalesce_incidence to merge)"
            )
    if not allow_empty_hyperedges and num_hyperedges > 0:
        size = torch.bincount(hyperedge_index[1], minlength=num_hyperedges)
        if bool((size == 0).any()):
            e = int((size == 0).nonzero()[0])
            raise ValueError(f"hyperedge {e} is empty (no member node)")
    if hyperedge_weight is not None:
        check_hyperedge_weight(hyperedge_weight, num_hyperedges)
    if hyperedge_attr is not None and hyperedge_attr.size(0) != num_hyperedges:
        raise ValueError(
            f"hyperedge_attr has {hyperedge_attr.size(0)} rows but num_hyperedges={num_hyperedges}"
        )
    if x is not None:
        if x.size(0) != num_nodes:
            raise ValueError(f"x has {x.size(0)} rows but num_nodes={num_nodes}")
        check_node_features(x)
    if isinstance(y, Tensor) and y.dim() > 0 and y.size(0) not in (num_nodes, 1):
        raise ValueError(
            f"y has {y.size(0)} rows but num_nodes={num_nodes} (node targets need one row per node, "
            "a graph target one row)"
        )


def check_hyperedge_weight(hyperedge_weight: object, num_hyperedges: int | None = None) -> None:
    """Raise :class:`ValueError` unless ``hyperedge_weight`` is a floating-point tensor of finite,
    non-negative values (of shape ``[num_hyperedges]`` when that is given), naming the first bad
    hyperedge.  A negative or NaN weight would make the normalised operators NaN."""
    if not isinstance(hyperedge_weight, Tensor):
        raise ValueError(f"hyperedge_weight must be a torch.Tensor, got {type(hyperedge_weight).__name__}")
    if num_hyperedges is not None and (
        hyperedge_weight.dim() != 1 or hyperedge_weight.numel() != num_hyperedges
    ):
        raise ValueError(
            f"hyperedge_weight must have shape [num_hyperedges={num_hyperedges}], "
            f"got {list(hyperedge_weight.shape)}"
        )
    if not torch.is_floating_point(hyperedge_weight):
        raise ValueError(f"hyperedge_weight must be floating point, got {hyperedge_weight.dtype}")
    w = hyperedge_weight.reshape(-1)
    bad = ~(torch.isfinite(w) & (w >= 0))  # one vectorised pass; NaN compares False
    if bool(bad.any()):
        e = int(bad.nonzero()[0])
        value = float(w[e])
        kind = "NaN" if value != value else ("infinite" if abs(value) == float("inf") else "negative")
        raise ValueError(
            f"hyperedge_weight[{e}] is {kind} ({value}) for hyperedge {e}; "
            "hyperedge weights must be finite and >= 0"
        )


def check_node_features(x: object) -> None:
    """Raise :class:`ValueError` if the node features ``x`` hold a NaN or an infinite value,
    naming the first such node (row).  One vectorised pass; integer features are always finite."""
    if not isinstance(x, Tensor) or not torch.is_floating_point(x) or x.dim() == 0:
        return
    if x.layout == torch.strided:
        values, rows = x, None
    elif x.layout == torch.sparse_coo:
        values, rows = x._values(), x._indices()[0]
    elif x.layout == torch.sparse_csr:
        values = x.values()
        rows = torch.repeat_interleave(torch.arange(x.size(0), device=x.device), x.crow_indices().diff())
    else:
        return
    finite = torch.isfinite(values)
    if bool(finite.all()):
        return
    bad = ~finite
    if rows is None:
        row = int(bad.reshape(x.size(0), -1).any(dim=1).nonzero()[0])
        value = float(x[row][bad[row]].reshape(-1)[0])
    else:
        k = int(bad.reshape(bad.size(0), -1).any(dim=1).nonzero()[0])
        row = int(rows[k])
        value = float(values[k].reshape(-1)[~finite[k].reshape(-1)][0])
    raise ValueError(
        f"node features x[{row}] (node {row}) hold a non-finite value ({value}); "
        "replace NaN/inf features before training (they make the loss NaN)"
    )
