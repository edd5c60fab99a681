"""The one error hierarchy of vfb: every error a user can meet, its HTTP status and its plain words.

    VfbError
    ├── InvalidInput(ValueError)                 400  bad value in a request or command
    ├── NotSignedIn(PermissionError)             401  no session, or it has expired
    │   ├── WrongCredentials                     401  username or password wrong
    │   └── DeviceWithdrawn                      401  a field laptop whose link was withdrawn
    ├── NotAllowed(PermissionError)              403  signed in, but the role may not do this
    ├── NotFound(LookupError)                    404  missing, or outside the user's reach
    ├── Conflict                                 409  clashes with what is stored
    │   ├── ConsentMissing                       409  filming or sharing without active consent
    │   └── ChunkOutOfOrder                      409  a recording chunk arrived before its turn
    ├── Gone                                     410  a share link expired, revoked or used up
    ├── TooLarge                                 413  an upload bigger than VFB_MAX_UPLOAD_MB
    ├── UnreadableMedia(ValueError)              422  not a video vfb can read, or a bad cut
    │   └── MediaBeyondLimits                    422  longer, larger or faster than a home visit
    ├── SignInLocked                             429  too many failed sign-ins for a username
    ├── StoreUnavailable                         503  the footage's object store cannot be reached
    ├── DiskFull(OSError)                        507  no room left to store footage
    ├── MediaFailed(RuntimeError)                500  FFmpeg failed on a file it had accepted
    │   └── MediaJobStopped                      500  a media job ran out of its time or memory
    └── UnsafeSettings(ValueError)               --   the server refuses to start

Each error carries a short machine `code` and a `detail` in plain words; the API maps them in one
exception handler (`vfb.api.errors`) and the CLI in one place (`vfb.cli.main`).
"""

from __future__ import annotations

import logging

SQLITE_FULL = 13  # the primary result code, in the low byte of an extended one
POSTGRES_DISK_FULL = "53100"


class VfbError(Exception):
    """Root of every error vfb raises on purpose."""

    status: int = 500
    code: str = "error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(VfbError, ValueError):
    status = 400
    code = "invalid_input"


class NotSignedIn(VfbError, PermissionError):
    status = 401
    code = "not_signed_in"


class WrongCredentials(NotSignedIn):
    code = "wrong_credentials"


class DeviceWithdrawn(NotSignedIn):
    """A field laptop whose link to the team an admin has withdrawn: told so in words, and
    nothing on it touched."""

    code = "device_withdrawn"


class NotAllowed(VfbError, PermissionError):
    status = 403
    code = "not_allowed"


class NotFound(VfbError, LookupError):
    status = 404
    code = "not_found"

    @classmethod
    def of(cls, what: str, ident: str) -> NotFound:
        return cls(f"There is no {what} with id {ident!r}, or it is not one of yours.")


class Conflict(VfbError):
    status = 409
    code = "conflict"


class ConsentMissing(Conflict):
    code = "consent_missing"


class FootageChanged(Conflict):
    """A withdrawal confirmed on a preview that no longer holds: footage came or went since."""

    code = "footage_changed"


class BookedForLater(Conflict):
    """Something that happens in a visit (filming, a joint review) on one booked for a later day."""

    code = "booked_for_later"


class ChunkOutOfOrder(Conflict):
    code = "chunk_out_of_order"

    def __init__(self, detail: str, expected: int) -> None:
        super().__init__(detail)
        self.expected = expected


class OffsetMismatch(ChunkOutOfOrder):
    """A piece of a resumable upload sent for an offset that is not where the upload is (tus:
    409): `expected` is the offset to resume from."""

    code = "offset_mismatch"


class ChecksumMismatch(VfbError):
    """What arrived is not what was sent (its SHA-256 differs): nothing of it was kept (tus's
    status for it, 460)."""

    status = 460
    code = "checksum_mismatch"


class FileMismatch(VfbError):
    """A file sent in pieces whose whole SHA-256, once it had all arrived, is not the one its
    sender said: nothing of it was kept."""

    status = 422
    code = "file_mismatch"


class ProtocolUnsupported(VfbError):
    """A resumable upload in a version of the tus protocol vfb does not speak (tus: 412)."""

    status = 412
    code = "protocol_unsupported"


class WrongContentType(VfbError):
    status = 415
    code = "wrong_content_type"


class Gone(VfbError):
    status = 410
    code = "gone"


class TooLarge(VfbError):
    status = 413
    code = "too_large"


class UnreadableMedia(VfbError, ValueError):
    status = 422
    code = "unreadable_media"


class MediaBeyondLimits(UnreadableMedia):
    code = "media_beyond_limits"


class DiskFull(VfbError, OSError):
    status = 507
    code = "disk_full"

    @classmethod
    def for_database(cls) -> DiskFull:
        return cls(
            "The disk is full, so vfb could not save this change. Nothing already saved has been "
            "lost; free some space (or ask your administrator to) and try again."
        )


def database_disk_full(error: BaseException) -> bool:
    """Whether a database error (as SQLAlchemy wraps it, or the driver's own) means the disk is
    full: SQLite's SQLITE_FULL ('database or disk is full'), PostgreSQL's 53100 (disk_full)."""
    driver = getattr(error, "orig", None) or error
    sqlite_code = getattr(driver, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int) and sqlite_code & 0xFF == SQLITE_FULL:
        return True
    return getattr(driver, "sqlstate", None) == POSTGRES_DISK_FULL


class MediaFailed(VfbError, RuntimeError):
    status = 500
    code = "media_failed"

    @classmethod
    def because(cls, what: str, cause: object) -> MediaFailed:
        """`vfb could not <what>`, in plain words; FFmpeg's own (which name files, codecs'
        internals and memory addresses) go to the operator's log instead."""
        logging.getLogger("vfb.media").warning("could not %s: %s", what, cause)
        return cls(
            f"vfb could not {what}: the file may be damaged, or made in a way vfb cannot handle. "
            "The details are in the server's log."
        )


class MediaJobStopped(MediaFailed):
    code = "media_job_stopped"

    @classmethod
    def out_of_memory(cls, what: str) -> MediaJobStopped:
        return cls(
            f"vfb ran out of the memory it allows itself (VFB_MEDIA_JOB_MEMORY_MB) while trying to "
            f"{what}, so it stopped. The video is larger or more complex than this server can "
            "handle; export it at a smaller size and import it again."
        )


class Busy(VfbError):
    """Every database connection this process may hold is in use, and none came free in time.
    Nothing was changed; the answer says when to try again (`Retry-After`)."""

    status = 503
    code = "busy"
    retry_after_seconds = 2

    def __init__(self) -> None:
        super().__init__(
            "vfb is very busy just now and could not take this request; nothing was changed. "
            "Please try again in a moment."
        )


class StoreUnavailable(VfbError):
    """The object store footage is kept in could not be reached, or refused: nothing already kept
    was lost, and the request may be tried again."""

    status = 503
    code = "store_unavailable"
    retry_after_seconds = 30


class SignInLocked(VfbError):
    status = 429
    code = "sign_in_locked"


class UnsafeSettings(VfbError, ValueError):
    code = "unsafe_settings"
