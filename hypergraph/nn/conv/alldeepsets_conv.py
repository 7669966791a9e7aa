"""AllDeepSets set-function layer (Chien et al., *You are AllSet*, ICLR 2022).

Also holds the two helpers shared by the AllSet / ED-HNN layers: :class:`SetMLP` (AllSet's
MLP block with LayerNorm) and :func:`set_sizes` (source / target ids of one propagation
direction).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.utils import scatter

from hypergraph.data.ops import check_ids

FLOWS = ("node_to_hyperedge", "hyperedge_to_node")
NORMS = ("ln", "bn", "none")


class SetMLP(torch.nn.Module):
    r"""The MLP block of AllSet (``src/layers.py`` ``MLP``, also used by ED-HNN):

    .. math::
        \mathrm{MLP}(x) = W_L\, h_{L-1}, \qquad
        h_l = \mathrm{Dropout}(\mathrm{Norm}(\mathrm{ReLU}(W_l h_{l-1} + b_l))), \qquad
        h_0 = \mathrm{Norm}_{in}(x)

    :math:`\mathrm{Norm}_{in}` is applied only when ``input_norm`` is set; ``num_layers=1`` is a
    single (optionally input-normalised) linear map and ``num_layers=0`` the identity.

    Args:
        in_channels: input size.
        hidden_channels: size of the hidden layers.
        out_channels: output size.
        num_layers: number of linear layers (``0``: identity, needs ``in == out``).
        dropout: dropout after each hidden layer.
        norm: ``"ln"`` (LayerNorm, AllSet's default), ``"bn"`` (BatchNorm) or ``"none"``.
        input_norm: normalise the input before the first linear layer (AllSet's
            ``deepset_input_norm``).

    Shapes:
        - **input:** :math:`(*, F_{in})`
        - **output:** :math:`(*, F_{out})`
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.0,
        norm: str = "ln",
        input_norm: bool = False,
    ) -> None:
        super().__init__()
        if num_layers < 0:
            raise ValueError(f"num_layers must be >= 0, got {num_layers}")
        if norm not in NORMS:
            raise ValueError(f"unknown norm {norm!r}; valid: {', '.join(NORMS)}")
        if num_layers == 0 and in_channels != out_channels:
            raise ValueError(
                f"a 0-layer MLP is the identity: in_channels ({in_channels}) must equal "
                f"out_channels ({out_channels})"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.num_layers, self.dropout, self.norm = num_layers, dropout, norm
        dims = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.lins = (
            torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
            if num_layers > 0
            else torch.nn.ModuleList()
        )
        self.input_norm = self._norm(in_channels) if input_norm and num_layers > 0 else torch.nn.Identity()
        self.norms = torch.nn.ModuleList(self._norm(hidden_channels) for _ in range(max(num_layers - 1, 0)))
        self.reset_parameters()

    def _norm(self, channels: int) -> torch.nn.Module:
        if self.norm == "ln":
            return torch.nn.LayerNorm(channels)
        if self.norm == "bn":
            return torch.nn.BatchNorm1d(channels)
        return torch.nn.Identity()

    def reset_parameters(self) -> None:
        for module in [*self.lins, self.input_norm, *self.norms]:
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def forward(self, x: Tensor) -> Tensor:
        if self.num_layers == 0:
            return x
        h = self.lins[0](self.input_norm(x))
        return h if self.num_layers == 1 else self.lins[-1](self.hidden(h))

    def hidden(self, h: Tensor) -> Tensor:
        """The layers between the first and the last linear map: from ``h = lins[0](norm_in(x))``
        to the input of ``lins[-1]`` (needs ``num_layers >= 2``).  Lets a caller compute the first
        map and apply the last one its own way (:class:`~hypergraph.nn.conv.edhnn_conv.EDHNNConv`)."""
        for i, norm in enumerate(self.norms):
            h = F.dropout(norm(F.relu(h)), self.dropout, self.training)
            if i + 1 < len(self.norms):
                h = self.lins[i + 1](h)
        return h

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
            f"num_layers={self.num_layers}, norm={self.norm})"
        )


def set_sizes(
    flow: str,
    x: Tensor,
    hyperedge_index: Tensor,
    hyperedge_weight: Tensor | None = None,
    num_hyperedges: int | None = None,
    num_nodes: int | None = None,
) -> tuple[Tensor, Tensor, int]:
    """Source ids, target ids and the number of targets of one propagation direction.

    ``node_to_hyperedge``: ``x`` holds node features (``num_nodes = x.size(0)``) and there are
    ``num_hyperedges`` targets (explicit, else ``hyperedge_weight.numel()``, else max id + 1).
    ``hyperedge_to_node``: ``x`` holds hyperedge features (``num_hyperedges = x.size(0)``) and
    there are ``num_nodes`` targets (explicit, else max node id + 1).
    """
    if flow not in FLOWS:
        raise ValueError(f"unknown flow {flow!r}; valid: {', '.join(FLOWS)}")
    if hyperedge_index.dim() != 2 or hyperedge_index.size(0) != 2:
        raise ValueError(f"hyperedge_index must have shape [2, nnz], got {list(hyperedge_index.shape)}")
    nnz = hyperedge_index.size(1)
    if flow == "node_to_hyperedge":
        n = x.size(0)
        if num_nodes is not None and num_nodes != n:
            raise ValueError(f"num_nodes={num_nodes} but x has {n} rows (node features)")
        if num_hyperedges is None:
            if hyperedge_weight is not None:
                num_hyperedges = hyperedge_weight.numel()
            else:
                num_hyperedges = int(hyperedge_index[1].max()) + 1 if nnz else 0
        m = num_hyperedges
        src, dst, num_targets = hyperedge_index[0], hyperedge_index[1], m
    else:
        m = x.size(0)
        if num_hyperedges is not None and num_hyperedges != m:
            raise ValueError(f"num_hyperedges={num_hyperedges} but x has {m} rows (hyperedge features)")
        if num_nodes is None:
            num_nodes = int(hyperedge_index[0].max()) + 1 if nnz else 0
        n = num_nodes
        src, dst, num_targets = hyperedge_index[1], hyperedge_index[0], n
    check_ids(hyperedge_index, n, m)
    return src, dst, num_targets


class AllDeepSetsConv(torch.nn.Module):
    r"""One direction of the AllDeepSets layer of `AllSet <https://arxiv.org/abs/2106.13264>`_
    (``HalfNLHconv`` without attention):

    .. math::
        z_t = \mathrm{MLP}_{dec}\Big(\sum_{s \in S(t)}
              \mathrm{Dropout}\big(\mathrm{ReLU}(\mathrm{MLP}_{enc}(x_s))\big)\Big)

    For ``flow="node_to_hyperedge"`` the targets :math:`t` are hyperedges and
    :math:`S(e) = \{v : v \in e\}`; for ``flow="hyperedge_to_node"`` the targets are nodes and
    :math:`S(v) = \{e : v \in e\}`.  The AllDeepSets model applies one layer of each flow in
    turn, so a full layer is :math:`x'_v = \mathrm{MLP}_4(\sum_{e \ni v} \mathrm{MLP}_3(
    \mathrm{MLP}_2(\sum_{u \in e} \mathrm{MLP}_1(x_u))))` (with the ReLUs of AllSet).
    Both MLPs are :class:`SetMLP` blocks with LayerNorm on their input and after each hidden
    layer (AllSet's ``--normalization ln --deepset_input_norm True``).  AllSet runs
    AllDeepSets with the sum (``aggregate='add'`` is forced in ``train.py``); ``aggr="mean"``
    is available.  The final ReLU of AllSet's ``HalfNLHconv`` is left to the model.

    Hyperedge weights are ignored, as in AllSet (its incidence ``norm`` is all ones,
    ``normtype='all_one'``); ``hyperedge_weight`` only fixes the number of hyperedges.  A
    target with no members aggregates the zero vector (no NaN).

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        hidden_channels: width of both MLPs (default ``out_channels``).
        mlp_layers: layers of each MLP (AllSet ``--MLP_num_layers``; ``0``: identity MLPs).
        dropout: dropout inside the MLPs and on the encoded members.
        aggr: ``"sum"`` (AllSet) or ``"mean"``.
        norm: normalisation in the MLPs: ``"ln"``, ``"bn"`` or ``"none"``.
        input_norm: normalise each MLP's input.
        flow: ``"node_to_hyperedge"`` or ``"hyperedge_to_node"``.

    Shapes:
        - **input:** source features :math:`(N, F_{in})` (nodes) or :math:`(M, F_{in})`
          (hyperedges), hyperedge_index :math:`(2, nnz)`, hyperedge_weight :math:`(M)`
          *(optional, ignored)*
        - **output:** target features :math:`(M, F_{out})` or :math:`(N, F_{out})`
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int | None = None,
        mlp_layers: int = 2,
        dropout: float = 0.0,
        aggr: str = "sum",
        norm: str = "ln",
        input_norm: bool = True,
        flow: str = "node_to_hyperedge",
    ) -> None:
        super().__init__()
        if aggr not in ("sum", "mean"):
            raise ValueError(f"unknown aggr {aggr!r}; valid: sum, mean")
        if flow not in FLOWS:
            raise ValueError(f"unknown flow {flow!r}; valid: {', '.join(FLOWS)}")
        hidden = out_channels if hidden_channels is None else hidden_channels
        if mlp_layers == 0 and not in_channels == hidden == out_channels:
            raise ValueError("mlp_layers=0 needs in_channels == hidden_channels == out_channels")
        self.in_channels, self.out_channels, self.hidden_channels = in_channels, out_channels, hidden
        self.dropout, self.aggr, self.flow = dropout, aggr, flow
        self.enc = SetMLP(in_channels, hidden, hidden, mlp_layers, dropout, norm, input_norm)
        self.dec = SetMLP(hidden, hidden, out_channels, mlp_layers, dropout, norm, input_norm)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.enc.reset_parameters()
        self.dec.reset_parameters()

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        num_nodes: int | None = None,
    ) -> Tensor:
        """Target features; ``num_nodes`` sets the output size of ``hyperedge_to_node``."""
        src, dst, num_targets = set_sizes(
            self.flow, x, hyperedge_index, hyperedge_weight, num_hyperedges, num_nodes
        )
        h = F.dropout(F.relu(self.enc(x)), self.dropout, self.training)
        s = scatter(h[src], dst, 0, dim_size=num_targets, reduce=self.aggr)
        return self.dec(s)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, flow={self.flow})"
