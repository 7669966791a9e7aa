"""The layers timed by ``scripts/bench_conv.py`` and their peers (DeepHypergraph, optional, and
PyG), each a builder that returns the forward call on a :class:`Case`.

Ours: key -> (name in the table, peer names, builder).  Peers: name -> builder, which returns
``None`` when ``dhg`` is missing and a string (the reason) when the peer cannot run the case.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor
from torch_geometric.utils import scatter

Call = Callable[[], Tensor]
NOTES = (
    "One attention head on both sides.  Our HGNN / HGNN+ / HCHA run with cached=True (DHG keeps its "
    "operators in the Hypergraph object); our other layers rebuild their incidence matrix at every call "
    "(cached=False, as the model zoo runs them).  HCHAConv with attention uses "
    "attention_degree='incidence', the formula of PyG's attention_mode='edge', with hyperedge_attr = "
    "member means on both sides.  UniSAGEConv concat=False and UniGINConv train_eps=True, as DHG's.  "
    "UniGCNIIConv runs out -> out on fixed random features (its x and x_0); EDHNNConv takes them as x0.  "
    "The AllSet layers are one node-to-hyperedge plus one hyperedge-to-node pass."
)


def _groups(hyperedge_index: Tensor, num_hyperedges: int) -> list[list[int]]:
    """Distinct hyperedges with at least two members, as sorted node lists (DHG's input)."""
    hi = hyperedge_index.cpu()
    order = torch.argsort(hi[1], stable=True)
    nodes = hi[0][order].tolist()
    ends = torch.bincount(hi[1], minlength=num_hyperedges).cumsum(0).tolist()
    uniq = dict.fromkeys(tuple(sorted(set(nodes[a:b]))) for a, b in zip([0, *ends[:-1]], ends))
    return [list(g) for g in uniq if len(g) >= 2]


@dataclass
class Case:
    """One benchmark input: features, the canonical structure, and what the layers share."""

    name: str
    x: Tensor
    out: int
    groups: list[list[int]]
    hyperedge_index: Tensor = field(init=False)
    num_hyperedges: int = field(init=False)
    xg: Tensor = field(init=False)  # the input features, requiring grad (shared by all)
    hidden: Tensor = field(init=False)  # [N, out]: UniGCNII's input and x_0, EDHNN's x0
    edge_attr: Tensor = field(init=False)  # [M, F_in] member means (HCHA / PyG attention)
    _dhg: object = None

    def __post_init__(self) -> None:
        dev = self.x.device
        sizes = torch.tensor([len(g) for g in self.groups], dtype=torch.long)
        self.num_hyperedges = len(self.groups)
        nodes = torch.tensor([v for g in self.groups for v in g], dtype=torch.long)
        edges = torch.repeat_interleave(torch.arange(self.num_hyperedges), sizes)
        self.hyperedge_index = torch.stack([nodes, edges]).to(dev)
        self.xg = self.x.clone().requires_grad_(True)
        gen = torch.Generator().manual_seed(0)
        self.hidden = torch.randn(self.x.size(0), self.out, generator=gen).to(dev)
        v, e = self.hyperedge_index
        self.edge_attr = scatter(self.x[v], e, 0, dim_size=self.num_hyperedges, reduce="mean")

    @property
    def num_nodes(self) -> int:
        return self.x.size(0)

    def dhg(self) -> object | None:
        """DHG's ``Hypergraph`` of this case, built once (its build time printed); ``None``
        without ``dhg``."""
        if self._dhg is None:
            try:
                import dhg
            except ImportError:
                return None
            t = time.perf_counter()
            self._dhg = dhg.Hypergraph(self.num_nodes, self.groups, device=self.x.device)
            print(f"  DHG Hypergraph built from lists in {time.perf_counter() - t:.2f} s")
        return self._dhg


def make_case(name: str, x: Tensor, hyperedge_index: Tensor, num_hyperedges: int, out: int) -> Case:
    return Case(name, x, out, _groups(hyperedge_index, num_hyperedges))


def _mod(module: torch.nn.Module, case: Case) -> torch.nn.Module:
    return module.to(case.x.device)


def _fin(case: Case) -> int:
    return case.x.size(1)


# ----- our layers: key -> (name in the table, peers, builder returning the forward call) -----


def _hgnn_family(cls_name: str, **kw: object) -> Callable[[Case], Call]:
    def build(c: Case) -> Call:
        from hypergraph.nn import conv as C

        m = _mod(getattr(C, cls_name)(_fin(c), c.out, cached=True, **kw), c)
        return lambda: m(c.xg, c.hyperedge_index, None, c.num_hyperedges)

    return build


def _hcha_att(c: Case) -> Call:
    from hypergraph.nn.conv import HCHAConv

    m = _mod(HCHAConv(_fin(c), c.out, use_attention=True, attention_degree="incidence"), c)
    return lambda: m(c.xg, c.hyperedge_index, None, c.num_hyperedges, hyperedge_attr=c.edge_attr)


def _hypergcn(**kw: object) -> Callable[[Case], Call]:
    def build(c: Case) -> Call:
        from hypergraph.nn.conv import HyperGCNConv

        m = _mod(HyperGCNConv(_fin(c), c.out, **kw), c)
        return lambda: m(c.xg, c.hyperedge_index, None, c.num_hyperedges)

    return build


def _plain(cls_name: str, **kw: object) -> Callable[[Case], Call]:
    def build(c: Case) -> Call:
        from hypergraph.nn import conv as C

        m = _mod(getattr(C, cls_name)(_fin(c), c.out, **kw), c)
        return lambda: m(c.xg, c.hyperedge_index, None, c.num_hyperedges)

    return build


def _unigcnii(c: Case) -> Call:
    from hypergraph.nn.conv import UniGCNIIConv

    m, h = _mod(UniGCNIIConv(c.out), c), c.hidden.clone().requires_grad_(True)
    return lambda: m(h, c.hidden, c.hyperedge_index, None, c.num_hyperedges)


def _allset(cls_name: str) -> Callable[[Case], Call]:
    def build(c: Case) -> Call:
        from hypergraph.nn import conv as C

        cls = getattr(C, cls_name)
        v2e = _mod(cls(_fin(c), c.out, flow="node_to_hyperedge"), c)
        e2v = _mod(cls(c.out, c.out, flow="hyperedge_to_node"), c)
        hi, m, n = c.hyperedge_index, c.num_hyperedges, c.num_nodes
        return lambda: e2v(v2e(c.xg, hi, None, m), hi, None, m, num_nodes=n)

    return build


def _edhnn(c: Case) -> Call:
    from hypergraph.nn.conv import EDHNNConv

    m = _mod(EDHNNConv(_fin(c), c.out), c)
    return lambda: m(c.xg, c.hyperedge_index, None, c.num_hyperedges, x0=c.hidden)


def _clique(gat: bool) -> Callable[[Case], Call]:
    def build(c: Case) -> Call:
        from torch_geometric.nn import GATConv, GCNConv

        from hypergraph.nn.conv._clique_expansion import CliqueExpansionCache

        exp = CliqueExpansionCache(weighted=not gat, gcn=not gat)
        t = time.perf_counter()
        ei, ew = exp(c.hyperedge_index, c.num_nodes, None, c.num_hyperedges, c.x.dtype)
        print(
            f"  clique expansion ({'CE-GAT' if gat else 'CE-GCN'}, {ei.size(1):,} edges): "
            f"{time.perf_counter() - t:.2f} s"
        )
        m = _mod(GATConv(_fin(c), c.out, heads=1) if gat else GCNConv(_fin(c), c.out, normalize=False), c)

        def call() -> Tensor:  # the cache lookup is part of every model forward
            ei, ew = exp(c.hyperedge_index, c.num_nodes, None, c.num_hyperedges, c.x.dtype)
            return m(c.xg, ei) if gat else m(c.xg, ei, ew)

        return call

    return build


PYG, PYG_ATT = "PyG HypergraphConv", "PyG HypergraphConv (att.)"
OURS: dict[str, tuple[str, list[str], Callable[[Case], Call]]] = {
    "hgnn": ("HGNNConv (cached)", ["DHG HGNNConv", PYG], _hgnn_family("HGNNConv")),
    "hgnnp": ("HGNNPConv (cached)", ["DHG HGNNPConv"], _hgnn_family("HGNNPConv")),
    "hcha": ("HCHAConv (cached)", [PYG], _hgnn_family("HCHAConv")),
    "hcha-att": ("HCHAConv (attention)", [PYG_ATT], _hcha_att),
    "hnhn": ("HNHNConv", ["DHG HNHNConv"], _plain("HNHNConv")),
    "hypergcn": ("HyperGCNConv (mediators)", ["DHG HyperGCNConv (med.)"], _hypergcn(mediators=True)),
    "hypergcn-nomed": ("HyperGCNConv (no med.)", ["DHG HyperGCNConv"], _hypergcn(mediators=False)),
    "fasthypergcn": ("FastHyperGCN (med.)", ["DHG HyperGCN (fast, med.)"], _hypergcn(fast=True)),
    "unigcn": ("UniGCNConv", ["DHG UniGCNConv"], _plain("UniGCNConv")),
    "unigat": ("UniGATConv", ["DHG UniGATConv"], _plain("UniGATConv", heads=1)),
    "unigin": ("UniGINConv", ["DHG UniGINConv"], _plain("UniGINConv")),
    "unisage": ("UniSAGEConv (shared W)", ["DHG UniSAGEConv"], _plain("UniSAGEConv", concat=False)),
    "unigcnii": ("UniGCNIIConv (out->out)", [], _unigcnii),
    "alldeepsets": ("AllDeepSetsConv (V>E>V)", [], _allset("AllDeepSetsConv")),
    "allsettransformer": ("AllSetTransformer (V>E>V)", [], _allset("AllSetTransformerConv")),
    "edhnn": ("EDHNNConv", [], _edhnn),
    "cegcn": ("CE-GCN: GCNConv", [], _clique(gat=False)),
    "cegat": ("CE-GAT: GATConv", [], _clique(gat=True)),
}


# ----- peers: name -> builder (None: needs dhg, which is missing; str: why it is skipped) -----

DENSE_LIMIT = 2 * 2**30  # bytes of a dense N x M float32 matrix that a peer may allocate


def _dhg_layer(cls_name: str, dense_grad: bool = False, **kw: object) -> Callable[[Case], Call | str | None]:
    def build(c: Case) -> Call | str | None:
        hg = c.dhg()
        if hg is None:
            return None
        dense = 4 * c.num_nodes * c.num_hyperedges
        if dense_grad and dense > DENSE_LIMIT:  # torch.sparse.softmax's backward densifies H
            return f"backward allocates a dense N x M matrix ({dense / 2**30:.0f} GiB)"
        import dhg.nn

        m = _mod(getattr(dhg.nn, cls_name)(_fin(c), c.out, drop_rate=0.0, is_last=True, **kw), c)
        return lambda: m(c.xg, hg)

    return build


def _dhg_fast_hypergcn(c: Case) -> Call | None:
    hg = c.dhg()
    if hg is None:
        return None
    from dhg import Graph
    from dhg.nn import HyperGCNConv

    m = _mod(HyperGCNConv(_fin(c), c.out, use_mediator=True, drop_rate=0.0, is_last=True), c)
    t = time.perf_counter()  # as DHG's HyperGCN model with use_fast: once, from the input features
    g = Graph.from_hypergraph_hypergcn(hg, c.x, True, device=c.x.device)
    print(f"  DHG FastHyperGCN graph: {time.perf_counter() - t:.2f} s")
    return lambda: m(c.xg, hg, g)


def _pyg(attention: bool) -> Callable[[Case], Call]:
    def build(c: Case) -> Call:
        from torch_geometric.nn import HypergraphConv

        if not attention:
            m = _mod(HypergraphConv(_fin(c), c.out), c)
            return lambda: m(c.xg, c.hyperedge_index, num_edges=c.num_hyperedges)
        # edge mode: softmax over the hyperedges of each node, as HCHAConv with "incidence" degrees
        m = _mod(HypergraphConv(_fin(c), c.out, use_attention=True, attention_mode="edge"), c)
        return lambda: m(c.xg, c.hyperedge_index, hyperedge_attr=c.edge_attr, num_edges=c.num_hyperedges)

    return build


PEERS: dict[str, Callable[[Case], Call | str | None]] = {
    "DHG HGNNConv": _dhg_layer("HGNNConv"),
    "DHG HGNNPConv": _dhg_layer("HGNNPConv"),
    PYG: _pyg(attention=False),
    PYG_ATT: _pyg(attention=True),
    "DHG HNHNConv": _dhg_layer("HNHNConv"),
    "DHG HyperGCNConv (med.)": _dhg_layer("HyperGCNConv", use_mediator=True),
    "DHG HyperGCNConv": _dhg_layer("HyperGCNConv", use_mediator=False),
    "DHG HyperGCN (fast, med.)": _dhg_fast_hypergcn,
    "DHG UniGCNConv": _dhg_layer("UniGCNConv"),
    "DHG UniGATConv": _dhg_layer("UniGATConv", dense_grad=True),
    "DHG UniGINConv": _dhg_layer("UniGINConv", train_eps=True),
    "DHG UniSAGEConv": _dhg_layer("UniSAGEConv"),
}
