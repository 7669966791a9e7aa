r"""Chunked full-graph inference: layer by layer, over node chunks, with bounded memory.

A model is run as a list of **steps**, each applied to the whole hypergraph before the next:

* a *node-wise* step is any callable ``f(x_chunk) -> y_chunk`` acting on each node independently
  (activations, normalisation in eval mode, an MLP); it is applied chunk by chunk;
* a *hypergraph* step follows the :class:`HypergraphStep` protocol, the two-stage message passing
  of the HGNN family: for every node chunk, :meth:`~HypergraphStep.node_to_hyperedge` returns
  per-incidence messages that are **summed** into one ``[M, F]`` hyperedge buffer; after the last
  chunk the optional :meth:`~HypergraphStep.hyperedge_update` maps the buffer once (e.g.
  normalisation, a hyperedge MLP); then :meth:`~HypergraphStep.hyperedge_to_node` gives the new
  features of every node chunk from the buffer.

Beyond the input and output ``[N, F]`` tensors (kept on ``out_device``, the CPU by default) and
the ``[M, F]`` hyperedge buffer, memory is bounded by the chunk: a chunk's features, its
incidences and their messages, on ``device``.  Nothing builds an ``N x N`` (or full ``N x M``)
operator.

How a model becomes steps (:func:`inference_steps`): a model with an ``inference_steps()`` method
provides them itself; otherwise an adapter registered with :func:`register_inference_steps` for
its class (or a base class) builds them.  Adapters for :class:`~hypergraph.nn.models.HGNN`,
:class:`~hypergraph.nn.models.HGNNP` and :class:`~hypergraph.nn.models.MLP` are registered here;
a new sum-decomposable layer plugs in by writing its two (or three) methods.  Layers whose
hyperedge aggregation is not a sum (a softmax over members, a max) can still fit by returning
the sufficient statistics as messages (e.g. numerator and denominator columns) and finishing
in ``hyperedge_update``, or need a second node pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.utils import scatter

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.ops import hyperedge_degree, inv_pow, node_degree
from hypergraph.loader._utils import build_csr


@dataclass
class InferenceContext:
    """The hypergraph prepared once for chunked passes: incidences sorted by node (CSR), the
    full-graph weighted node degrees and hyperedge sizes, the hyperedge weights, the device."""

    num_nodes: int
    num_hyperedges: int
    node_ptr: Tensor  # [N + 1], CPU
    incidence_edge: Tensor  # [nnz] hyperedge id of each incidence, sorted by node, CPU
    hyperedge_weight: Tensor | None  # [M] on device
    node_degree: Tensor  # [N] weighted, on device
    hyperedge_degree: Tensor  # [M] sizes, on device
    device: torch.device

    @classmethod
    def from_hypergraph(
        cls,
        hyperedge_index: Tensor,
        num_nodes: int,
        num_hyperedges: int,
        hyperedge_weight: Tensor | None = None,
        device: torch.device | str | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> InferenceContext:
        hi = hyperedge_index.cpu()
        device = torch.device(device) if device is not None else torch.device("cpu")
        hw = None if hyperedge_weight is None else hyperedge_weight.detach().cpu().to(dtype)
        ptr, col = build_csr(hi[0], hi[1], num_nodes, num_hyperedges)
        return cls(
            num_nodes=num_nodes,
            num_hyperedges=num_hyperedges,
            node_ptr=ptr,
            incidence_edge=col,
            hyperedge_weight=None if hw is None else hw.to(device),
            node_degree=node_degree(hi, num_nodes, hw, dtype=dtype).to(device),
            hyperedge_degree=hyperedge_degree(hi, num_hyperedges, dtype=dtype).to(device),
            device=device,
        )

    def weight(self) -> Tensor:
        """The hyperedge weights (ones when the hypergraph has none), on ``device``."""
        if self.hyperedge_weight is not None:
            return self.hyperedge_weight
        return torch.ones(self.num_hyperedges, device=self.device, dtype=self.node_degree.dtype)

    def chunks(self, chunk_size: int) -> Iterator[NodeChunk]:
        """Consecutive node ranges of ``chunk_size`` nodes with their incidences."""
        for start in range(0, self.num_nodes, chunk_size):
            end = min(start + chunk_size, self.num_nodes)
            lo, hi = int(self.node_ptr[start]), int(self.node_ptr[end])
            local = torch.repeat_interleave(
                torch.arange(end - start), self.node_ptr[start + 1 : end + 1] - self.node_ptr[start:end]
            )
            index = torch.stack([local, self.incidence_edge[lo:hi]]).to(self.device)
            yield NodeChunk(start, end, index, self)


@dataclass
class NodeChunk:
    """Nodes ``start .. end - 1`` and their incidences: ``hyperedge_index[0]`` local node ids
    (``node - start``), ``hyperedge_index[1]`` global hyperedge ids, on ``context.device``."""

    start: int
    end: int
    hyperedge_index: Tensor
    context: InferenceContext

    @property
    def num_nodes(self) -> int:
        return self.end - self.start

    def node_degree(self) -> Tensor:
        """Full-graph weighted degrees of the chunk's nodes."""
        return self.context.node_degree[self.start : self.end]


@runtime_checkable
class HypergraphStep(Protocol):
    """Two-stage propagation evaluated chunk by chunk (see the module docstring)."""

    def node_to_hyperedge(self, x: Tensor, chunk: NodeChunk) -> tuple[Tensor, Tensor]:
        """``(hyperedge ids [k], messages [k, F])`` of the chunk's nodes ``x`` ``[n, F_in]``; the
        messages of all chunks are summed per hyperedge."""
        ...

    def hyperedge_to_node(self, x: Tensor, hyperedge_messages: Tensor, chunk: NodeChunk) -> Tensor:
        """New features ``[n, F_out]`` of the chunk's nodes from the summed (and updated)
        messages ``[M, F]`` and the chunk's input features ``x``."""
        ...


Step = HypergraphStep | Callable[[Tensor], Tensor]
_ADAPTERS: dict[type, Callable[[Any], list[Step]]] = {}


def register_inference_steps(
    cls: type,
) -> Callable[[Callable[[Any], list[Step]]], Callable[[Any], list[Step]]]:
    """Decorator registering ``fn(model) -> steps`` for models of class ``cls`` (and subclasses)."""

    def deco(fn: Callable[[Any], list[Step]]) -> Callable[[Any], list[Step]]:
        _ADAPTERS[cls] = fn
        return fn

    return deco


def inference_steps(model: Any) -> list[Step]:
    """The steps of ``model``: its own ``inference_steps()``, else a registered adapter."""
    own = getattr(model, "inference_steps", None)
    if callable(own):
        return list(own())
    for klass in type(model).__mro__:
        if klass in _ADAPTERS:
            return _ADAPTERS[klass](model)
    raise TypeError(
        f"{type(model).__name__} does not support chunked inference: give it an inference_steps() "
        "method or register an adapter with hypergraph.loader.inference.register_inference_steps"
    )


@torch.no_grad()
def chunked_inference(
    model: Any,
    data: Hypergraph | None = None,
    chunk_size: int = 65536,
    device: torch.device | str | None = None,
    out_device: torch.device | str = "cpu",
    *,
    x: Tensor | None = None,
    hyperedge_index: Tensor | None = None,
    hyperedge_weight: Tensor | None = None,
    num_hyperedges: int | None = None,
) -> Tensor:
    """Full-graph outputs ``[N, C]`` of ``model`` (in eval mode), layer by layer over node chunks.

    Equal to ``model.eval()(x, hyperedge_index, hyperedge_weight, num_hyperedges)`` up to float
    summation order.  Give either ``data`` (a :class:`~hypergraph.data.Hypergraph`) or the tensors.

    Args:
        model: a model with inference steps (see :func:`inference_steps`).
        data: the hypergraph (``x``, ``hyperedge_index``, optional ``hyperedge_weight``).
        chunk_size: nodes per chunk.
        device: where chunks are computed (default: the device of the model's parameters).
        out_device: where the per-layer ``[N, F]`` features are kept.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    if data is not None:
        x = data.x
        hyperedge_index = data.hyperedge_index
        hyperedge_weight = data.get("hyperedge_weight")
        num_hyperedges = data.num_hyperedges
    if x is None or hyperedge_index is None:
        raise ValueError("chunked_inference needs data or x and hyperedge_index")
    if num_hyperedges is None:
        if hyperedge_weight is not None:
            num_hyperedges = hyperedge_weight.numel()
        else:
            num_hyperedges = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
    if device is None:
        param = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
        device = param.device if param is not None else torch.device("cpu")
    dtype = x.dtype if torch.is_floating_point(x) else torch.float32
    ctx = InferenceContext.from_hypergraph(
        hyperedge_index, x.size(0), num_hyperedges, hyperedge_weight, device=device, dtype=dtype
    )
    steps = inference_steps(model)
    training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    try:
        h = x
        for step in steps:
            h = _run_step(step, h, ctx, chunk_size, torch.device(out_device))
    finally:
        if training:
            model.train()
    return h


def _run_step(
    step: Step, h: Tensor, ctx: InferenceContext, chunk_size: int, out_device: torch.device
) -> Tensor:
    out: Tensor | None = None
    if isinstance(step, HypergraphStep):
        buf: Tensor | None = None
        for chunk in ctx.chunks(chunk_size):
            ids, msg = step.node_to_hyperedge(h[chunk.start : chunk.end].to(ctx.device), chunk)
            if buf is None:
                buf = msg.new_zeros((ctx.num_hyperedges, *msg.shape[1:]))
            buf.index_add_(0, ids, msg)
        if buf is None:  # no node at all
            return h
        update = getattr(step, "hyperedge_update", None)
        if update is not None:
            buf = update(buf, ctx)
        for chunk in ctx.chunks(chunk_size):
            y = step.hyperedge_to_node(h[chunk.start : chunk.end].to(ctx.device), buf, chunk)
            out = _store(out, y, chunk.start, ctx.num_nodes, out_device)
    else:
        for start in range(0, ctx.num_nodes, chunk_size):
            end = min(start + chunk_size, ctx.num_nodes)
            y = step(h[start:end].to(ctx.device))
            out = _store(out, y, start, ctx.num_nodes, out_device)
    return h if out is None else out


def _store(out: Tensor | None, y: Tensor, start: int, n: int, device: torch.device) -> Tensor:
    if out is None:
        out = torch.empty((n, *y.shape[1:]), dtype=y.dtype, device=device)
    out[start : start + y.size(0)] = y.to(device)
    return out


# ------------------------------------------------------------------------------- adapters
class HGNNConvStep:
    r"""Chunked form of :class:`~hypergraph.nn.conv.HGNNConv` (``kind="hgnn"``) and
    :class:`~hypergraph.nn.conv.HGNNPConv` (``"hgnnp"``):
    messages :math:`d_v^{-1/2} x_v\Theta` (hgnn) or :math:`x_v\Theta` (hgnnp) summed per hyperedge,
    scaled by :math:`w_e / |e|`, summed per node and scaled by :math:`d_v^{-1/2}` (hgnn) or
    :math:`d_v^{-1}` (hgnnp), plus the bias.  Full-graph degrees from the context."""

    def __init__(self, conv: torch.nn.Module) -> None:
        self.conv = conv
        self.kind = conv.propagation.kind if hasattr(conv, "propagation") else conv.kind
        if self.kind not in ("hgnn", "hgnnp"):
            raise ValueError(f"HGNNConvStep supports kinds 'hgnn' and 'hgnnp', got {self.kind!r}")

    def _node_scale(self, chunk: NodeChunk) -> Tensor:
        dv = chunk.node_degree()
        p = 0.5 if self.kind == "hgnn" else 1.0
        return inv_pow(dv, p)

    def node_to_hyperedge(self, x: Tensor, chunk: NodeChunk) -> tuple[Tensor, Tensor]:
        v, e = chunk.hyperedge_index
        h = self.conv.lin(x)
        if self.kind == "hgnn":
            h = h * self._node_scale(chunk).to(h.dtype).unsqueeze(-1)
        return e, h.index_select(0, v)

    def hyperedge_update(self, messages: Tensor, ctx: InferenceContext) -> Tensor:
        de = ctx.hyperedge_degree
        scale = ctx.weight() * inv_pow(de)
        return messages * scale.to(messages.dtype).unsqueeze(-1)

    def hyperedge_to_node(self, x: Tensor, hyperedge_messages: Tensor, chunk: NodeChunk) -> Tensor:
        v, e = chunk.hyperedge_index
        out = scatter(hyperedge_messages.index_select(0, e), v, 0, dim_size=chunk.num_nodes, reduce="sum")
        out = out * self._node_scale(chunk).to(out.dtype).unsqueeze(-1)
        if self.conv.bias is not None:
            out = out + self.conv.bias
        return out


def _hgnn_steps(model: Any) -> list[Step]:
    steps: list[Step] = []
    for conv, norm in zip(model.convs[:-1], model.norms):
        steps.append(HGNNConvStep(conv))
        steps.append(lambda h, norm=norm: norm(F.relu(h)))  # dropout is the identity in eval
    steps.append(HGNNConvStep(model.convs[-1]))
    return steps


def _register_builtin() -> None:
    from hypergraph.nn.conv.hgnn_conv import HGNNConv
    from hypergraph.nn.models.hgnn import HGNN
    from hypergraph.nn.models.mlp import MLP

    register_inference_steps(HGNN)(_hgnn_steps)  # HGNNP too (subclass; its convs carry the kind)
    register_inference_steps(MLP)(lambda model: [model])
    register_inference_steps(HGNNConv)(lambda conv: [HGNNConvStep(conv)])


_register_builtin()

__all__ = [
    "HGNNConvStep",
    "HypergraphStep",
    "InferenceContext",
    "NodeChunk",
    "chunked_inference",
    "inference_steps",
    "register_inference_steps",
]
