"""ED-HNN node-classification model (Wang et al., ICLR 2023)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from hypergraph.nn.conv.alldeepsets_conv import SetMLP
from hypergraph.nn.conv.edhnn_conv import EDHNNConv


class EDHNN(torch.nn.Module):
    """ED-HNN (``EquivSetGNN`` of ``Graph-COM/ED-HNN``, ``models/edgnn.py``).

    ``x ← Dropout(x)``, ``x⁰ = x ← ReLU(Linear(x))``, then ``num_layers`` times
    ``x ← ReLU(EDHNNConv(Dropout(x), x⁰))``, and a classifier MLP on ``Dropout(x)``.  As in the
    reference, one :class:`~hypergraph.nn.conv.edhnn_conv.EDHNNConv` is shared by all layers
    (a diffusion operator applied ``num_layers`` times; ``share_weights=False`` gives one per
    layer), and the input is dropped with ``dropout``: ED-HNN defines ``--input_dropout``
    but its forward applies ``self.dropout`` to the input (``input_dropout=None`` reproduces
    that; a float overrides it).

    Defaults are the CC-Cora command of ED-HNN's README: ``--All_num_layers 1
    --MLP_num_layers 0 --MLP2_num_layers 0 --MLP3_num_layers 1 --Classifier_num_layers 1
    --MLP_hidden 256 --Classifier_hidden 256 --aggregate mean --restart_alpha 0.0 --lr 0.001
    --wd 0 --epochs 500`` (pass ``hidden_channels=256``), with ``train.py`` defaults dropout
    0.5, ``--normalization ln``, ``--AllSet_input_norm True``, ReLU.  With these the layer
    reduces to a mean–mean propagation followed by LayerNorm + Linear.  The deep recipe
    (Pubmed, Senate, House) is ``num_layers=8``, ``mlp*_layers=2``, ``alpha=0.5``,
    ``hidden_channels=512`` / 256, ``classifier_layers`` 2 / 1.

    Args:
        in_channels: input feature size.
        hidden_channels: width of all hidden states and MLPs (``--MLP_hidden``).
        out_channels: number of classes.
        num_layers: number of diffusion steps (``--All_num_layers``).
        dropout: dropout on the input, before each layer and classifier, and inside MLPs.
        input_dropout: dropout on the input features (default: ``dropout``, as the reference).
        mlp1_layers: layers of the node→hyperedge MLP (``--MLP_num_layers``).
        mlp2_layers: layers of the hyperedge→node MLP (``--MLP2_num_layers``).
        mlp3_layers: layers of the node update MLP (``--MLP3_num_layers``).
        aggr: ``"mean"`` or ``"sum"`` (``--aggregate``).
        alpha: initial-residual weight (``--restart_alpha``).
        norm: normalisation in the MLPs (``--normalization``: ``"ln"``, ``"bn"``, ``"none"``).
        input_norm: normalise each conv MLP's input (``--AllSet_input_norm``).
        classifier_layers: layers of the classifier (``--Classifier_num_layers``).
        classifier_hidden: classifier width (default ``hidden_channels``).
        share_weights: one conv for all layers (the reference) or one per layer.
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 1,
        dropout: float = 0.5,
        input_dropout: float | None = None,
        mlp1_layers: int = 0,
        mlp2_layers: int = 0,
        mlp3_layers: int = 1,
        aggr: str = "mean",
        alpha: float = 0.0,
        norm: str = "ln",
        input_norm: bool = True,
        classifier_layers: int = 1,
        classifier_hidden: int | None = None,
        share_weights: bool = True,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        if classifier_layers < 1:
            raise ValueError(f"classifier_layers must be >= 1, got {classifier_layers}")
        C = hidden_channels
        self.lin_in = torch.nn.Linear(in_channels, C)

        def conv() -> EDHNNConv:
            return EDHNNConv(
                C, C, mlp1_layers, mlp2_layers, mlp3_layers, aggr, alpha, dropout, norm, input_norm
            )

        self.convs = torch.nn.ModuleList([conv()] if share_weights else [conv() for _ in range(num_layers)])
        hid = C if classifier_hidden is None else classifier_hidden
        self.classifier = SetMLP(C, hid, out_channels, classifier_layers, dropout, norm, input_norm=False)
        self.in_channels, self.out_channels, self.num_layers = in_channels, out_channels, num_layers
        self.dropout = dropout
        self.input_dropout = dropout if input_dropout is None else input_dropout
        self.share_weights = share_weights
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin_in.reset_parameters()
        for conv in self.convs:
            conv.reset_parameters()
        self.classifier.reset_parameters()

    def forward(
        self,
        x: Tensor,
        hyperedge_index: Tensor,
        hyperedge_weight: Tensor | None = None,
        num_hyperedges: int | None = None,
        return_hidden: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Logits ``[N, C]`` (and the node states fed to the classifier when
        ``return_hidden``).  Hyperedge weights are ignored, as in ED-HNN."""
        x = F.dropout(x, self.input_dropout, self.training)
        x = x0 = F.relu(self.lin_in(x))
        for i in range(self.num_layers):
            conv = self.convs[0 if self.share_weights else i]
            x = F.dropout(x, self.dropout, self.training)
            x = F.relu(conv(x, hyperedge_index, hyperedge_weight, num_hyperedges, x0=x0))
        hidden = x
        out = self.classifier(F.dropout(x, self.dropout, self.training))
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
            f"num_layers={self.num_layers})"
        )
