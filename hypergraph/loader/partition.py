r"""Balanced node partitions of a hypergraph, cached on disk.

Methods:

* ``"metis"``: METIS (through the optional package ``pymetis``, ``pip install hypergraph[partition]``)
  on the clique expansion (node graph, edge weight = number of shared hyperedges) or on the star
  expansion (bipartite node-hyperedge graph; hyperedge vertices get weight 0 so that only nodes
  are balanced).
* ``"bfs"``: the fallback needing no extra package.  A reverse Cuthill-McKee (breadth-first)
  ordering of the expansion graph (``scipy.sparse.csgraph``, compiled; vertex labels shuffled by
  ``seed`` first to break ties) is cut into ``num_parts`` contiguous runs of equal size, then
  refined by ``refine_rounds`` rounds of balanced label propagation: every node (a seeded half of
  them per round) moves to the part holding most of its co-members if that gains, moves being
  accepted in order of gain while part sizes stay within ``(1 +- 0.05) N / num_parts``; each round is
  two sparse products with the incidence matrix.  Quality, as the fraction of co-member pairs
  kept (:func:`partition_quality`; METIS / bfs / random, clique expansion): cocitation Cora,
  10 parts 0.88 / 0.80 / 0.09, 50 parts 0.71 / 0.62 / 0.02; an HSBM with 2*10^4 nodes and 5
  incidences per node, 10 parts 0.69 / 0.46 / 0.10, 50 parts 0.34 / 0.27 / 0.02; the same HSBM
  at 10^6 nodes, 500 parts, 0.25 / 0.20 (star) / 0.002 (METIS about 130 s, bfs 95 s on one
  thread).  Without the
  refinement the BFS cut alone keeps about half of that (small-world graphs have wide BFS
  levels).
* ``"random"``: a balanced random assignment (a baseline).
* ``"auto"``: ``"metis"`` when ``pymetis`` imports, else ``"bfs"``.

``expansion="auto"`` takes the clique expansion when it has at most ``16 * nnz`` (and at most
``5 * 10^7``) node pairs, else the star expansion, whose size is always ``O(nnz)``.

Partitions are cached under ``$HYPERGRAPH_CACHE/partitions/`` (default
``~/.cache/hypergraph``), keyed by a hash of the incidence list, the counts, ``num_parts``, the
resolved method and expansion and ``seed``; the file is written atomically
(:func:`hypergraph.data.utils.atomic_write`).  Hyperedge weights do not enter the partition.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

from hypergraph.data.utils import atomic_write

PARTITION_METHODS = ("auto", "metis", "bfs", "random")
EXPANSIONS = ("auto", "clique", "star")
_CACHE_VERSION = b"hypergraph-partition-v1"
_CLIQUE_PAIRS_PER_INCIDENCE = 16
_CLIQUE_MAX_PAIRS = 50_000_000
_REFINE_CHUNK = 1 << 20


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """``cache_dir``, else ``$HYPERGRAPH_CACHE``, else ``~/.cache/hypergraph``."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    return Path(os.environ.get("HYPERGRAPH_CACHE", Path.home() / ".cache" / "hypergraph")).expanduser()


def have_pymetis() -> bool:
    """Whether the optional METIS binding ``pymetis`` imports."""
    try:
        import pymetis  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_expansion(hyperedge_index: Tensor, num_hyperedges: int, expansion: str = "auto") -> str:
    """``"clique"`` or ``"star"`` for ``expansion`` (``"auto"`` picks by the clique's size)."""
    if expansion not in EXPANSIONS:
        raise ValueError(f"unknown expansion {expansion!r}; valid: {', '.join(EXPANSIONS)}")
    if expansion != "auto":
        return expansion
    size = torch.bincount(hyperedge_index[1], minlength=num_hyperedges).double()
    pairs = float((size * (size - 1)).sum())
    nnz = hyperedge_index.size(1)
    return "clique" if pairs <= min(_CLIQUE_PAIRS_PER_INCIDENCE * nnz, _CLIQUE_MAX_PAIRS) else "star"


def resolve_method(method: str = "auto") -> str:
    if method not in PARTITION_METHODS:
        raise ValueError(f"unknown partition method {method!r}; valid: {', '.join(PARTITION_METHODS)}")
    if method == "auto":
        return "metis" if have_pymetis() else "bfs"
    if method == "metis" and not have_pymetis():
        raise ImportError(
            "method='metis' needs the optional package pymetis (pip install 'hypergraph[partition]' "
            "or pip install pymetis); method='bfs' needs no extra package"
        )
    return method


def expansion_graph(
    hyperedge_index: Tensor, num_nodes: int, num_hyperedges: int, expansion: str, dtype: type = np.int64
) -> sp.csr_matrix:
    """The symmetric adjacency (no self-loops) of the clique (``[N, N]``, integer counts) or star
    (``[N + M, N + M]``, ones) expansion, as a SciPy CSR matrix with values of ``dtype``."""
    hi = hyperedge_index.cpu().numpy()
    nnz = hi.shape[1]
    H = sp.csr_matrix((np.ones(nnz, dtype=dtype), (hi[0], hi[1])), shape=(num_nodes, num_hyperedges))
    if expansion == "clique":
        A = (H @ H.T).tocsr()
        A.setdiag(0)
        A.eliminate_zeros()
    elif expansion == "star":
        A = sp.bmat([[None, H], [H.T, None]], format="csr", dtype=dtype)
        if A.shape[0] != num_nodes + num_hyperedges:  # bmat drops nothing, but be explicit
            raise RuntimeError("star expansion has the wrong shape")
    else:
        raise ValueError(f"expansion must be 'clique' or 'star', got {expansion!r}")
    A.sort_indices()
    return A


def partition_nodes(
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    num_parts: int,
    method: str = "auto",
    expansion: str = "auto",
    seed: int = 0,
    cache: bool = True,
    cache_dir: str | os.PathLike | None = None,
    refine_rounds: int = 20,
) -> Tensor:
    """A partition of the nodes into ``num_parts`` parts: ``part [N]`` int64 in ``[0, num_parts)``.

    See the module docstring for the methods, the expansions and the cache (``refine_rounds``
    applies to ``"bfs"`` only).  METIS may leave a part empty on tiny or very disconnected
    inputs; ``"random"`` never does while ``num_parts <= N``, nor ``"bfs"`` (its refinement keeps
    every part at least ``0.95 N / num_parts`` nodes).
    """
    if num_parts < 1:
        raise ValueError(f"num_parts must be >= 1, got {num_parts}")
    if num_parts > max(num_nodes, 1):
        raise ValueError(f"num_parts={num_parts} exceeds num_nodes={num_nodes}")
    method = resolve_method(method)
    expansion = resolve_expansion(hyperedge_index, num_hyperedges, expansion)
    path = None
    if cache:
        tag = f"{method}-r{refine_rounds}" if method == "bfs" else method
        key = _cache_key(hyperedge_index, num_nodes, num_hyperedges, num_parts, tag, expansion, seed)
        path = cache_root(cache_dir) / "partitions" / f"{key}.pt"
        part = _load(path, num_nodes, num_parts)
        if part is not None:
            return part
    part = _partition(hyperedge_index, num_nodes, num_hyperedges, num_parts, method, expansion, seed)
    if method == "bfs" and refine_rounds > 0 and num_parts > 1:
        part = refine_partition(
            hyperedge_index, num_nodes, num_hyperedges, part, num_parts, refine_rounds, seed
        )
    if path is not None:
        meta = {"part": part, "num_nodes": num_nodes, "num_parts": num_parts}
        with atomic_write(path) as f:
            torch.save({**meta, "method": method, "expansion": expansion, "seed": seed}, f)
    return part


def partition_quality(hyperedge_index: Tensor, part: Tensor, num_hyperedges: int) -> float:
    r"""Fraction of co-member pairs kept inside a part:
    :math:`\sum_e \sum_p n_{e,p}(n_{e,p}-1) / \sum_e |e|(|e|-1)` with :math:`n_{e,p}` the members of
    :math:`e` in part :math:`p` (1 = no hyperedge split; a random partition gives about
    ``1 / num_parts``).  Vectorised; ``1.0`` when no hyperedge has two members."""
    v, e = hyperedge_index[0], hyperedge_index[1]
    num_parts = int(part.max()) + 1 if part.numel() else 1
    cnt = torch.unique(e * num_parts + part[v], return_counts=True)[1].double()  # sparse: no M x P
    size = torch.bincount(e, minlength=num_hyperedges).double()
    total = float((size * (size - 1)).sum())
    return 1.0 if total == 0 else float((cnt * (cnt - 1)).sum()) / total


def refine_partition(
    hyperedge_index: Tensor,
    num_nodes: int,
    num_hyperedges: int,
    part: Tensor,
    num_parts: int,
    rounds: int = 20,
    seed: int = 0,
    imbalance: float = 0.05,
) -> Tensor:
    """Balanced label-propagation refinement of ``part`` (see ``"bfs"`` in the module docstring).

    A node's score for part ``p`` is the number of (hyperedge, co-member) pairs it shares with
    part ``p``: row ``v`` of ``H H^T onehot(part)`` without ``v`` itself, computed as two sparse
    products.  Moves with a positive gain are taken for a seeded half of the nodes per round, the
    best first, while sizes stay within ``(1 +- imbalance) N / num_parts``.
    """
    N, P = num_nodes, num_parts
    g = torch.Generator().manual_seed(int(seed) + 1)
    hi = hyperedge_index.cpu().numpy()
    H = sp.csr_matrix((np.ones(hi.shape[1], dtype=np.float32), (hi[0], hi[1])), shape=(N, num_hyperedges))
    Ht = H.T.tocsr()
    deg = torch.from_numpy(np.asarray(H.sum(1), dtype=np.float64).ravel())
    max_size = int(np.ceil(N / P * (1 + imbalance)))
    min_size = int(np.floor(N / P * (1 - imbalance)))
    part = part.clone().to(torch.long)
    for _ in range(rounds):  # rounds, each vectorised over the active nodes (in row chunks)
        onehot = sp.csr_matrix((np.ones(N, dtype=np.float32), (np.arange(N), part.numpy())), shape=(N, P))
        C = (Ht @ onehot).tocsr()  # [M, P] members of each hyperedge per part
        active = (torch.rand(N, generator=g) < 0.5).nonzero().view(-1)  # a seeded half moves
        moves, gains, targets = [], [], []
        for lo in range(0, active.numel(), _REFINE_CHUNK):
            nodes = active[lo : lo + _REFINE_CHUNK]
            S = (H[nodes.numpy()] @ C).tocoo()
            rows = torch.from_numpy(S.row.astype(np.int64))
            cols = torch.from_numpy(S.col.astype(np.int64))
            own = cols == part[nodes][rows]
            vals = torch.from_numpy(S.data.astype(np.float64)) - torch.where(own, deg[nodes][rows], 0.0)
            vals = vals + 1e-3 * torch.rand(vals.numel(), generator=g, dtype=torch.float64)  # ties
            n = nodes.numel()
            best = torch.full((n,), -1.0, dtype=torch.float64).scatter_reduce(0, rows, vals, "amax")
            own_val = torch.zeros(n, dtype=torch.float64).index_put_((rows[own],), vals[own])
            is_best = vals == best[rows]
            target = part[nodes].clone()
            target[rows[is_best]] = cols[is_best]
            ok = (target != part[nodes]) & (best - own_val > 0.5)
            moves.append(nodes[ok])
            gains.append((best - own_val)[ok])
            targets.append(target[ok])
        move = torch.cat(moves)
        if move.numel() == 0:
            continue
        target = part.clone()
        target[move] = torch.cat(targets)
        size = torch.bincount(part, minlength=P)
        move = move[torch.argsort(-torch.cat(gains))]  # largest gain first
        for side, cap in ((target, max_size - size), (part, size - min_size)):
            key = side[move]
            order = torch.argsort(key, stable=True)
            move, key = move[order], key[order]
            rank = torch.arange(key.numel()) - torch.searchsorted(key, key)
            move = move[rank < cap[key]]
        part[move] = target[move]
    return part


# ---------------------------------------------------------------------------------- internals
def _cache_key(hi: Tensor, N: int, M: int, num_parts: int, method: str, expansion: str, seed: int) -> str:
    h = hashlib.blake2b(_CACHE_VERSION, digest_size=20)
    h.update(f"|{N}|{M}|{num_parts}|{method}|{expansion}|{int(seed)}|".encode())
    arr = np.ascontiguousarray(hi.detach().cpu().to(torch.long).numpy())
    h.update(memoryview(arr).cast("B"))
    return h.hexdigest()


def _load(path: Path, num_nodes: int, num_parts: int) -> Tensor | None:
    if not path.exists():
        return None
    try:
        obj = torch.load(path, weights_only=True)
        part = obj["part"]
    except Exception:  # a corrupt or foreign file: recompute (and overwrite)
        return None
    if not isinstance(part, Tensor) or part.shape != (num_nodes,) or obj.get("num_parts") != num_parts:
        return None
    return part.to(torch.long)


def _balanced_cut(order: Tensor, num_nodes: int, num_parts: int) -> Tensor:
    """Part ids from a node ordering: rank ``r`` goes to part ``r * num_parts // N``."""
    part = torch.empty(num_nodes, dtype=torch.long)
    part[order] = torch.arange(num_nodes) * num_parts // max(num_nodes, 1)
    return part


def _partition(hi: Tensor, N: int, M: int, num_parts: int, method: str, expansion: str, seed: int) -> Tensor:
    g = torch.Generator().manual_seed(int(seed))
    if num_parts == 1:
        return torch.zeros(N, dtype=torch.long)
    if method == "random":
        return _balanced_cut(torch.randperm(N, generator=g), N, num_parts)
    if method == "bfs":
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        pn, pe = torch.randperm(N, generator=g), torch.randperm(M, generator=g)  # seeded relabelling
        relabelled = torch.stack([pn[hi[0]], pe[hi[1]]])
        B = expansion_graph(relabelled, N, M, expansion, np.int32 if expansion == "clique" else np.int8)
        order = torch.from_numpy(np.asarray(reverse_cuthill_mckee(B, symmetric_mode=True), dtype=np.int64))
        del B
        return _balanced_cut(torch.argsort(pn)[order[order < N]], N, num_parts)
    A = expansion_graph(hi, N, M, expansion)
    V = A.shape[0]
    import pymetis

    vweights = None
    if expansion == "star":
        vweights = np.concatenate([np.ones(N, dtype=np.int64), np.zeros(V - N, dtype=np.int64)])
    eweights = None if expansion == "star" else A.data.astype(np.int64)
    adjacency = pymetis.CSRAdjacency(A.indptr.astype(np.int64), A.indices.astype(np.int64))
    options = pymetis.Options(seed=int(seed))
    result = pymetis.part_graph(
        num_parts, adjacency=adjacency, vweights=vweights, eweights=eweights, options=options
    )
    return torch.from_numpy(np.asarray(result.vertex_part, dtype=np.int64)[:N].copy())
