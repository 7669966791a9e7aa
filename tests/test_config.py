"""``hypergraph.config``: the command-line seed syntax shared by the sweep and the benchmarks."""

from __future__ import annotations

import pytest

from hypergraph.config import ConfigError, parse_seeds


def test_parse_seeds():
    assert parse_seeds(["0..3"]) == [0, 1, 2, 3]
    assert parse_seeds(["0", "2,5", "7..8"]) == [0, 2, 5, 7, 8]
    assert parse_seeds(["-1..1"]) == [-1, 0, 1]
    for bad, match in (
        (["a"], "integers"),
        (["1", "1"], "distinct"),
        (["3..1"], "distinct"),
        ([], "distinct"),
    ):
        with pytest.raises(ConfigError, match=match):
            parse_seeds(bad)
