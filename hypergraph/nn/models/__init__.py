"""Models built from the layers of :mod:`hypergraph.nn.conv`, each registered in ``MODELS``.

Node models take ``(in_channels, hidden_channels, out_channels, ...)`` and are called as
``model(x, hyperedge_index, hyperedge_weight=None, num_hyperedges=None)``, returning logits
``[N, out_channels]``; graph models (``hyperdrop``, ``gcn``, ``hypercluster``) take a PyG batch;
the task-specific scorers (``hyperedge_predictor``, ``triangle_scorer``, ``candidate_mlp``) wrap
an encoder or score candidate rows.  Every model takes ``hidden_channels``.  A new model is one
file here plus one line below.
"""

from hypergraph.nn.models.allset import AllDeepSets, AllSetTransformer
from hypergraph.nn.models.candidate_mlp import CandidateMLP
from hypergraph.nn.models.cegnn import CEGAT, CEGCN
from hypergraph.nn.models.dual import GCNNet, HyperClusterAutoencoder, HyperClusterNet, HyperDropNet
from hypergraph.nn.models.edhnn import EDHNN
from hypergraph.nn.models.hcha import HCHA
from hypergraph.nn.models.hgnn import HGNN, HGNNP
from hypergraph.nn.models.hnhn import HNHN
from hypergraph.nn.models.hyperedge_predictor import HyperedgePredictor, SetDecoder
from hypergraph.nn.models.hypergcn import HyperGCN
from hypergraph.nn.models.mlp import MLP
from hypergraph.nn.models.triangle_scorer import TriangleScorer
from hypergraph.nn.models.unignn import UniGAT, UniGCN, UniGCNII, UniGIN, UniSAGE
from hypergraph.registry import MODELS

# node models (node_classification, the LightHGNN teacher, link-prediction encoders)
MODELS.register("hgnn", HGNN)
MODELS.register("hgnnp", HGNNP)
MODELS.register("mlp", MLP)
MODELS.register("unigcn", UniGCN)
MODELS.register("unigat", UniGAT)
MODELS.register("unigin", UniGIN)
MODELS.register("unisage", UniSAGE)
MODELS.register("unigcnii", UniGCNII)
MODELS.register("hcha", HCHA)
MODELS.register("hnhn", HNHN)
MODELS.register("hypergcn", HyperGCN)
MODELS.register("alldeepsets", AllDeepSets)
MODELS.register("allsettransformer", AllSetTransformer)
MODELS.register("edhnn", EDHNN)
MODELS.register("cegcn", CEGCN)
MODELS.register("cegat", CEGAT)
# graph models (graph_classification)
MODELS.register("hyperdrop", HyperDropNet)
MODELS.register("gcn", GCNNet)
MODELS.register("hypercluster", HyperClusterNet)
# task-specific scorers built by their tasks around an encoder
MODELS.register("hyperedge_predictor", HyperedgePredictor)
MODELS.register("triangle_scorer", TriangleScorer)
MODELS.register("candidate_mlp", CandidateMLP)

NODE_MODELS = (
    "mlp", "hgnn", "hgnnp", "hcha", "hnhn", "hypergcn", "unigcn", "unigat", "unigin", "unisage",
    "unigcnii", "alldeepsets", "allsettransformer", "edhnn", "cegcn", "cegat",
)  # fmt: skip
GRAPH_MODELS = ("hyperdrop", "gcn", "hypercluster")
SCORERS = ("hyperedge_predictor", "triangle_scorer", "candidate_mlp")

__all__ = [
    "AllDeepSets",
    "AllSetTransformer",
    "CEGAT",
    "CEGCN",
    "EDHNN",
    "HCHA",
    "HNHN",
    "HyperGCN",
    "CandidateMLP",
    "GCNNet",
    "GRAPH_MODELS",
    "HGNN",
    "HGNNP",
    "HyperClusterAutoencoder",
    "HyperClusterNet",
    "HyperDropNet",
    "HyperedgePredictor",
    "MLP",
    "NODE_MODELS",
    "SCORERS",
    "SetDecoder",
    "TriangleScorer",
    "UniGAT",
    "UniGCN",
    "UniGCNII",
    "UniGIN",
    "UniSAGE",
]
