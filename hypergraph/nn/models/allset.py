"""AllDeepSets and AllSetTransformer node-classification models (AllSet, ICLR 2022)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from hypergraph.nn.conv.alldeepsets_conv import AllDeepSetsConv, SetMLP
from hypergraph.nn.conv.allsettransformer_conv import AllSetTransformerConv


class _SetGNN(torch.nn.Module):
    """AllSet's ``SetGNN`` (non-GPR path): input dropout, ``num_layers`` pairs of set layers
    (node → hyperedge, then hyperedge → node, each followed by ReLU and dropout) and a
    classifier MLP on the node states."""

    conv_cls: type[torch.nn.Module]

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int,
        dropout: float,
        input_dropout: float,
        classifier_layers: int,
        classifier_hidden: int | None,
        norm: str,
        conv_kwargs: dict,
    ) -> None:
        super().__init__()
        self._conv_kwargs = conv_kwargs
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        if classifier_layers < 1:
            raise ValueError(f"classifier_layers must be >= 1, got {classifier_layers}")
        dims = [in_channels] + [hidden_channels] * num_layers
        self.v2e = torch.nn.ModuleList(self._conv(a, hidden_channels, "node_to_hyperedge") for a in dims[:-1])
        self.e2v = torch.nn.ModuleList(
            self._conv(hidden_channels, hidden_channels, "hyperedge_to_node") for _ in range(num_layers)
        )
        hid = hidden_channels if classifier_hidden is None else classifier_hidden
        self.classifier = SetMLP(
            hidden_channels, hid, out_channels, classifier_layers, dropout, norm, input_norm=False
        )
        self.in_channels, self.out_channels, self.num_layers = in_channels, out_channels, num_layers
        self.dropout, self.input_dropout = dropout, input_dropout

    def _conv(self, in_channels: int, out_channels: int, flow: str) -> torch.nn.Module:
        return self.conv_cls(in_channels, out_channels, flow=flow, **self._conv_kwargs)

    def reset_parameters(self) -> None:
        for conv in [*self.v2e, *self.e2v]:
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
        ``return_hidden``).  Hyperedge weights are ignored, as in AllSet."""
        N = x.size(0)
        x = F.dropout(x, self.input_dropout, self.training)
        hidden = x
        for v2e, e2v in zip(self.v2e, self.e2v):
            e = F.relu(v2e(x, hyperedge_index, hyperedge_weight, num_hyperedges))
            e = F.dropout(e, self.dropout, self.training)
            x = F.relu(e2v(e, hyperedge_index, None, e.size(0), num_nodes=N))
            hidden = x
            x = F.dropout(x, self.dropout, self.training)
        out = self.classifier(x)
        return (out, hidden) if return_hidden else out

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
            f"num_layers={self.num_layers})"
        )


class AllDeepSets(_SetGNN):
    """AllDeepSets: :class:`~hypergraph.nn.conv.alldeepsets_conv.AllDeepSetsConv` pairs.

    Per layer ``x_e = ReLU(f_{V→E}(x))``, ``x_v = ReLU(f_{E→V}(x_e))`` with dropout after
    each, input dropout 0.2 first and a classifier MLP last, as AllSet's ``SetGNN`` with
    ``--method AllDeepSets`` (sum aggregation forced, LayerNorm MLPs with input norm).

    Defaults follow AllSet's ``src/run_one_model.sh`` / ``run_all_experiments.sh``
    (``--All_num_layers 1 --MLP_num_layers 2 --Classifier_num_layers 1``, dropout 0.5, input
    dropout 0.2 hard-coded in ``SetGNN.forward``); AllSet ships no per-dataset AllDeepSets
    script: it reports the best of the grid ``MLP_hidden`` ∈ {64, 128, 256, 512} ×
    ``Classifier_hidden`` ∈ {64, 128, 256} (with one classifier layer the classifier is a
    single linear map, so ``Classifier_hidden`` has no effect).

    Args:
        in_channels: input feature size.
        hidden_channels: width of the set MLPs and the node / hyperedge states
            (AllSet ``--MLP_hidden``).
        out_channels: number of classes.
        num_layers: number of V→E→V layer pairs (``--All_num_layers``).
        dropout: dropout between stages and inside the MLPs.
        input_dropout: dropout on the input features.
        mlp_layers: layers of each set MLP (``--MLP_num_layers``).
        classifier_layers: layers of the classifier (``--Classifier_num_layers``).
        classifier_hidden: classifier width (``--Classifier_hidden``; default
            ``hidden_channels``).
        aggr: set aggregation, ``"sum"`` (AllSet) or ``"mean"``.
        norm: normalisation in the MLPs (``"ln"``, ``"bn"``, ``"none"``).
        input_norm: normalise each set MLP's input (``--deepset_input_norm``).
    """

    conv_cls = AllDeepSetsConv

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 1,
        dropout: float = 0.5,
        input_dropout: float = 0.2,
        mlp_layers: int = 2,
        classifier_layers: int = 1,
        classifier_hidden: int | None = None,
        aggr: str = "sum",
        norm: str = "ln",
        input_norm: bool = True,
    ) -> None:
        kw = dict(mlp_layers=mlp_layers, dropout=dropout, aggr=aggr, norm=norm, input_norm=input_norm)
        super().__init__(
            in_channels, hidden_channels, out_channels, num_layers, dropout, input_dropout,
            classifier_layers, classifier_hidden, norm, kw,
        )  # fmt: skip
        self.reset_parameters()


class AllSetTransformer(_SetGNN):
    """AllSetTransformer: :class:`~hypergraph.nn.conv.allsettransformer_conv.AllSetTransformerConv`
    pairs, wired as :class:`AllDeepSets` (AllSet's ``SetGNN`` with ``--method
    AllSetTransformer``, i.e. ``PMA=True``).

    Defaults are AllSet's CC-Cora command in ``src/run_AllSetTransformer.sh``:
    ``--All_num_layers 1 --MLP_num_layers 2 --heads 4 --Classifier_num_layers 1
    --MLP_hidden 256 --Classifier_hidden 128`` (pass ``hidden_channels=256``), dropout 0.5,
    input dropout 0.2, Adam lr 1e-3, wd 0, 500 epochs.  Other sets there use 8 heads and
    widths 128–512.

    Args:
        in_channels: input feature size.
        hidden_channels: width of the states, divisible by ``heads`` (``--MLP_hidden``).
        out_channels: number of classes.
        num_layers: number of V→E→V layer pairs (``--All_num_layers``).
        dropout: dropout between stages and in the classifier.
        input_dropout: dropout on the input features.
        heads: attention heads (``--heads``).
        mlp_layers: layers of the feed-forward MLP in each set layer (``--MLP_num_layers``).
        classifier_layers: layers of the classifier (``--Classifier_num_layers``).
        classifier_hidden: classifier width (default ``hidden_channels``).
        norm: normalisation in the classifier MLP (``"ln"``, ``"bn"``, ``"none"``).
    """

    conv_cls = AllSetTransformerConv

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 1,
        dropout: float = 0.5,
        input_dropout: float = 0.2,
        heads: int = 4,
        mlp_layers: int = 2,
        classifier_layers: int = 1,
        classifier_hidden: int | None = None,
        norm: str = "ln",
    ) -> None:
        kw = dict(heads=heads, mlp_layers=mlp_layers)
        super().__init__(
            in_channels, hidden_channels, out_channels, num_layers, dropout, input_dropout,
            classifier_layers, classifier_hidden, norm, kw,
        )  # fmt: skip
        self.reset_parameters()
