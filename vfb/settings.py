"""vfb's settings: one `Settings` read from `VFB_*` variables, each documented in the README."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vfb.audit.keys import parse_keyring
from vfb.errors import UnsafeSettings
from vfb.security import PasswordCost

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class Settings(BaseSettings):
    """Everything an operator can set. The defaults are the embedded, single-laptop setup."""

    model_config = SettingsConfigDict(env_prefix="VFB_", extra="ignore", env_ignore_empty=True)

    data_dir: Path = Field(
        default=Path("vfb-data"),
        description="Folder for the database, the secret key and the footage (`media/`).",
    )
    media_url: str | None = Field(
        default=None,
        description="Where footage is kept: a folder (default: `media/` in the data folder), or "
        "`s3://bucket/prefix` for an S3-compatible object store, the data folder's `media/` then "
        "being this machine's working space only.",
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        description="The object store's address, for a store other than Amazon S3 (Ceph RGW, "
        "Garage, a provider's S3 service): `https://s3.example.org`.",
    )
    s3_region: str | None = Field(default=None, description="The object store's region.")
    s3_access_key_id: str | None = Field(
        default=None,
        description="The object store's access key; unset: boto3's own (AWS_ACCESS_KEY_ID, "
        "~/.aws, an instance role).",
    )
    s3_secret_access_key: SecretStr | None = Field(
        default=None, description="The secret that goes with VFB_S3_ACCESS_KEY_ID."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default SQLite in the data folder. "
        "PostgreSQL: `postgresql+psycopg://user:pass@host/db`.",
    )
    database_connections: int = Field(
        default=50,
        ge=1,
        description="Database connections one vfb process may hold at once: one for each of the "
        "server's 40 request threads, and its media workers' and daily jobs'. A request that "
        "finds them all in use waits VFB_DATABASE_WAIT_SECONDS, then is answered 503 with "
        "Retry-After (nothing changed). On PostgreSQL, keep the processes' total under its "
        "max_connections.",
    )
    database_wait_seconds: float = Field(
        default=10,
        gt=0,
        description="How long a request waits for a free database connection before it is "
        "answered 503.",
    )
    host: str = Field(default="127.0.0.1", description="Address `vfb serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `vfb serve` listens on.")
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key for signing session tokens; generated into the data folder when unset. "
        "Required when serving on a non-loopback host.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A signed-in session ends after this many idle minutes."
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="A signed-in session ends this many hours after sign-in."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins in a row that lock a username."
    )
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="How long a locked username stays locked."
    )
    login_max_failures_per_address: int = Field(
        default=20,
        ge=1,
        description="Failed sign-ins from one network address, whatever the usernames, in each "
        "`VFB_LOGIN_LOCKOUT_MINUTES`; after that the address must wait for the next period.",
    )
    password_hash_cost: PasswordCost = Field(
        default="standard",
        description="How hard each stored password is to guess: `standard` (argon2, 64 MiB and 3 "
        "passes a check). `test` is for vfb's own tests only (a stolen database would give its "
        "passwords up at once); vfb refuses to serve beyond this computer with it.",
    )
    timezone: str = Field(
        default="Europe/London",
        description="IANA time zone whose calendar decides what 'today' is for the date rules.",
    )
    public_url: str | None = Field(
        default=None,
        description="The address carers' phones reach vfb at (e.g. `https://vfb.example.org`): "
        "share links are made from it. Default: the address the worker's browser used.",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Send the session cookie only over HTTPS; default: on unless the host is "
        "loopback.",
    )

    max_upload_mb: int = Field(
        default=4096, ge=1, description="Largest video file an import may upload, in megabytes."
    )
    min_free_mb: int = Field(
        default=500,
        ge=0,
        description="A recording stops cleanly, keeping what it has, when free disk space falls "
        "below this many megabytes.",
    )
    recording_idle_seconds: int = Field(
        default=120,
        ge=5,
        description="A browser recording that has sent nothing for this long (the tab closed or "
        "crashed) is finalised as a recovered clip.",
    )

    max_clip_minutes: int = Field(
        default=180,
        ge=1,
        description="Longest video vfb takes as one clip; a longer one is refused at import.",
    )
    max_frame_pixels: int = Field(
        default=4096 * 2304,
        ge=64 * 64,
        description="Largest picture (width × height, either way up) vfb takes; default "
        "4096×2304 (9.4 megapixels).",
    )
    max_frame_side: int = Field(
        default=4096, ge=64, description="Widest or tallest picture vfb takes, in pixels."
    )
    max_fps: float = Field(
        default=120, gt=0, description="Highest average frame rate vfb takes, in frames a second."
    )
    serve_media_jobs: bool = Field(
        default=True,
        description="`vfb serve` makes clips playable and reels itself; set false on a team "
        "server whose `vfb worker` processes do that work instead.",
    )
    media_jobs: int | None = Field(
        default=None,
        ge=1,
        description="Media jobs (making clips playable, reels) run at once; default: one per "
        "processor core.",
    )
    media_job_minutes: float = Field(
        default=30,
        gt=0,
        description="A media job is stopped (its clip fails, saying why) after this many minutes, "
        "plus VFB_MEDIA_JOB_MINUTES_PER_HOUR for each hour of footage.",
    )
    media_job_minutes_per_hour: float = Field(
        default=600,
        ge=0,
        description="Time a media job may take for each hour of footage, in minutes (making a "
        "rotated 4K60 phone film playable takes about 12 times its length).",
    )
    media_job_memory_mb: int = Field(
        default=4096,
        ge=64,
        description="Memory (address space) each media job's process may use, in megabytes; a job "
        "that needs more is stopped and its clip fails, saying why.",
    )

    retain_raw_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description="Days the original upload or recording is kept once its playable clip is made.",
    )
    retain_footage_days: int = Field(
        default=90,
        ge=0,
        le=3650,
        description="Days clips, thumbnails, waveforms and reels are kept after the programme "
        "ends.",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="Key for the audit chain's MACs: hex or base64 of at least 32 random bytes "
        "(`FIRST_ROW:KEY` entries, comma-separated, after a rotation); default: a key file made in "
        "the data folder.",
    )
    audit_anchor_file: Path | None = Field(
        default=None,
        description="Append-only file the audit chain's anchors are written to; default "
        "`audit_anchors` in the data folder.",
    )
    max_request_kb: int = Field(
        default=1024,
        ge=16,
        description="Largest request body other than a video upload or a recording chunk, in "
        "kilobytes.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (try Europe/London)") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _usable_public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"VFB_PUBLIC_URL must start https:// and name a host, not {value!r}")
        if parts.query or parts.fragment:
            raise ValueError("VFB_PUBLIC_URL must be an address only, without ? or #")
        return value.strip().rstrip("/")

    @field_validator("media_url")
    @classmethod
    def _usable_media_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if "://" in value and urlsplit(value).scheme not in ("s3", "file"):
            raise ValueError(f"VFB_MEDIA_URL is a folder or s3://bucket/prefix, not {value!r}")
        if value.startswith("s3://") and not urlsplit(value).netloc:
            raise ValueError("VFB_MEDIA_URL must name the bucket: s3://bucket/prefix")
        return value

    @field_validator("audit_key")
    @classmethod
    def _usable_audit_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_keyring(value.get_secret_value())  # its KeyProblem says what is wrong
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vfb.sqlite3').resolve()}"

    @property
    def media_dir(self) -> Path:
        """The local folder footage is written to (and, without an object store, kept in)."""
        if self.media_url and not self.media_url.startswith("s3://"):
            return Path(self.media_url.removeprefix("file://"))
        return self.data_dir / "media"

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    @property
    def resolved_cookie_secure(self) -> bool:
        return (not self.is_loopback) if self.cookie_secure is None else self.cookie_secure

    def check_safe_to_serve(self) -> None:
        """Refuse settings that would expose the app with a secret nobody chose."""
        if not self.is_loopback and self.secret_key is None:
            raise UnsafeSettings(
                f"Refusing to serve on {self.host}: set VFB_SECRET_KEY to a long random value "
                "when listening beyond this computer."
            )
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 32:
            raise UnsafeSettings("VFB_SECRET_KEY must be at least 32 characters long.")
        if not self.is_loopback and self.password_hash_cost != "standard":  # noqa: S105
            raise UnsafeSettings(
                f"Refusing to serve on {self.host} with VFB_PASSWORD_HASH_COST="
                f"{self.password_hash_cost}: it is for tests only; unset it."
            )


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """Whether an address names this computer only (127.0.0.1, localhost, ::1): no other
    device, a carer's phone included, can open it."""
    host = urlsplit(url).hostname or ""
    return is_loopback_host(host) or host.endswith(".localhost")


def ensure_data_dir(settings: Settings) -> Path:
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return settings.data_dir


def secret_key(settings: Settings) -> str:
    """The explicit secret, or the one kept in the data folder (made on first use, owner-only)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = ensure_data_dir(settings) / SECRET_KEY_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
        f.flush()
        os.fsync(f.fileno())
    return key
