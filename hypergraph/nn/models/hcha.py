"""HCHA node-classification model (hypergraph convolution, optionally with attention)."""

from __future__ import annotations

from torch import Tensor

from hypergraph.nn.conv.hcha_conv import HCHAConv
from hypergraph.nn.models.stack import ConvStack


class HCHA(ConvStack):
    """A stack of :class:`~hypergraph.nn.conv.hcha_conv.HCHAConv` layers.

    Each hidden layer is conv → ReLU → (BatchNorm) → Dropout; the last layer is a plain conv
    returning logits.  ``symdegnorm=True`` gives AllSet's "HGNN" row (AllSet's ``HCHA`` model
    uses ELU between layers; ReLU here, as in every model of this package).  With attention,
    hidden layers concatenate ``heads`` heads (width ``heads * hidden_channels``) and the last
    layer averages its heads; ``hyperedge_attr`` (``in_channels`` wide), when given, is used by
    the first layer only, later layers use the member mean.

    Args:
        in_channels: input feature size.
        hidden_channels: hidden size (per head with attention).
        out_channels: output size (number of classes).
        num_layers: number of conv layers (≥ 1).
        dropout: dropout after each hidden layer.
        input_dropout: dropout on the input features.
        batch_norm: BatchNorm after each hidden activation.
        symdegnorm: symmetric degree normalisation in every layer.
        use_attention: hypergraph attention in every layer.
        heads: attention heads.
        attention_dropout: dropout on the attention coefficients.
        attention_degree: degrees of the attention matrix (``"attention"``) or of the incidence
            matrix (``"incidence"``, PyG); see :class:`~hypergraph.nn.conv.hcha_conv.HCHAConv`.
        cached: cache the normalised operator (without attention; shared by all layers).
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        input_dropout: float = 0.0,
        batch_norm: bool = False,
        symdegnorm: bool = False,
        use_attention: bool = False,
        heads: int = 1,
        attention_dropout: float = 0.0,
        attention_degree: str = "attention",
        cached: bool = False,
    ) -> None:
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        heads = heads if use_attention else 1
        width = heads * hidden_channels
        ins = [in_channels] + [width] * (num_layers - 1)
        kw = dict(
            symdegnorm=symdegnorm,
            use_attention=use_attention,
            heads=heads,
            attention_dropout=attention_dropout,
            attention_degree=attention_degree,
            cached=cached,
        )
        convs = [HCHAConv(a, hidden_channels, concat=True, **kw) for a in ins[:-1]]
        convs.append(HCHAConv(ins[-1], out_channels, concat=False, **kw))
        for conv in convs[1:]:  # one operator cache for all layers: built once per structure
            conv.propagation = convs[0].propagation
        super().__init__(convs, width, dropout, input_dropout, batch_norm)

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        return_hidden: bool = False,
        hyperedge_attr: Tensor | None = None,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the last hidden embedding when ``return_hidden``);
        ``hyperedge_attr`` goes to the first conv only."""
        first = {"hyperedge_attr": hyperedge_attr}
        return super().forward(x, hyperedge_index, hyperedge_weight, num_hyperedges, return_hidden, first)
