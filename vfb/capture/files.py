"""Writing footage so a crash or a full disk never costs what was already safe: sync, rename."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from vfb.errors import DiskFull

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
logger = logging.getLogger("vfb.media")


def is_disk_full(error: OSError) -> bool:
    return error.errno in DISK_FULL_ERRNOS


def disk_full(where: Path) -> DiskFull:
    """The user's words say what happened; which folder is for the operator's log."""
    logger.warning("the disk is full: could not finish writing in %s", where)
    return DiskFull(
        "The disk is full, so vfb could not finish writing the footage. Nothing already saved has "
        "been lost; free some space and try again."
    )


def fsync_path(path: Path) -> None:
    """Sync a file's bytes, or (for a folder) the renames and new names in it, to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temporary_sibling(final: Path) -> Path:
    """Where a file is built before it is renamed to `final` (same folder, so rename is atomic)."""
    return final.with_name(f".{final.name}.part")


@contextmanager
def built_atomically(final: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is synced and renamed to `final`, on any
    failure removed, so `final` is either complete or absent."""
    final.parent.mkdir(parents=True, exist_ok=True)
    part = temporary_sibling(final)
    part.unlink(missing_ok=True)
    try:
        yield part
        fsync_path(part)
        part.replace(final)
        fsync_path(final.parent)
    except OSError as error:
        part.unlink(missing_ok=True)
        if is_disk_full(error):
            raise disk_full(final.parent) from error
        raise
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def free_bytes(path: Path) -> int:
    """Free space on the disk holding `path` (its nearest existing ancestor)."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def append_durably(path: Path, data: bytes | BinaryIO, *, at: int) -> int:
    """Write `data` (bytes, or a file read to its end a piece at a time) at byte `at` of `path`
    (dropping anything after `at` first: bytes written but never acknowledged), fsync, and return
    the new length."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    end = at
    try:
        os.ftruncate(fd, at)
        os.lseek(fd, at, os.SEEK_SET)
        if not isinstance(data, bytes):
            end += _copied_in_kernel(data, fd)  # what it could not copy is read and written
        pieces = [data] if isinstance(data, bytes) else iter(lambda: data.read(1 << 20), b"")
        for piece in pieces:
            view = memoryview(piece)
            while view:
                written = os.write(fd, view)
                view = view[written:]
                end += written
        os.fsync(fd)
    except OSError as error:
        os.ftruncate(fd, at)
        if is_disk_full(error):
            raise disk_full(path.parent) from error
        raise
    finally:
        os.close(fd)
    return end


def keep_as(received: Path, path: Path) -> int:
    """Make the file `received` the file `path`, durably (synced, then renamed, and the rename
    synced); its size."""
    fd = os.open(received, os.O_RDONLY)
    try:
        os.fsync(fd)
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    received.replace(path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return size


def _copied_in_kernel(source: BinaryIO, fd: int) -> int:
    """Copy what is left of the file `source` to `fd` without it passing through this process
    (copy_file_range), as far as the kernel can; how many bytes were copied. `source` is left
    where the copy stopped."""
    try:
        source_fd = source.fileno()
    except (AttributeError, OSError, ValueError):
        return 0
    copied = 0
    try:
        while step := os.copy_file_range(source_fd, fd, 1 << 30):
            copied += step
    except OSError as error:
        if is_disk_full(error):
            raise
    if copied:  # the buffered reader takes up from where the kernel left the file
        source.seek(os.lseek(source_fd, 0, os.SEEK_CUR))
    return copied
