"""HyperGCN convolution (Yadati et al., NeurIPS 2019)."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import Tensor
from torch.nn import Parameter
from torch_geometric.utils import coalesce, scatter

from hypergraph.data.hypergraph import same_stamp
from hypergraph.data.ops import check_ids
from hypergraph.nn.conv._sparse import SparsePair


def hypergcn_graph(
    signal: Tensor,
    hyperedge_index: Tensor,
    num_hyperedges: int,
    hyperedge_weight: Tensor | None = None,
    mediators: bool = True,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    r"""HyperGCN's graph approximation of a hypergraph, GCN-normalised.

    The signal (``[N, F]``) is projected on a random vector :math:`r \sim U[0, 1)^F` (drawn
    from ``generator``), :math:`s = \text{signal}\, r`.  In every hyperedge with
    :math:`|e| \ge 2`, :math:`i_e = \arg\max_{v \in e} s_v` and :math:`j_e = \arg\min_{v \in e}
    s_v` (the pair with the largest :math:`|s_i - s_j|`) are linked with weight
    :math:`w_e / |e|` (no mediators) or :math:`w_e / (2|e| - 3)` (mediators: every other
    :math:`k \in e` is also linked to both :math:`i_e` and :math:`j_e` with that weight, so each
    hyperedge contributes a total weight :math:`w_e`).  Contributions of several hyperedges to one
    pair add up.  The result is :math:`D̃^{-1/2}(A + I)D̃^{-1/2}` with :math:`D̃` the row sums of
    :math:`A + I`, returned as ``(edge_index, edge_value)`` (coalesced, both directions, self-loops
    included).  Vectorised: segment max/min by ``scatter``, no loop over hyperedges.

    Ties are broken by node id: :math:`i_e` is the smallest id among the maxima and
    :math:`j_e` the largest among the minima, so :math:`i_e \ne j_e` whenever :math:`|e| \ge 2`
    (the reference takes the first of each in list order and can pick the same node twice).
    """
    N, M = signal.size(0), num_hyperedges
    check_ids(hyperedge_index, N, M)
    device = signal.device
    v, e = hyperedge_index[0], hyperedge_index[1]
    r = torch.rand(signal.size(1), generator=generator, dtype=torch.float64).to(device)
    s = (signal.detach().double() @ r)[v]  # per incidence
    size = torch.bincount(e, minlength=M)
    w = (
        torch.ones(M, device=device, dtype=torch.float64)
        if hyperedge_weight is None
        else hyperedge_weight.detach().to(device=device, dtype=torch.float64)
    )
    keep = size[e] >= 2  # singletons (and empty hyperedges) add no edge
    v, e, s = v[keep], e[keep], s[keep]
    smax = scatter(s, e, 0, dim_size=M, reduce="max")
    smin = scatter(s, e, 0, dim_size=M, reduce="min")
    big = torch.full_like(v, N)
    i_e = scatter(torch.where(s == smax[e], v, big), e, 0, dim_size=M, reduce="min")
    j_e = scatter(torch.where(s == smin[e], v, -1), e, 0, dim_size=M, reduce="max")
    edges = (size >= 2).nonzero().view(-1)  # hyperedges that contribute
    sz = size.to(torch.float64)
    if mediators:
        coef = w / (2.0 * sz - 3.0)
        mid = (v != i_e[e]) & (v != j_e[e])
        k, ke = v[mid], e[mid]
        src = torch.cat([i_e[edges], i_e[ke], j_e[ke]])
        dst = torch.cat([j_e[edges], k, k])
        val = torch.cat([coef[edges], coef[ke], coef[ke]])
    else:
        src, dst, val = i_e[edges], j_e[edges], (w / sz)[edges]
    loops = torch.arange(N, device=device)
    row = torch.cat([src, dst, loops])
    col = torch.cat([dst, src, loops])
    val = torch.cat([val, val, torch.ones(N, device=device, dtype=torch.float64)])
    edge_index, val = coalesce(torch.stack([row, col]), val, N, reduce="sum")
    deg = scatter(val, edge_index[0], 0, dim_size=N, reduce="sum")
    dis = deg.pow(-0.5).masked_fill(deg <= 0, 0.0)
    val = dis[edge_index[0]] * val * dis[edge_index[1]]
    return edge_index, val.to(signal.dtype)


class HyperGCNConv(torch.nn.Module):
    r"""The convolution of `HyperGCN <https://arxiv.org/abs/1809.02589>`_:

    .. math::
        X' = D̃^{-1/2} (A + I) D̃^{-1/2} X \Theta + b

    where :math:`A` is the graph approximation of the hypergraph built by
    :func:`hypergcn_graph` from a random 1-d projection of :math:`X\Theta` (rebuilt at every
    call, from the detached signal, as the reference's ``reapproximate=True``), or, with
    ``fast=True`` (FastHyperGCN), built once from this layer's *input* :math:`X` and cached per
    hypergraph and input tensor.  A precomputed graph can be passed as ``graph`` (a model shares
    one FastHyperGCN graph across its layers this way).  The graph is applied as a sparse CSR
    product; the CSR matrix of a cached or passed graph is kept too (per graph tensors), while a
    passed ``edge_value`` that requires grad is applied by gather/scatter, differentiably.

    The projection vector is drawn from a :class:`torch.Generator` seeded with ``seed`` (reset by
    :meth:`reset_parameters`), so runs are reproducible; without ``fast`` every call draws a new
    vector, so two calls (also in eval mode) may differ, as in the reference.

    Compared with the reference (``malllabiisc/HyperGCN``, ``model/utils.py``): the same weights
    :math:`1/(2|e|-3)` (mediators) / :math:`1/|e|` (no mediators), summed over hyperedges, the
    same :math:`+I` and symmetric normalisation, and :math:`r \sim U[0,1)`.  Deviations:
    hyperedge weights scale each hyperedge's edges by :math:`w_e`; singleton hyperedges add
    nothing (the reference adds a self-loop of weight :math:`-2` with mediators, since
    :math:`2|e|-3 = -1`, or :math:`+2` without); ties in the projection are broken by node id so
    that :math:`i_e \ne j_e` (see :func:`hypergcn_graph`); the gradient never flows through the
    graph construction (the reference detaches too).

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        mediators: connect the other members of each hyperedge to both extremes.
        fast: FastHyperGCN: build the graph once from the input features and cache it.
        bias: learn an additive bias.
        seed: seed of the projection generator.

    Shapes:
        - **input:** node features :math:`(N, F_{in})`, hyperedge_index :math:`(2, nnz)`,
          hyperedge_weight :math:`(M)` *(optional)*, graph *(optional)*
          ``(edge_index (2, E), edge_value (E))``
        - **output:** node features :math:`(N, F_{out})`
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        mediators: bool = True,
        fast: bool = False,
        bias: bool = True,
        seed: int = 0,
        max_cached: int = 8,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.mediators = mediators
        self.fast = fast
        self.seed = seed
        self.max_cached = max_cached
        self.generator = torch.Generator()
        self.lin = torch.nn.Linear(in_channels, out_channels, bias=False)
        self.bias = Parameter(torch.empty(out_channels)) if bias else None
        self._graphs: OrderedDict[int, tuple] = OrderedDict()
        self._mats: OrderedDict[int, tuple] = OrderedDict()  # CSR of cached / passed graphs
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()
        if self.bias is not None:
            torch.nn.init.zeros_(self.bias)
        self.generator.manual_seed(self.seed)
        self._graphs.clear()
        self._mats.clear()

    @staticmethod
    def _num_hyperedges(
        hyperedge_index: Tensor, hyperedge_weight: Tensor | None, num_hyperedges: int | None
    ) -> int:
        if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
            raise ValueError(f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}")
        if num_hyperedges is not None:
            M = num_hyperedges
        elif hyperedge_weight is not None:
            M = hyperedge_weight.numel()
        else:
            M = int(hyperedge_index[1].max()) + 1 if hyperedge_index.numel() else 0
        if hyperedge_weight is not None and hyperedge_weight.numel() != M:
            raise ValueError(f"hyperedge_weight has {hyperedge_weight.numel()} entries, expected {M}")
        return M

    def graph(
        self,
        signal: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
    ) -> tuple[Tensor, Tensor]:
        """The normalised graph from ``signal``; cached per (hypergraph, signal) when ``fast``."""
        M = self._num_hyperedges(hyperedge_index, hyperedge_weight, num_hyperedges)
        if not self.fast:
            return hypergcn_graph(
                signal, hyperedge_index, M, hyperedge_weight, self.mediators, self.generator
            )
        stamp = (
            hyperedge_index,
            hyperedge_index._version,
            hyperedge_weight,
            None if hyperedge_weight is None else hyperedge_weight._version,
            signal.size(0),
            M,
            signal.device,
            signal.dtype,
        )
        key = id(hyperedge_index)
        entry = self._graphs.get(key)
        # the input features are part of the key too (identity and version)
        if entry is None or not (
            same_stamp(entry[0], stamp) and entry[1] is signal and entry[2] == signal._version
        ):
            g = hypergcn_graph(signal, hyperedge_index, M, hyperedge_weight, self.mediators, self.generator)
            entry = (stamp, signal, signal._version, g)
            self._graphs[key] = entry
            while len(self._graphs) > self.max_cached:
                self._graphs.popitem(last=False)
        self._graphs.move_to_end(key)
        return entry[3]

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        graph: tuple[Tensor, Tensor] | None = None,
    ) -> Tensor:
        h = self.lin(x)
        keep = graph is not None or self.fast  # a graph used again: keep its CSR matrix
        if graph is None:
            graph = self.graph(x if self.fast else h, hyperedge_index, hyperedge_weight, num_hyperedges)
        edge_index, value = graph
        if value.requires_grad:  # a learnable passed graph: differentiable in its values
            msg = h[edge_index[1]] * value.to(h.dtype).unsqueeze(-1)
            out = scatter(msg, edge_index[0], 0, dim_size=x.size(0), reduce="sum")
        else:
            out = self._matrix(edge_index, value, x.size(0), h.dtype, keep) @ h
        if self.bias is not None:
            out = out + self.bias
        return out

    def _matrix(
        self, edge_index: Tensor, value: Tensor, num_nodes: int, dtype: torch.dtype, keep: bool
    ) -> SparsePair:
        """The graph as a CSR :class:`~hypergraph.nn.conv._sparse.SparsePair`; kept per graph
        tensors (identity and version) when ``keep`` (inference tensors have no version: not kept)."""
        if not keep or edge_index.is_inference() or value.is_inference():
            return SparsePair.from_entries(
                edge_index[0], edge_index[1], value.to(dtype), (num_nodes, num_nodes)
            )
        stamp = (edge_index, edge_index._version, value, value._version, num_nodes, dtype)
        key = id(edge_index)
        entry = self._mats.get(key)
        if entry is None or not same_stamp(entry[0], stamp):
            mat = SparsePair.from_entries(
                edge_index[0], edge_index[1], value.to(dtype), (num_nodes, num_nodes)
            )
            entry = (stamp, mat)
            self._mats[key] = entry
            while len(self._mats) > self.max_cached:
                self._mats.popitem(last=False)
        self._mats.move_to_end(key)
        return entry[1]

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
            f"mediators={self.mediators}, fast={self.fast})"
        )
