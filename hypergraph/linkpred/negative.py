"""Negative samplers for hyperedge prediction: sized-random (SNS), motif (MNS), clique (CNS).

Patil et al., "Negative sampling for hyperlink prediction in networks", PAKDD 2020.  Every
sampler is vectorised over candidates (rounds over sizes, never loops over hyperedges), and
guarantees that no emitted set is a true hyperedge of any split (``exclude`` keys) and that no
set is emitted twice.  ``max_candidates`` caps the output; ``max_rounds`` bounds the retries.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

from hypergraph.data.hypergraph import Hypergraph
from hypergraph.data.node_sets import NodeSets
from hypergraph.data.set_ops import isin_keys, unique_keys


def projected_weights(hg: Hypergraph) -> sp.csr_matrix:
    """Projected graph of ``hg`` as scipy CSR without self-loops: ``W_uv`` is the number of
    hyperedges containing both ``u`` and ``v``."""
    H = sp.csr_matrix(
        (np.ones(hg.hyperedge_index.size(1)), hg.hyperedge_index.numpy()),
        shape=(hg.num_nodes, hg.num_hyperedges),
    )
    W = (H @ H.T).tocsr()
    W.setdiag(0)
    W.eliminate_zeros()
    return W


def projected_adjacency(hg: Hypergraph) -> sp.csr_matrix:
    """Binary projected (clique-expanded) adjacency of ``hg`` without self-loops, scipy CSR."""
    A = projected_weights(hg)
    A.data[:] = 1.0
    return A


class NegativeSampler(ABC):
    """Base class: subclasses implement :meth:`_propose` (one round of candidate sets)."""

    name = "base"

    def __init__(
        self,
        observed: Hypergraph,
        exclude: Tensor,
        max_candidates: int = 1_000_000,
        max_rounds: int = 20,
    ) -> None:
        self.observed = observed
        self.num_nodes = observed.num_nodes
        self.exclude = exclude
        self.max_candidates = max_candidates
        self.max_rounds = max_rounds

    def sample(self, positives: NodeSets, num: int | None = None, seed: int = 0) -> NodeSets:
        """About ``num`` (default ``positives.num_sets``) negative sets with the size
        distribution of ``positives``; fewer only if ``max_rounds`` rounds cannot find them."""
        num = min(positives.num_sets if num is None else num, self.max_candidates)
        g = torch.Generator().manual_seed(seed)
        sizes = torch.from_numpy(positives.sizes)
        got: list[NodeSets] = []
        seen = self.exclude
        have = 0
        for _ in range(self.max_rounds):  # rounds of vectorised proposals
            if have >= num or sizes.numel() == 0:
                break
            need = num - have
            pick = torch.randint(positives.num_sets, (int(need * 1.3) + 8,), generator=g)
            cand = self._propose(positives, pick, sizes[pick], g)
            if cand.num_sets == 0:
                continue
            keys = cand.keys(self.num_nodes)
            ok = ~isin_keys(keys, seen) & (torch.from_numpy(cand.sizes) == sizes[pick][: cand.num_sets])
            _, first = unique_keys(keys)
            uniq = torch.zeros(cand.num_sets, dtype=torch.bool)
            uniq[first] = True
            ok &= uniq
            ids = ok.nonzero().view(-1)[:need]
            if ids.numel():
                chosen = cand.select(ids)
                got.append(chosen)
                seen = torch.cat([seen, keys[ids]])
                have += ids.numel()
        return NodeSets.cat(got)

    @abstractmethod
    def _propose(self, positives: NodeSets, pick: Tensor, sizes: Tensor, g: torch.Generator) -> NodeSets:
        """One round of candidates: set ``i`` is meant to have size ``sizes[i]``."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(max_candidates={self.max_candidates})"


def _select_last_wins(sets: NodeSets, ids: Tensor) -> NodeSets:
    """``sets.select(ids)``, except that an id drawn more than once keeps its members only at its
    last position; its earlier positions are empty sets (which CNS then rejects).

    This reproduces the selection of the ``NodeSets`` this package had before
    :mod:`hypergraph.data.node_sets` (a scatter with repeated indices, last write winning), so
    that the CNS negatives and every number computed from them stay as they were.  An empty
    base also shifts the dropped member into the next base, which then yields nothing.
    """
    ids_np = ids.numpy()
    last = np.zeros(ids_np.size, dtype=bool)
    _, from_end = np.unique(ids_np[::-1], return_index=True)
    last[ids_np.size - 1 - from_end] = True
    chosen = sets.select(ids_np)
    sizes = np.where(last, chosen.sizes, 0)
    indptr = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    return NodeSets(indptr, chosen.indices[np.repeat(last, chosen.sizes)])


def _sets(nodes: Tensor, set_id: Tensor, num_sets: int) -> NodeSets:
    return NodeSets.from_index(torch.stack([nodes, set_id]), num_sets)


class SizedNegativeSampler(NegativeSampler):
    """SNS: ``k`` distinct uniformly random nodes for a positive of size ``k``."""

    name = "sns"

    def _propose(self, positives: NodeSets, pick: Tensor, sizes: Tensor, g: torch.Generator) -> NodeSets:
        sid = torch.arange(pick.numel()).repeat_interleave(sizes)
        nodes = torch.randint(self.num_nodes, (sid.numel(),), generator=g)
        return _sets(nodes, sid, pick.numel())  # repeats shrink a set: rejected by size


class MotifNegativeSampler(NegativeSampler):
    """MNS: start from a random edge of the observed projected graph and grow the set by
    random neighbours of random members until it has ``k`` nodes."""

    name = "mns"

    def __init__(self, observed: Hypergraph, exclude: Tensor, **kw: int) -> None:
        super().__init__(observed, exclude, **kw)
        A = projected_adjacency(observed)
        self.indptr = torch.from_numpy(A.indptr.astype(np.int64))
        self.indices = torch.from_numpy(A.indices.astype(np.int64))
        self.deg = self.indptr[1:] - self.indptr[:-1]
        self.edge_src = torch.repeat_interleave(torch.arange(self.num_nodes), self.deg)

    def _random_neighbor(self, v: Tensor, g: torch.Generator) -> Tensor:
        d = self.deg[v]
        off = (torch.rand(v.numel(), generator=g) * d.clamp(min=1)).long()
        nb = self.indices[(self.indptr[v] + off).clamp(max=max(self.indices.numel() - 1, 0))]
        return torch.where(d > 0, nb, v)

    def _propose(self, positives: NodeSets, pick: Tensor, sizes: Tensor, g: torch.Generator) -> NodeSets:
        K = pick.numel()
        if self.indices.numel() == 0:
            return NodeSets.empty()
        kmax = int(sizes.max())
        members = torch.full((K, kmax), -1, dtype=torch.long)
        e = torch.randint(self.indices.numel(), (K,), generator=g)
        members[:, 0], members[:, 1] = self.edge_src[e], self.indices[e]
        count = torch.full((K,), 2, dtype=torch.long)
        for _ in range(4 * kmax):  # growth rounds (bounded), vectorised over candidates
            grow = count < sizes
            if not bool(grow.any()):
                break
            rows = grow.nonzero().view(-1)
            slot = (torch.rand(rows.numel(), generator=g) * count[rows]).long()
            nb = self._random_neighbor(members[rows, slot], g)
            fresh = ~(members[rows] == nb.unsqueeze(1)).any(1)
            rows, nb = rows[fresh], nb[fresh]
            members[rows, count[rows]] = nb
            count[rows] += 1
        valid = members >= 0
        small = sizes < 2  # size-1 positives: one random node
        members[small, 0] = torch.randint(self.num_nodes, (int(small.sum()),), generator=g)
        valid[small, 1:] = False
        sid = torch.arange(K).unsqueeze(1).expand(K, kmax)[valid]
        return _sets(members[valid], sid, K)


class CliqueNegativeSampler(NegativeSampler):
    """CNS: take a random *observed* hyperedge of the requested size (a clique of the observed
    projection), drop one random member and add a node adjacent to all remaining members; the
    result is a clique of the observed projection that is not a hyperedge.  Sizes with no
    observed hyperedge, or bases whose remaining members have no common neighbour, yield
    nothing in that round."""

    name = "cns"

    def __init__(self, observed: Hypergraph, exclude: Tensor, **kw: int) -> None:
        super().__init__(observed, exclude, **kw)
        self.A = projected_adjacency(observed)
        self.bases = NodeSets.from_hypergraph(observed)
        size = torch.from_numpy(self.bases.sizes)
        self.by_size = torch.argsort(size, stable=True)
        self.count = torch.bincount(size)
        self.start = torch.cumsum(self.count, 0) - self.count

    def _propose(self, positives: NodeSets, pick: Tensor, sizes: Tensor, g: torch.Generator) -> NodeSets:
        K = pick.numel()
        s = sizes.clamp(max=self.count.numel() - 1)
        valid = (sizes < self.count.numel()) & (self.count[s] > 0) & (sizes >= 2)
        pos = valid.nonzero().view(-1)
        if pos.numel() == 0:
            return NodeSets.empty()
        off = (torch.rand(pos.numel(), generator=g) * self.count[s[pos]]).long()
        base = _select_last_wins(self.bases, self.by_size[self.start[s[pos]] + off])
        V = base.num_sets
        idx = base.index
        bsz = torch.from_numpy(base.sizes)
        start = torch.cumsum(bsz, 0) - bsz
        drop = start + (torch.rand(V, generator=g) * bsz).long()
        keep = torch.ones(idx.size(1), dtype=torch.bool)
        keep[drop] = False
        rest = idx[:, keep]
        rest_size = bsz - 1
        C = sp.csr_matrix(
            (np.ones(rest.size(1)), (rest[1].numpy(), rest[0].numpy())), shape=(V, self.num_nodes)
        )
        counts = (C @ self.A).tocoo()  # how many remaining members each node is adjacent to
        row = torch.from_numpy(counts.row.astype(np.int64))
        col = torch.from_numpy(counts.col.astype(np.int64))
        full = torch.from_numpy(counts.data).long() == rest_size[row]
        # exclude the dropped node itself (it is adjacent to all the others)
        full &= col != idx[0][drop][row]
        row, col = row[full], col[full]
        if row.numel() == 0:
            return NodeSets.empty()
        prio = torch.rand(row.numel(), generator=g)  # one random common neighbour per base
        best = torch.full((V,), -1.0).scatter_reduce(0, row, prio, reduce="amax")
        chosen = prio == best[row]
        row, col = row[chosen], col[chosen]
        has = torch.zeros(V, dtype=torch.bool)
        has[row] = True
        nodes = torch.cat([rest[0], col])
        sid = torch.cat([rest[1], row])
        ok = has[sid]
        # set ids back to positions in `pick` (bases without a neighbour stay empty: rejected)
        return _sets(nodes[ok], pos[sid[ok]], K)


SAMPLERS = {"sns": SizedNegativeSampler, "mns": MotifNegativeSampler, "cns": CliqueNegativeSampler}


def make_sampler(name: str, observed: Hypergraph, exclude: Tensor, **kw: int) -> NegativeSampler:
    if name not in SAMPLERS:
        raise KeyError(f"unknown negative sampler {name!r}; valid: {', '.join(SAMPLERS)}")
    return SAMPLERS[name](observed, exclude, **kw)
