"""Atomic file output: write to a temporary file beside the target, then rename over it.

A reader never sees a half-written output or model, and a killed run leaves the previous
file intact. Only regular files and new paths are replaced that way: a device, a FIFO or a
``/dev/fd/N`` pipe is written through, and a symbolic link is followed (its target is
replaced, the link stays).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file for writing; on success it replaces ``path`` in one rename.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    binary = "b" in mode
    encoding = None if binary else encoding
    if writes_through(path):
        # A device, FIFO or pipe: renaming a file over it would replace it, not write to it.
        handle = open(path, mode, encoding=encoding)
        try:
            yield handle
            handle.close()  # flushes: a full device fails here
        except BaseException:
            with contextlib.suppress(OSError):
                handle.close()
            raise
        return
    path = resolved(path)
    existing = _stat(path)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, f"directory {directory} does not exist",
                                str(path)) from None
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would (an
        # existing file's own mode).
        os.fchmod(fd, stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_umask())
        handle = os.fdopen(fd, mode, encoding=encoding)
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        except BaseException:
            with contextlib.suppress(OSError):
                handle.close()
            raise
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _stat(path: str | Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def writes_through(path: str | Path) -> bool:
    """Whether ``path`` is an existing non-regular file (device, FIFO, pipe, socket).

    Such a path is opened and written in place: there is nothing to replace atomically.
    Symbolic links are followed; directories are not writes-through (they are refused).
    """
    info = _stat(path)
    return info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode)


def resolved(path: str | Path) -> Path:
    """``path``, or for a symbolic link the file it points to (which may not exist yet)."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _umask() -> int:
    # The umask can only be read by setting it; set it straight back.
    mask = os.umask(0)
    os.umask(mask)
    return mask


class PartialOutputError(FileExistsError):
    """An unfinished output of an earlier run is in the way (and ``resume`` was not asked)."""


def partial_path(path: str | Path) -> Path:
    """Where :func:`resumable_write` keeps an output while it is being written."""
    path = resolved(path)
    return path.with_name(path.name + ".partial")


@contextlib.contextmanager
def resumable_write(path: str | Path, *, resume: bool = False,
                    encoding: str = "utf-8") -> Iterator[tuple[IO[str], bool]]:
    """An output written line by line as work finishes, that appears at ``path`` when complete.

    Lines go to ``PATH.partial``, which replaces ``path`` in one rename on success. A run
    that is killed or fails leaves the partial file holding every line it finished; with
    ``resume=True`` the next run appends to it (after dropping a torn last line), or, when
    only a finished ``path`` exists, to a copy of it. Yields ``(handle, continued)``, where
    ``continued`` says the file already held output (read it for what to skip, and do not
    write a header again).

    Without ``resume``, an existing partial file raises :class:`PartialOutputError`: it is
    work that would otherwise be lost.
    """
    if writes_through(path):
        raise ValueError(f"{path} is not a regular file: write it with atomic_write")
    path = resolved(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"directory {path.parent} does not exist",
                                str(path))
    partial = partial_path(path)
    if partial.exists() and not resume:
        raise PartialOutputError(
            f"{partial} holds the unfinished output of an earlier run; pass resume=True to "
            "continue it, or delete it to start again")
    continued = False
    if resume and partial.exists():
        _drop_torn_line(partial)
        continued = partial.stat().st_size > 0
    elif resume and path.exists():
        with atomic_write(partial, "wb") as copy, open(path, "rb") as finished:
            for block in iter(lambda: finished.read(1 << 20), b""):
                copy.write(block)
        _drop_torn_line(partial)
        continued = partial.stat().st_size > 0
    else:
        partial.write_bytes(b"")
    with open(partial, "a", encoding=encoding, newline="") as handle:
        yield handle, continued
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _drop_torn_line(path: Path) -> None:
    """Cut a file back to its last newline: a killed writer may have left half a line."""
    size = path.stat().st_size
    if not size:
        return
    with open(path, "rb+") as handle:
        position = size
        while position > 0:
            step = min(1 << 16, position)
            handle.seek(position - step)
            block = handle.read(step)
            newline = block.rfind(b"\n")
            if newline >= 0:
                keep = position - step + newline + 1
                break
            position -= step
        else:
            keep = 0
        if keep != size:
            handle.truncate(keep)
