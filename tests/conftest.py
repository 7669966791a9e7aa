"""Shared test fixtures: one torch thread, and the offline data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from hypothesis import settings

torch.set_num_threads(1)
# property tests: reproducible examples, no per-example deadline (the machine is shared and noisy)
settings.register_profile("project", derandomize=True, deadline=None)
settings.load_profile("project")

REPO = Path(__file__).resolve().parents[1]


def _shared_root() -> Path:
    env = os.environ.get("HYPERGRAPH_TEST_DATA")
    return Path(env) if env else REPO.parent / "shared" / "datasets"


def require_data(*relative: str) -> Path:
    """Path of the offline data folder, after checking ``relative`` files exist in it.

    Missing data fails the test under ``CI=true`` and skips it elsewhere, with the reason.
    """
    root = _shared_root()
    missing = [r for r in relative if not (root / r).exists()]
    if not root.exists() or missing:
        msg = f"offline datasets missing under {root}: {missing or [str(root)]}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return root


@pytest.fixture
def shared_data() -> Path:
    return require_data()


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()


@pytest.fixture(scope="session", autouse=True)
def _shared_data_stays_read_only():
    """Nothing in the suite may write into the offline data folder (processed files belong in a cache)."""
    root = _shared_root()
    before = _listing(root)
    yield
    added = sorted(_listing(root) - before)
    assert not added, f"tests wrote into the read-only data folder {root}: {added[:10]}"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Processed files and downloads of every test go to a fresh cache, never ~/.cache."""
    if "HYPERGRAPH_CACHE" not in os.environ or os.environ.get("HYPERGRAPH_TEST_KEEP_CACHE") != "1":
        monkeypatch.setenv("HYPERGRAPH_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
