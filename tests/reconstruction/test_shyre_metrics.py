"""Exact-match Jaccard / precision / recall / F1, including edge cases."""

from __future__ import annotations

import pytest

from hypergraph.reconstruction.metrics import pool_recall, reconstruction_metrics


def test_identical_sets():
    h = [(0, 1), (2,), (1, 2, 3)]
    m = reconstruction_metrics([(1, 0), (2,), (3, 2, 1)], h)
    assert m["jaccard"] == m["precision"] == m["recall"] == m["f1"] == 1.0


def test_empty_reconstruction():
    m = reconstruction_metrics([], [(0, 1), (2, 3)])
    assert m["jaccard"] == 0.0 and m["precision"] == 0.0 and m["recall"] == 0.0 and m["f1"] == 0.0


def test_both_empty():
    assert reconstruction_metrics([], [])["jaccard"] == 1.0


def test_partial_overlap_and_duplicates():
    # R = {01, 12, 123}, H = {01, 123, 4}: |R∩H| = 2, |R∪H| = 4
    m = reconstruction_metrics([(0, 1), (1, 0), (1, 2), (1, 2, 3)], [(0, 1), (1, 2, 3), (4,)])
    assert m["jaccard"] == pytest.approx(0.5)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)
    # a subset is not a match
    assert reconstruction_metrics([(0, 1)], [(0, 1, 2)])["jaccard"] == 0.0


def test_pool_recall():
    assert pool_recall([(0, 1), (2,)], [(0, 1), (3, 4)]) == 0.5
