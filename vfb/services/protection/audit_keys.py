"""Where the audit chain's keys live: `VFB_AUDIT_KEY`, or the key file in the data folder (made
owner-only on first need, and read again whenever `vfb audit rotate-key` changes it)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading

from vfb.audit.keys import AuditKey, KeyProblem, Keyring, new_secret, parse_keyring
from vfb.capture.files import fsync_path
from vfb.errors import Conflict, UnsafeSettings
from vfb.settings import Settings, ensure_data_dir

logger = logging.getLogger("vfb.audit")

AUDIT_KEY_FILE = "audit_key"
_HEADER = (
    "# vfb audit keys, oldest first: FIRST_ROW:KEY (hex). Keep this file apart from the\n"
    "# database and its backups; anyone holding both can rewrite the audit trail.\n"
)


class KeySource:
    """The keyring of one installation."""

    def __init__(self, settings: Settings) -> None:
        self._fixed: Keyring | None = None
        self._path = settings.data_dir / AUDIT_KEY_FILE
        self._settings = settings
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._ring = Keyring(())
        if settings.audit_key is not None:
            try:
                self._fixed = parse_keyring(settings.audit_key.get_secret_value())
            except KeyProblem as problem:
                raise UnsafeSettings(f"VFB_AUDIT_KEY: {problem}.") from None

    @property
    def describes(self) -> str:
        return "VFB_AUDIT_KEY" if self._fixed is not None else f"the key file {self._path.name}"

    def keyring(self) -> Keyring:
        """The keys as they are now (the file is read again only when it has changed)."""
        if self._fixed is not None:
            return self._fixed
        with self._lock:
            try:
                info = self._path.stat()
            except FileNotFoundError:
                self._seen, self._ring = None, Keyring(())
                return self._ring
            seen = (info.st_mtime_ns, info.st_size)
            if seen != self._seen:
                try:
                    self._ring = parse_keyring(self._path.read_text())
                except KeyProblem as problem:
                    raise UnsafeSettings(f"The audit key file is not valid: {problem}.") from None
                self._seen = seen
            return self._ring

    def key_for(self, seq: int) -> AuditKey:
        """The key that signs row `seq`; the first keyed row makes the key file (so the file
        records where the unkeyed rows ended). Call it holding the chain's head lock."""
        key = self.keyring().for_seq(seq)
        if key is not None:
            return key
        if self._fixed is not None:
            raise UnsafeSettings(
                f"VFB_AUDIT_KEY has no key for row {seq}: its first entry starts at a later row."
            )
        self._write(Keyring((AuditKey(seq, new_secret()),)), create=True)
        logger.info("made the audit key file %s; keep it apart from database backups", self._path)
        found = self.keyring().for_seq(seq)
        assert found is not None
        return found

    def add_key(self, first_seq: int) -> AuditKey:
        """A new key for the rows from `first_seq` on (a rotation). Call it holding the head
        lock, with `first_seq` the next row."""
        if self._fixed is not None:
            raise Conflict(
                "The audit key is set by VFB_AUDIT_KEY, so vfb cannot rotate it: add the new key "
                f"to VFB_AUDIT_KEY as ',{first_seq}:NEWKEY' (or a later row) and restart vfb."
            )
        key = AuditKey(first_seq, new_secret())
        self._write(self.keyring().with_key(key), create=False)
        return key

    def _write(self, ring: Keyring, *, create: bool) -> None:
        """The whole file, replaced at once (owner-only, synced): a half-written key file would
        leave rows nobody can check."""
        folder = ensure_data_dir(self._settings)
        part = folder / (AUDIT_KEY_FILE + ".part")
        part.unlink(missing_ok=True)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(_HEADER + ring.written())
            f.flush()
            os.fsync(f.fileno())
        if create:
            with contextlib.suppress(FileExistsError):  # never over one another process made
                os.link(part, self._path)
            part.unlink()
        else:
            os.replace(part, self._path)
        fsync_path(folder)
