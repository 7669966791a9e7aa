"""Download, checksum and cache helpers shared by every dataset loader.

Every remote file is pinned by URL and sha256.  Downloads stream into a temporary file in the
destination folder and are renamed into place only after the checksum matched, so an
interrupted or corrupt download leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path

ENV_DATA = "HYPERGRAPH_DATA"
ENV_CACHE = "HYPERGRAPH_CACHE"


class ChecksumError(RuntimeError):
    """A file's sha256 differs from the pinned one."""


class DatasetNotFoundError(FileNotFoundError):
    """Raw files are neither under the root nor downloadable."""


def default_root() -> Path:
    """The data root: ``$HYPERGRAPH_DATA`` if set, else ``./datasets``."""
    return Path(os.environ.get(ENV_DATA, "datasets")).expanduser()


def resolve_root(root: str | os.PathLike | None) -> Path:
    return default_root() if root is None else Path(root).expanduser()


def cache_dir(root: str | os.PathLike | None, *parts: str, create: bool = True) -> Path:
    """A writable folder for processed files and downloads.

    ``<root>/<parts...>`` when the root is writable, else ``$HYPERGRAPH_CACHE`` (default
    ``~/.cache/hypergraph``) so that read-only data folders are never written into.  With
    ``create=False`` the path is only computed (for a lookup that may end in an error).
    """
    root = resolve_root(root)
    if _writable(root):
        path = root.joinpath(*parts)
    else:
        base = Path(os.environ.get(ENV_CACHE, Path.home() / ".cache" / "hypergraph"))
        path = base.expanduser().joinpath(*parts)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def _writable(path: Path) -> bool:
    p = path
    while not p.exists():
        if p.parent == p:
            return False
        p = p.parent
    # root passes os.access on read-only folders: also require the owner's write bit
    return os.access(p, os.W_OK) and bool(p.stat().st_mode & 0o200)


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def verify_sha256(path: str | os.PathLike, sha256: str) -> None:
    """Raise :class:`ChecksumError` if ``path`` does not have the digest ``sha256``."""
    got = sha256_file(path)
    if got != sha256.lower():
        raise ChecksumError(f"checksum mismatch for {path}: expected sha256 {sha256}, got {got}")


def download_url(
    url: str,
    dest: str | os.PathLike,
    sha256: str | None,
    timeout: float = 60.0,
    opener=urllib.request.urlopen,
) -> Path:
    """Download ``url`` to ``dest`` atomically, verifying ``sha256`` before the rename.

    ``sha256=None`` is accepted only for sources pinned by an immutable commit URL whose
    contents are verified after parsing (the caller must then check a content digest).
    On any failure (network, checksum) no file is left at ``dest``.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as f, opener(url, timeout=timeout) as r:
            for block in iter(lambda: r.read(1 << 20), b""):
                h.update(block)
                f.write(block)
        if sha256 is not None and h.hexdigest() != sha256.lower():
            raise ChecksumError(
                f"checksum mismatch for {url}: expected sha256 {sha256}, got {h.hexdigest()}"
            )
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return dest


def find_first(candidates: list[Path]) -> Path | None:
    """The first existing path of ``candidates``."""
    for c in candidates:
        if c.exists():
            return c
    return None
