"""The core incidence-matrix hypergraph: a thin PyG ``Data`` subclass."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor
from torch_geometric.data import Data

from hypergraph.data.validate import check_hyperedge_weight, check_node_features, validate_hypergraph


class Hypergraph(Data):
    r"""A hypergraph stored as its incidence list.

    ``hyperedge_index[0, k]`` is a node id and ``hyperedge_index[1, k]`` the id of a hyperedge
    containing it, so column ``k`` is one non-zero of the incidence matrix
    :math:`H \in \{0,1\}^{N \times M}`.  The node count ``num_nodes`` and the hyperedge count
    ``num_hyperedges`` are stored explicitly and never guessed from the indices: isolated nodes
    and empty hyperedges are legal.

    Batching several hypergraphs with a PyG :class:`~torch_geometric.loader.DataLoader` shifts
    both rows of ``hyperedge_index`` so that the batch is the block-diagonal incidence.

    Normalised propagation operators are built by the pure functions of
    :mod:`hypergraph.data.ops`; :meth:`operator` caches them on the object and the cache is
    invalidated when ``hyperedge_index`` or ``hyperedge_weight`` is replaced or changed in place.

    Args:
        x: node features ``[N, F]``.
        hyperedge_index: incidence list ``[2, nnz]`` (int64).
        hyperedge_weight: hyperedge weights ``[M]`` (default: all ones).
        hyperedge_attr: hyperedge features ``[M, F_e]``.
        y: node (or graph) targets.
        num_nodes: number of nodes ``N``; taken from ``x`` when omitted.
        num_hyperedges: number of hyperedges ``M``; taken from ``hyperedge_weight`` or
            ``hyperedge_attr`` when omitted.
        validate: check indices, shapes, weights (finite, ``>= 0``), ``x`` (finite) and the
            length of ``y`` (raises :class:`ValueError`).  The value checks also apply when
            ``x`` or ``hyperedge_weight`` is assigned later (``hg.hyperedge_weight = w``).
        allow_empty_hyperedges: with ``validate``, whether a hyperedge id in ``[0, M)`` may
            have no member.
        **kwargs: further attributes, stored as in :class:`~torch_geometric.data.Data`.
    """

    def __init__(
        self,
        x: Tensor | None = None,
        hyperedge_index: Tensor | None = None,
        hyperedge_weight: Tensor | None = None,
        hyperedge_attr: Tensor | None = None,
        y: Tensor | None = None,
        num_nodes: int | None = None,
        num_hyperedges: int | None = None,
        validate: bool = True,
        allow_empty_hyperedges: bool = True,
        **kwargs: Any,
    ) -> None:
        self.__dict__["_validate"] = False  # checked once, below
        super().__init__(x=x, y=y, **kwargs)
        self.__dict__["_validate"] = bool(validate)
        if hyperedge_index is None:  # empty object (PyG collation, copies)
            if validate:
                for key in _VALUE_CHECKS:
                    if self._store.get(key, None) is not None:
                        _VALUE_CHECKS[key](self._store[key])
            if num_nodes is not None:
                self.num_nodes = int(num_nodes)
            if num_hyperedges is not None:
                self.num_hyperedges = int(num_hyperedges)
            return
        if num_nodes is None and x is not None:
            num_nodes = x.size(0)
        if num_nodes is None:
            raise ValueError(
                "Hypergraph needs an explicit 'num_nodes' (or node features 'x'); "
                "it is never guessed from hyperedge_index."
            )
        if num_hyperedges is None:
            for t in (hyperedge_weight, hyperedge_attr):
                if t is not None:
                    num_hyperedges = t.size(0)
                    break
        if num_hyperedges is None:
            raise ValueError(
                "Hypergraph needs an explicit 'num_hyperedges' (or 'hyperedge_weight' / "
                "'hyperedge_attr'); it is never guessed from hyperedge_index."
            )
        self.hyperedge_index = hyperedge_index
        if hyperedge_weight is not None:
            self._store.hyperedge_weight = hyperedge_weight  # checked by validate_structure
        if hyperedge_attr is not None:
            self.hyperedge_attr = hyperedge_attr
        self.num_nodes = int(num_nodes)
        self.num_hyperedges = int(num_hyperedges)
        if validate:
            self.validate_structure(allow_empty_hyperedges=allow_empty_hyperedges)

    # ------------------------------------------------------------------ counts
    @property
    def num_hyperedges(self) -> int:
        """Number of hyperedges ``M`` (summed over the graphs of a batch)."""
        value = self._store.get("num_hyperedges", None)
        if value is None:
            return 0
        if isinstance(value, Tensor):
            return int(value.sum())
        return int(value)

    @num_hyperedges.setter
    def num_hyperedges(self, value: int) -> None:
        self._store.num_hyperedges = value

    @property
    def num_incidences(self) -> int:
        """Number of non-zeros of the incidence matrix."""
        hi = self._store.get("hyperedge_index", None)
        return 0 if hi is None else int(hi.size(1))

    # --------------------------------------------------------------- batching
    def __inc__(self, key: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        if key == "hyperedge_index":
            return torch.tensor([[self.num_nodes], [self.num_hyperedges]])
        return super().__inc__(key, value, *args, **kwargs)

    def __cat_dim__(self, key: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        if key == "hyperedge_index":
            return -1
        return super().__cat_dim__(key, value, *args, **kwargs)

    def is_edge_attr(self, key: str) -> bool:  # PyG hook: hyperedge-level attributes
        return key in ("hyperedge_weight", "hyperedge_attr", "e_id", "hyperedge_degree")

    # ------------------------------------------------------------- validation
    def __setattr__(self, key: str, value: Any) -> None:
        if value is not None and key in _VALUE_CHECKS and self.__dict__.get("_validate", True):
            _VALUE_CHECKS[key](value)
        super().__setattr__(key, value)

    def __setitem__(self, key: str, value: Any) -> None:
        if value is not None and key in _VALUE_CHECKS and self.__dict__.get("_validate", True):
            _VALUE_CHECKS[key](value)
        super().__setitem__(key, value)

    def validate_structure(self, allow_empty_hyperedges: bool = True) -> None:
        """Raise :class:`ValueError` naming the first problem of the structure found."""
        validate_hypergraph(
            self.hyperedge_index,
            self.num_nodes,
            self.num_hyperedges,
            hyperedge_weight=self._store.get("hyperedge_weight", None),
            hyperedge_attr=self._store.get("hyperedge_attr", None),
            x=self._store.get("x", None),
            allow_empty_hyperedges=allow_empty_hyperedges,
            y=self._store.get("y", None),
        )
        check_batch_attributes(self._store, self.num_nodes, self.num_hyperedges)

    # ------------------------------------------------------------- operators
    def operator(self, kind: str = "hgnn") -> Any:
        """Return the cached normalised propagation operator ``kind``.

        ``kind`` is one of :data:`hypergraph.data.ops.OPERATORS` (``"hgnn"``, ``"hgnnp"``; the
        latter is also the row-normalised HCHA / EHGNN operator).  The cache entry remembers
        the tensors it was built from and their in-place version counters, so replacing or
        mutating ``hyperedge_index`` / ``hyperedge_weight`` (or the counts) rebuilds it.
        """
        from hypergraph.data.ops import build_operator

        cache = self.__dict__.setdefault("_operator_cache", {})
        hi = self.hyperedge_index
        hw = self._store.get("hyperedge_weight", None)
        stamp = (
            hi,
            hi._version,
            hw,
            None if hw is None else hw._version,
            self.num_nodes,
            self.num_hyperedges,
            hi.device,
        )
        entry = cache.get(kind)
        if entry is not None and same_stamp(entry[0], stamp):
            return entry[1]
        op = build_operator(kind, hi, self.num_nodes, self.num_hyperedges, hw)
        cache[kind] = (stamp, op)
        return op

    def __copy__(self) -> Hypergraph:
        out = super().__copy__()
        out.__dict__.pop("_operator_cache", None)
        return out

    def __deepcopy__(self, memo: dict) -> Hypergraph:
        cache = self.__dict__.pop("_operator_cache", None)
        try:
            out = super().__deepcopy__(memo)
        finally:
            if cache is not None:
                self.__dict__["_operator_cache"] = cache
        return out

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_operator_cache", None)
        return state


# values checked when assigned to a validated hypergraph (shapes are checked by validate_structure:
# transforms assign the weights before updating num_hyperedges)
_VALUE_CHECKS = {"hyperedge_weight": check_hyperedge_weight, "x": check_node_features}


def check_batch_attributes(store: Any, num_nodes: int, num_hyperedges: int) -> None:
    """Check the attributes a :mod:`hypergraph.loader` mini-batch carries, when present.

    ``n_id`` (``[N]`` int64 ids into the full graph), ``e_id`` (``[M]`` int64), ``node_degree``
    (``[N]``, finite, ``>= 0``), ``hyperedge_degree`` (``[M]``, finite, ``>= 0``) and
    ``batch_size`` (an int in ``[0, N]``: the seed nodes are the first ``batch_size`` nodes).
    """
    sizes = {"n_id": num_nodes, "e_id": num_hyperedges, "node_degree": num_nodes}
    sizes["hyperedge_degree"] = num_hyperedges
    for key, size in sizes.items():
        t = store.get(key, None)
        if t is None:
            continue
        if not isinstance(t, Tensor) or t.dim() != 1 or t.numel() != size:
            shape = list(t.shape) if isinstance(t, Tensor) else type(t).__name__
            raise ValueError(f"{key} must be a tensor of shape [{size}], got {shape}")
        if key in ("n_id", "e_id"):
            if t.dtype != torch.long:
                raise ValueError(f"{key} must have dtype torch.int64, got {t.dtype}")
            if t.numel() and int(t.min()) < 0:
                raise ValueError(f"{key} holds a negative id")
        elif not torch.is_floating_point(t) or not bool(torch.isfinite(t).all()) or bool((t < 0).any()):
            raise ValueError(f"{key} must hold finite, non-negative floating-point degrees")
    bs = store.get("batch_size", None)
    if bs is not None and (isinstance(bs, bool) or not isinstance(bs, int) or not 0 <= bs <= num_nodes):
        raise ValueError(f"batch_size must be an int in [0, num_nodes={num_nodes}], got {bs!r}")


def same_stamp(a: tuple, b: tuple) -> bool:
    """Two cache stamps ``(hyperedge_index, version, hyperedge_weight, version, *rest)`` describe
    the same tensors, unmodified (identity for the tensors, equality for the rest)."""
    return a[0] is b[0] and a[1] == b[1] and a[2] is b[2] and a[3] == b[3] and a[4:] == b[4:]


# processed datasets are loaded with torch.load(weights_only=True): allow-list the class
torch.serialization.add_safe_globals([Hypergraph])
