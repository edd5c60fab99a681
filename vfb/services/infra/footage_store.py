"""Where footage lives: one folder per programme (so withdrawing consent can remove it all), one
per clip and per recording inside it, every name made by the server.

By default the footage stays in the local folder. With an object store (`VFB_MEDIA_URL=s3://…`)
the local folder is this machine's working space only: what is being received or made is written
there, and once a file is finished it is *kept* — copied to the store under the same name, and
the local copy let go. Reading goes through the store's methods (`exists`, `read_bytes`,
`describe` and `stream` for serving a part, `readable` for FFmpeg, `at_hand` for a job that needs
the whole file on disk), which look in the local folder first; deleting removes both."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from vfb.capture.files import built_atomically
from vfb.capture.frames import FRAMES
from vfb.capture.review_media import PEAKS, POSTER, THUMBNAILS
from vfb.errors import DiskFull, StoreUnavailable
from vfb.models.base import new_id
from vfb.services.infra.object_store import ObjectStoreSettings, OpenPart, S3Objects

if TYPE_CHECKING:
    from vfb.settings import Settings

CLIP_NAME = "clip"  # clip.mp4 or clip.webm
PLAYABLE_EXTENSIONS = (".mp4", ".webm")
CHUNKS_FILE = "chunks"
READ_URL_SECONDS = 300  # a signed address for FFmpeg reading a still or the frame times
READ_BYTES = 256 * 1024
LASTING_FILES = 10_000  # thumbnail indexes kept in memory (a few hundred bytes each)
COPY_PREFIX = ".copy-"  # a job's own copy of a file from the object store, in a folder so named


@dataclass(frozen=True)
class Described:
    """What serving a file needs to know before its first byte: its size and validators."""

    size: int
    tag: str  # changes whenever the file would
    modified: datetime
    in_store: bool = False  # read from the object store (else from the local file)


@dataclass(frozen=True)
class MediaStore:
    root: Path
    objects: S3Objects | None = None
    # small files that never change once made (a clip's thumbnail index), read from the object
    # store once per process: a list of clips asks for each one's
    _lasting: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @property
    def where(self) -> str:
        """Where footage is kept, in the operator's words (for logs and `vfb doctor`)."""
        return self.objects.where if self.objects else str(self.root)

    def name_of(self, path: Path) -> str:
        """The file's name in the store: its path under the local folder."""
        return path.relative_to(self.root).as_posix()

    # -- keeping and reading ------------------------------------------------------------------

    def keep(self, *paths: Path, let_go: bool = True) -> None:
        """These finished files are footage to keep: with an object store, copied to it (a file
        already there is copied again: a name never holds two different files) and, unless
        `let_go` is false (the caller will `let_go` once its record of them is committed), the
        local copies removed. Without one, they are kept where they are."""
        if self.objects is None:
            return
        for path in paths:
            if path.exists():
                self.objects.put_file(self.name_of(path), path)
        if let_go:
            self.let_go(*paths)

    def let_go(self, *paths: Path) -> None:
        """Remove the local copies of files kept in the object store (none without one)."""
        if self.objects is not None:
            for path in paths:
                path.unlink(missing_ok=True)

    def keep_made(self, programme_id: str, clip_id: str, *, clip_too: bool = True) -> None:
        """Keep what a clip's job made in its folder: the playable clip (unless `clip_too` is
        false: it was kept before, and this was a copy of it) and its review media; not what it
        was made from, kept when it came, nor half-written files and copies."""
        folder = self.clip_dir(programme_id, clip_id)
        if self.objects is None or not folder.exists():
            return
        made = [
            p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "source"))
        ]
        if not clip_too:
            self.let_go(*[p for p in made if p.stem == CLIP_NAME])
            made = [p for p in made if p.stem != CLIP_NAME]
        self.keep(*made)

    def keep_bytes(self, path: Path, data: bytes) -> None:
        """Keep `data` as the file `path` (written whole, synced; replaced if it is there)."""
        if self.objects is not None:
            self.objects.put_bytes(self.name_of(path), data)
            return
        with built_atomically(path) as part:
            part.write_bytes(data)

    def exists(self, path: Path) -> bool:
        if path.exists():
            return True
        return self.objects is not None and self.objects.head(self.name_of(path)) is not None

    def size(self, path: Path) -> int:
        """The file's size in bytes (`FileNotFoundError` when it is nowhere)."""
        return self.describe(path).size

    def read_bytes(self, path: Path, *, lasting: bool = False) -> bytes:
        """A small file's bytes (`FileNotFoundError` when it is nowhere); one that is `lasting`
        (never changes once made) is read from the object store only the first time."""
        try:
            return path.read_bytes()
        except FileNotFoundError:
            if self.objects is None:
                raise
        name = self.name_of(path)
        if lasting and name in self._lasting:
            return self._lasting[name]
        data = self.objects.get_bytes(name)
        if lasting:
            if len(self._lasting) >= LASTING_FILES:
                self._lasting.clear()
            self._lasting[name] = data
        return data

    def unreachable(self) -> str | None:
        """Why the object store cannot be used now, in plain words (None: it can, or there is
        none), for the operator when a process starts."""
        if self.objects is None:
            return None
        try:
            self.objects.check()
        except StoreUnavailable:
            return (
                f"The footage store {self.objects.where} cannot be reached with these settings "
                "(VFB_MEDIA_URL, VFB_S3_*): footage cannot be kept or shown until it can."
            )
        return None

    def describe(self, path: Path) -> Described:
        """Size and validators of the file to serve (`FileNotFoundError` when it is nowhere).
        With an object store, the store's (a local copy of the moment must not change them)."""
        found = self.objects.head(self.name_of(path)) if self.objects is not None else None
        if found is not None:
            return Described(found.size, found.etag, found.modified, in_store=True)
        stat = path.stat()
        modified = datetime.fromtimestamp(stat.st_mtime, UTC)
        return Described(stat.st_size, f"{stat.st_mtime_ns}-{stat.st_size}", modified)

    def open_part(self, path: Path, found: Described, first: int, length: int) -> OpenPart:
        """`length` bytes of the file `describe` found, from byte `first`: opened now (so that a
        store that fails, or a file that changed since, is an error before any header is
        sent), read as the iterator is."""
        if found.in_store:
            assert self.objects is not None
            return self.objects.open_range(self.name_of(path), first, length, found.tag)
        file = path.open("rb")
        file.seek(first)
        return OpenPart(_read_part(file, length), file.close)

    def readable(self, path: Path) -> str:
        """What FFmpeg may open to read a few frames of the file: its path, or a short-lived
        signed address of it in the object store (used in this process, never sent out)."""
        if self.objects is None or path.exists():
            return str(path)
        return self.objects.url_for(self.name_of(path), READ_URL_SECONDS)

    @contextmanager
    def at_hand(self, path: Path) -> Iterator[Path]:
        """The file on this machine's disk for the block (a job reading all of it). With an
        object store, a copy of the caller's own, in a folder of its own beside the file (two
        jobs reading one clip each have theirs), removed after; a file not in the store (not
        yet kept) is the local one. Without a store, the file itself. A file that is nowhere
        is not made up: the block gets a path with no file at it."""
        if self.objects is None:
            yield path
            return
        folder = path.parent / f"{COPY_PREFIX}{new_id()}"
        folder.mkdir(parents=True, mode=0o700)
        copy = folder / path.name
        try:
            try:
                self.objects.get_file(self.name_of(path), copy)
            except FileNotFoundError:
                yield path
                return
            yield copy
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def files_of(self, programme_id: str) -> dict[str, int]:
        """Every file of the programme's footage, wherever it is, with its size."""
        folder = self.programme_dir(programme_id)
        found: dict[str, int] = {}
        if self.objects is not None:
            found.update(self.objects.listed(f"{programme_id}/"))
        for path in _files_under(folder):
            with suppress(OSError):  # gone since it was listed
                if not path.name.endswith(".lock"):
                    found[self.name_of(path)] = path.stat().st_size
        return found

    def remove_file(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self._prune(path.parent)
        if self.objects is not None:
            self.objects.delete([self.name_of(path)])

    def remove_named(self, name: str) -> None:
        """Remove the file `name`, or with a name ending `/` the folder and all in it, here and
        in the object store."""
        if not name.endswith("/"):
            self.remove_file(self.root / name)
            return
        folder = self.root / name.rstrip("/")
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            shutil.rmtree(folder)  # a file that would not go: an error, not "gone"
        self._prune(folder.parent)
        if self.objects is not None:
            self.objects.delete([n for n, _ in self.objects.listed(name)])

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

    def clip_file(self, programme_id: str, clip_id: str, ext: str = ".mp4") -> Path:
        """The clip's playable copy: `ext` is the clip's `playable_ext`."""
        assert ext in PLAYABLE_EXTENSIONS, ext
        return self.clip_dir(programme_id, clip_id) / f"{CLIP_NAME}{ext}"

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

    @property
    def chunks_apart(self) -> bool:
        """A browser recording's chunks are kept one object each in the object store (so any
        server may take the next), and joined when it stops; without a store, appended to
        one file (`chunks_file`) as they come."""
        return self.objects is not None

    def _chunk_name(self, programme_id: str, recording_id: str, index: int) -> str:
        return self.name_of(self.recording_dir(programme_id, recording_id)) + f"/chunk-{index:06d}"

    def keep_chunk(self, programme_id: str, recording_id: str, index: int, path: Path) -> None:
        """Keep chunk `index` of the recording (a resend replaces it with the same bytes)."""
        assert self.objects is not None
        self.objects.put_file(self._chunk_name(programme_id, recording_id, index), path)

    def join_chunks(self, programme_id: str, recording_id: str, count: int, dest: Path) -> int:
        """Chunks 0 to `count - 1` of the recording, one after the other, into `dest` (synced):
        its size."""
        assert self.objects is not None
        size = 0
        try:
            with dest.open("xb") as out:
                for index in range(count):
                    name = self._chunk_name(programme_id, recording_id, index)
                    size += self.objects.write_into(name, out)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFull(
                    "The disk is full, so vfb could not join this recording's pieces into a "
                    "clip; every piece is kept. Free some space and it is saved then."
                ) from None
            raise
        return size

    def recording_lock(self, programme_id: str, recording_id: str) -> Path:
        """Beside the recording's folder (for a database that is not a file of its own)."""
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

    def remove_clip(self, programme_id: str, clip_id: str, *, but_source: bool = False) -> None:
        """Remove the clip's files (all but what it was made from, with `but_source`), here
        and in the object store, and the programme's folders if that leaves them empty."""
        folder = self.clip_dir(programme_id, clip_id)
        if but_source:
            for path in folder.iterdir() if folder.exists() else ():
                if not _is_source(path.name):
                    path.unlink(missing_ok=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
            self._prune(folder.parent)
        if self.objects is not None:
            names = [n for n, _ in self.objects.listed(self.name_of(folder) + "/")]
            self.objects.delete([n for n in names if not (but_source and _is_source(n))])

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
        """Remove `.part` files, writes a crash interrupted, and the copies a crashed job had
        brought from the object store: nothing refers to them. One that a live process on this
        machine still has open (another server's upload, another worker's job, sharing this
        folder) is left alone."""
        removed: list[Path] = []
        if not self.root.exists():
            return removed
        parts = list(self.root.rglob(".*.part"))
        copies = list(self.root.rglob(f"{COPY_PREFIX}*"))
        in_use = _open_files() if parts or copies else set()
        for part in parts:
            if part.resolve() in in_use:
                continue
            part.unlink(missing_ok=True)
            removed.append(part)
            self._prune(part.parent)  # an upload's folder holds nothing else
        for folder in copies:
            held = [f for f in _files_under(folder) if f.resolve() in in_use]
            if held or not folder.is_dir():
                continue
            removed.extend(_files_under(folder))
            shutil.rmtree(folder, ignore_errors=True)
        return removed


def _read_part(file: BinaryIO, length: int) -> Iterator[bytes]:
    while length > 0:
        chunk = file.read(min(READ_BYTES, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def _files_under(folder: Path) -> list[Path]:
    """Every file under `folder` (none if it is not there, or goes while it is being read)."""
    found: list[Path] = []
    for top, _, names in os.walk(folder):
        found.extend(Path(top) / name for name in names)
    return found


def _is_source(name: str) -> bool:
    return name.rsplit("/", 1)[-1].startswith("source")


def store_for(settings: Settings) -> MediaStore:
    """The footage store the settings name: the local folder, or an object store with the local
    folder as this machine's working space."""
    if settings.media_url is None or not settings.media_url.startswith("s3://"):
        return MediaStore(settings.media_dir)
    secret = settings.s3_secret_access_key
    objects = S3Objects(
        ObjectStoreSettings(
            url=settings.media_url,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None,
        )
    )
    return MediaStore(settings.media_dir, objects)


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
