"""Download, checksum, cache and lookup helpers shared by every dataset loader.

**Data roots are only ever read.**  A loader looks for a dataset under a *root*: the ``root=``
argument, else ``$HYPERGRAPH_DATA``, else ``./datasets``.  The root is the folder that holds the
datasets (e.g. ``/work/shared/datasets``); each format looks in its own subfolder (``hypergcn/``,
``scholp/``, ``shyre/``, ``tu/``, ``hif/``, ...), then in ``root/<name>/`` and in ``root`` itself, so a
user's folder of one dataset works as a root too.

**Everything a loader writes goes to the cache** ``$HYPERGRAPH_CACHE`` (default
``~/.cache/hypergraph``), never into the root, writable or not: downloads land in the cache laid out
like a data root (``<cache>/hypergcn/<name>.npz``, ``<cache>/scholp/<name>/...``,
``<cache>/shyre/<name>/...``, ``<cache>/tu/<name>/raw/...``), so the cache is itself a valid root, and
processed files go to ``<cache>/processed/...``.

Every remote file is pinned by URL and sha256.  Downloads stream into a temporary file in the
destination folder and are renamed into place only after the checksum matched, so an interrupted
or corrupt download leaves nothing behind.  A network failure is one :class:`DatasetNotFoundError`
naming the URL; loaders add the root and the places they looked.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
import warnings
from pathlib import Path

ENV_DATA = "HYPERGRAPH_DATA"
ENV_CACHE = "HYPERGRAPH_CACHE"


class ChecksumError(RuntimeError):
    """A file's sha256 differs from the pinned one."""


class DatasetNotFoundError(FileNotFoundError):
    """Raw files are neither under the root nor downloadable (the message says where it looked)."""


class DownloadError(DatasetNotFoundError):
    """Fetching a pinned URL failed (network, HTTP status); ``code`` is the HTTP status or None."""

    def __init__(self, url: str, reason: str, code: int | None = None) -> None:
        super().__init__(f"could not download {url}: {reason}")
        self.url, self.reason, self.code = url, reason, code


class UnverifiedDatasetWarning(UserWarning):
    """A dataset was loaded from local files that no pinned sha256 vouches for."""


def default_root() -> Path:
    """The data root: ``$HYPERGRAPH_DATA`` if set, else ``./datasets``."""
    return Path(os.environ.get(ENV_DATA, "datasets")).expanduser()


def resolve_root(root: str | os.PathLike | None) -> Path:
    """``root`` as a path (default :func:`default_root`); a root that is a file is an error."""
    path = default_root() if root is None else Path(root).expanduser()
    if path.exists() and not path.is_dir():
        raise DatasetNotFoundError(
            f"data root {path} is a file, not a folder: pass the folder that holds the dataset "
            f"(root={path.parent}) or the datasets folder"
        )
    return path


def cache_root() -> Path:
    """``$HYPERGRAPH_CACHE`` (default ``~/.cache/hypergraph``): the only place loaders write to."""
    return Path(os.environ.get(ENV_CACHE, Path.home() / ".cache" / "hypergraph")).expanduser()


def cache_dir(root: str | os.PathLike | None = None, *parts: str, create: bool = True) -> Path:
    """``<cache>/<parts...>``, created unless ``create=False`` (a lookup that may end in an error).

    ``root`` is accepted for compatibility and ignored: nothing is ever written into a data root.
    """
    path = cache_root().joinpath(*parts)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


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
    On any failure (network, checksum) no file is left at ``dest``; network failures raise
    :class:`DownloadError`.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    h = hashlib.sha256()
    try:
        try:
            with os.fdopen(fd, "wb") as f, opener(url, timeout=timeout) as r:
                for block in iter(lambda: r.read(1 << 20), b""):
                    h.update(block)
                    f.write(block)
        except urllib.error.HTTPError as err:
            raise DownloadError(url, f"HTTP {err.code} {err.reason}", err.code) from None
        except urllib.error.URLError as err:
            raise DownloadError(url, str(err.reason)) from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
            raise DownloadError(url, f"{type(err).__name__}: {err}") from None
        if sha256 is not None and h.hexdigest() != sha256.lower():
            raise ChecksumError(f"checksum mismatch for {url}: expected sha256 {sha256}, got {h.hexdigest()}")
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return dest


def not_found(
    what: str, root: Path, looked: list, detail: str | DownloadError, can_download: bool = True
) -> DatasetNotFoundError:
    """The one-line error of a dataset missing under ``root``: where it looked, why nothing was
    downloaded (``detail``: ``"download=False"``, a :class:`DownloadError`, ...) and how to fix it."""
    where = ", ".join(str(p) for p in looked)
    state = "" if root.exists() else f" (the root {root} does not exist)"
    fix = "put the files in one of those places or pass root=<the folder holding them> (dataset.root=...)"
    if isinstance(detail, DownloadError):
        fix = "check the network, or " + fix
    elif can_download:
        fix += ", or allow the download (download=True)"
    return DatasetNotFoundError(
        f"{what} not found under {root}{state}; looked for {where}; {detail}. To fix: {fix}"
    )


def find_first(candidates: list[Path]) -> Path | None:
    """The first existing path of ``candidates``."""
    for c in candidates:
        if c.exists():
            return c
    return None


_WARNED: set[tuple[str, str, str]] = set()


def warn_unverified(fmt: str, name: str, where: str | os.PathLike, why: str = "") -> None:
    """Warn once per ``(format, name, location)`` that a dataset is read from unverified files."""
    key = (fmt, name, str(Path(where).resolve()))
    if key in _WARNED:
        return
    _WARNED.add(key)
    reason = why or f"{name!r} is not a pinned {fmt} dataset"
    warnings.warn(
        f"{fmt} dataset {name!r} loaded from {where} is unverified ({reason}): "
        "results are only as good as these files",
        UnverifiedDatasetWarning,
        stacklevel=3,
    )
