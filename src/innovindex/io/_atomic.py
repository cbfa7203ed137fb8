"""Small process and file primitives shared by every atomic writer (tables, outputs, the store).

Kept free of pandas and duckdb so that :mod:`innovindex.dbfile` can use it cheaply.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_file", "pid_alive", "umask"]


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (ours always does; another user's counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def umask() -> int:
    """The process umask, read without changing it where /proc allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


#: Longest file name most file systems take (NAME_MAX on Linux and macOS).
_NAME_MAX = 255


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary file beside ``path``; when the block succeeds it replaces ``path``.

    The temporary file gets the mode a new file would get (``0o666`` less the umask), not
    mkstemp's ``0o600``. On any exception it is removed and ``path`` is left untouched.

    The temporary file is innovindex's business, not the user's: an :class:`OSError` about
    it (a read-only or full file system, a missing folder, a failed rename) is raised again
    naming ``path``, as ``cannot write the file: <reason>`` with the same ``errno``.
    """
    # ".<name>.<8 random>.tmp" must fit in a file name even when <name> nearly fills one
    stem = path.name[: _NAME_MAX - 16]
    try:
        fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _about(exc, path, None) from None
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o666 & ~umask())
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if _names(exc, tmp):
            raise _about(exc, path, tmp) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _names(exc: OSError, tmp: Path) -> bool:
    """Whether ``exc`` is about the temporary file (by its file name or in its text)."""
    return str(tmp) in (exc.filename, exc.filename2) or str(tmp) in str(exc)


def _about(exc: OSError, path: Path, tmp: Path | None) -> OSError:
    """``exc`` told about ``path`` (the file the user asked for) instead of the temporary file."""
    reason = exc.strerror or str(exc)
    if tmp is not None:
        reason = reason.replace(str(tmp), str(path))
    return OSError(exc.errno, f"cannot write the file: {reason}", str(path))
