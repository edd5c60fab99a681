"""Where footage lives on disk: one folder per programme (so withdrawing consent can remove it all),
one per clip and per recording inside it, every name made by the server."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from vfb.capture.frames import FRAMES
from vfb.capture.review_media import PEAKS, POSTER, THUMBNAILS
from vfb.models.base import new_id

CLIP_FILE = "clip.mp4"
CHUNKS_FILE = "chunks"


@dataclass(frozen=True)
class MediaStore:
    root: Path

    def programme_dir(self, programme_id: str) -> Path:
        return self.root / programme_id

    def clip_dir(self, programme_id: str, clip_id: str) -> Path:
        return self.programme_dir(programme_id) / "clips" / clip_id

    def new_clip_dir(self, programme_id: str) -> tuple[str, Path]:
        """An id for a clip about to be received, and its folder (owner-only), made now."""
        clip_id = new_id()
        folder = self.clip_dir(programme_id, clip_id)
        for attempt in range(3):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                break
            except FileNotFoundError:  # a parent was pruned as it was being made: again
                if attempt == 2:
                    raise
        return clip_id, folder

    def clip_file(self, programme_id: str, clip_id: str) -> Path:
        return self.clip_dir(programme_id, clip_id) / CLIP_FILE

    def source_file(self, programme_id: str, clip_id: str, ext: str) -> Path:
        """What was uploaded or recorded, kept as it came until retention says otherwise."""
        return self.clip_dir(programme_id, clip_id) / f"source{ext}"

    def review_file(self, programme_id: str, clip_id: str, name: str) -> Path:
        assert name in (POSTER, THUMBNAILS, PEAKS, "thumbnails.json", FRAMES)
        return self.clip_dir(programme_id, clip_id) / name

    def recording_dir(self, programme_id: str, recording_id: str) -> Path:
        return self.programme_dir(programme_id) / "recordings" / recording_id

    def chunks_file(self, programme_id: str, recording_id: str) -> Path:
        return self.recording_dir(programme_id, recording_id) / CHUNKS_FILE

    def recording_lock(self, programme_id: str, recording_id: str) -> Path:
        """Beside the recording's folder, so that deleting the programme's footage takes it too."""
        return self.programme_dir(programme_id) / "recordings" / f".{recording_id}.lock"

    @contextmanager
    def locked(self, path: Path) -> Iterator[Callable[[], None]]:
        """Hold the lock of the file `path` for every process on this machine (an exclusive
        `flock`) until the block ends; the block may call what it is given to remove the file
        once nothing will ask for that lock again. One that waited for a lock whose file was
        removed holds it all the same, and must decide on what it reads then."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield lambda: self._remove_lock(path)
        finally:
            os.close(fd)  # and with it the lock

    def _remove_lock(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self._prune(path.parent)  # a late chunk of withdrawn footage leaves no folder behind

    def remove_clip(self, programme_id: str, clip_id: str) -> None:
        """Remove the clip's folder, and the programme's folders if that leaves them empty."""
        folder = self.clip_dir(programme_id, clip_id)
        shutil.rmtree(folder, ignore_errors=True)
        self._prune(folder.parent)

    def _prune(self, folder: Path) -> None:
        """Remove `folder` and its parents up to the root while they are empty (rmdir refuses a
        folder that is not: one a concurrent upload has just put a clip in stays)."""
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def sweep_partial_files(self) -> list[Path]:
        """Remove `.part` files: writes a crash interrupted, which nothing refers to. One that a
        live process on this machine is still writing (another server's upload, another worker's
        job, sharing this folder) is left alone."""
        removed = []
        if self.root.exists():
            parts = list(self.root.rglob(".*.part"))
            in_use = _open_files() if parts else set()
            for part in parts:
                if part.resolve() in in_use:
                    continue
                part.unlink(missing_ok=True)
                removed.append(part)
                self._prune(part.parent)  # an upload's folder holds nothing else
        return removed


def _open_files() -> set[Path]:
    """Every file a process on this machine has open (that this process may see)."""
    found: set[Path] = set()
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            for fd in fd_dir.iterdir():
                with suppress(OSError):
                    found.add(Path(os.readlink(fd)))
        except OSError:  # the process ended, or is not ours to look at
            continue
    return found
