"""AllSetTransformer set-function layer (Chien et al., *You are AllSet*, ICLR 2022)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Parameter
from torch_geometric.utils import scatter, softmax

from hypergraph.nn.conv.alldeepsets_conv import FLOWS, SetMLP, set_sizes


class AllSetTransformerConv(torch.nn.Module):
    r"""One direction of the AllSetTransformer layer of
    `AllSet <https://arxiv.org/abs/2106.13264>`_ (pooling by multi-head attention, ``PMA``):

    .. math::
        \alpha_{st}^{(h)} &= \operatorname{softmax}_{s \in S(t)}\Big(
            \mathrm{LeakyReLU}\big(\langle K^{(h)} x_s, \theta^{(h)} \rangle\big)\Big) \\
        \mathrm{MH}_t &= \big\Vert_{h=1}^{H} \sum_{s \in S(t)} \alpha_{st}^{(h)} V^{(h)} x_s \\
        Y_t &= \mathrm{LN}(\theta + \mathrm{MH}_t), \qquad
        z_t = \mathrm{LN}\big(Y_t + \mathrm{ReLU}(\mathrm{MLP}(Y_t))\big)

    with a learnable seed :math:`\theta = \Vert_h \theta^{(h)} \in \mathbb{R}^{F_{out}}`
    (the query of every set), key / value maps :math:`K, V` (with bias) and
    ``heads`` heads of size :math:`F_{out} / H`.  For ``flow="node_to_hyperedge"`` the sets
    :math:`S(e)` are the members of each hyperedge, for ``flow="hyperedge_to_node"`` the
    hyperedges of each node; the softmax is a segment softmax grouped by the target, never a
    dense matrix.  As in AllSet's code, the score is a LeakyReLU (slope 0.2) of the dot product
    of key and seed (no :math:`1/\sqrt{d}` scaling), no output projection follows the heads,
    the row-wise feed-forward ``MLP`` has no normalisation and a ReLU is applied to its output
    before the residual.  A target with no members gets
    :math:`\mathrm{MH}_t = 0`, i.e. the seed-only output (no NaN).

    Hyperedge weights are ignored, as in AllSet; ``hyperedge_weight`` only fixes the number of
    hyperedges.

    Args:
        in_channels: input feature size.
        out_channels: output feature size (divisible by ``heads``).
        heads: number of attention heads (AllSet ``--heads``).
        mlp_layers: layers of the feed-forward MLP (AllSet ``--MLP_num_layers``, ≥ 1).
        negative_slope: slope of the LeakyReLU on the scores.
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
        heads: int = 1,
        mlp_layers: int = 2,
        negative_slope: float = 0.2,
        flow: str = "node_to_hyperedge",
    ) -> None:
        super().__init__()
        if heads < 1 or out_channels % heads != 0:
            raise ValueError(f"out_channels ({out_channels}) must be a positive multiple of heads ({heads})")
        if mlp_layers < 1:
            raise ValueError(f"mlp_layers must be >= 1, got {mlp_layers}")
        if flow not in FLOWS:
            raise ValueError(f"unknown flow {flow!r}; valid: {', '.join(FLOWS)}")
        self.in_channels, self.out_channels, self.heads = in_channels, out_channels, heads
        self.head_channels = out_channels // heads
        self.negative_slope, self.flow = negative_slope, flow
        self.lin_key = torch.nn.Linear(in_channels, out_channels)
        self.lin_value = torch.nn.Linear(in_channels, out_channels)
        self.seed = Parameter(torch.empty(heads, self.head_channels))
        self.norm0 = torch.nn.LayerNorm(out_channels)
        self.norm1 = torch.nn.LayerNorm(out_channels)
        self.mlp = SetMLP(out_channels, out_channels, out_channels, mlp_layers, 0.0, "none")
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for lin in (self.lin_key, self.lin_value):
            lin.reset_parameters()
            torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.xavier_uniform_(self.seed.data.view(1, self.heads, self.head_channels))
        self.norm0.reset_parameters()
        self.norm1.reset_parameters()
        self.mlp.reset_parameters()

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        num_nodes: int | None = None,
        return_attention: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Target features (and the ``[nnz, heads]`` attention when ``return_attention``);
        ``num_nodes`` sets the output size of ``hyperedge_to_node``."""
        src, dst, num_targets = set_sizes(
            self.flow, x, hyperedge_index, hyperedge_weight, num_hyperedges, num_nodes
        )
        H, C = self.heads, self.head_channels
        key = self.lin_key(x).view(-1, H, C)
        value = self.lin_value(x).view(-1, H, C)
        score = F.leaky_relu((key * self.seed).sum(-1), self.negative_slope)  # [n_src, H]
        alpha = softmax(score[src], dst, num_nodes=num_targets, dim=0)  # [nnz, H]
        mh = scatter(value[src] * alpha.unsqueeze(-1), dst, 0, dim_size=num_targets, reduce="sum")
        y = self.norm0((mh + self.seed).view(-1, H * C))
        out = self.norm1(y + F.relu(self.mlp(y)))
        return (out, alpha) if return_attention else out

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
            f"heads={self.heads}, flow={self.flow})"
        )
