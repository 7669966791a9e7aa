"""Progress bars for the long stages outside Lightning (one library: tqdm).

A bar is drawn on standard error when standard error is a terminal, so logs written to a file
or a pipe stay clean.  The environment variable ``HYPERGRAPH_PROGRESS`` overrides that:
``HYPERGRAPH_PROGRESS=1`` forces bars on (e.g. to watch a job whose stderr goes to a file),
``HYPERGRAPH_PROGRESS=0`` turns them off even on a terminal.  A disabled bar writes nothing at all.

Bars go over existing coarse loops only (chunks, blocks, plan steps, stages, datasets), never over
nodes or triangles.  This module imports nothing of the package, so every layer may use it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import IO, Any

from tqdm import tqdm

__all__ = ["ENV_VAR", "progress", "progress_enabled", "write"]

ENV_VAR = "HYPERGRAPH_PROGRESS"
_ON = ("1", "true", "yes", "on")
_OFF = ("0", "false", "no", "off")


def progress_enabled(enabled: bool | None = None) -> bool:
    """Whether a bar is shown: ``enabled`` when given, else ``$HYPERGRAPH_PROGRESS`` when set
    (``1``/``0``, also ``true``/``false``, ``yes``/``no``, ``on``/``off``), else whether standard
    error is a terminal."""
    if enabled is not None:
        return bool(enabled)
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    if value:
        raise ValueError(f"{ENV_VAR}={os.environ[ENV_VAR]!r}: expected 1 (bars on) or 0 (bars off)")
    try:
        return bool(sys.stderr is not None and sys.stderr.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def progress(
    iterable: Iterable | None = None,
    total: float | None = None,
    desc: str | None = None,
    unit: str = "it",
    enabled: bool | None = None,
    leave: bool | None = None,
    unit_scale: bool | None = None,
    **kwargs: Any,
) -> tqdm:
    """A ``tqdm`` bar on standard error, on or off as :func:`progress_enabled` says.

    Iterate it as ``iterable``, or (``iterable=None``) call ``update(n)`` on it with a ``total``;
    use it as a context manager so that it closes.  ``leave=None`` keeps a top-level bar on screen
    when done and clears a nested one (a stage inside a benchmark's loop).  ``unit_scale=None``
    abbreviates counts (``12.3M``) when ``total`` is at least 10,000.  Other keyword arguments go
    to ``tqdm``.  When disabled it prints nothing.
    """
    on = progress_enabled(enabled)
    if unit_scale is None:
        unit_scale = total is not None and total >= 10_000
    if on and "ncols" not in kwargs:
        if _zero_width():  # a terminal of unknown size: tqdm would draw nothing at all
            kwargs.update(ncols=100, nrows=24)
        else:
            kwargs.setdefault("dynamic_ncols", True)  # follow window resizes
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        leave=leave,
        unit_scale=unit_scale,
        file=sys.stderr,
        disable=not on,
        **kwargs,
    )


def _zero_width() -> bool:
    """Whether standard error is a terminal that reports 0 columns (a pseudo-terminal without a
    size, as under ``script`` or some container runners)."""
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns == 0
    except (AttributeError, ValueError, OSError):  # not a terminal, or no file descriptor
        return False


def write(message: str, file: IO[str] | None = None) -> None:
    """Print a line (to standard output by default) above the bars on screen, and flush it.

    Same as ``print(message, flush=True)`` when no bar is shown.
    """
    stream = sys.stdout if file is None else file
    tqdm.write(message, file=stream)
    stream.flush()
