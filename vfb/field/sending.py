"""Sending a video file to a vfb server so that no cut loses more than one piece: a thin client
of the tus 1.0 protocol the server speaks (vfb.api.routes.uploads), on the standard library's
HTTP client.

The file's SHA-256 is worked out first and said when the upload begins; each piece carries its
own (`Upload-Checksum`), so a piece that arrives damaged or cut short is refused whole and sent
again. After a cut, the client asks the server where it is (HEAD) and goes on from there. The
file has safely arrived only when the server names the clip it became: the server makes one
only of a whole file whose SHA-256 is the one said."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from vfb.capture.files import sha256_of
from vfb.errors import Gone, VfbError

PIECE_BYTES = 8 << 20
TUS = {"Tus-Resumable": "1.0.0"}


class SendFailed(VfbError):
    """The server refused the file, or could not be reached for long enough."""

    status = 502
    code = "send_failed"


@dataclass
class Sent:
    clip_id: str
    sha256: str
    bytes_sent: int  # every byte put on the wire, pieces sent again included
    cuts: int  # how many times the connection broke and the client went on


@dataclass
class Sender:
    server: str  # http://host:port
    headers: dict[str, str]  # the sign-in (Authorization)
    piece_bytes: int = PIECE_BYTES
    timeout: float = 60.0
    tries: int = 8  # connection failures in a row before giving up
    on_progress: Callable[[int, int], None] | None = None  # (offset, length)
    _connection: http.client.HTTPConnection | None = field(default=None, init=False, repr=False)

    def send(
        self,
        path: Path,
        *,
        visit: str,
        upload_url: str | None = None,
        sha256: str | None = None,
        remember: Callable[[str], None] | None = None,
    ) -> Sent:
        """Send `path` into the visit: a new upload, or the one at `upload_url` resumed (its URL
        is given to `remember` as soon as it exists, so a killed sender can go on from it)."""
        length = path.stat().st_size
        digest = sha256 or sha256_of(path)
        sent = Sent(clip_id="", sha256=digest, bytes_sent=0, cuts=0)
        if upload_url is None:
            upload_url = self._create(path, visit, digest, length)
            if remember is not None:
                remember(upload_url)
        try:
            return self._send(path, upload_url, length, sent)
        finally:
            self._hang_up()

    def _send(self, path: Path, upload_url: str, length: int, sent: Sent) -> Sent:
        failures = 0
        offset: int | None = None  # where the server is: asked after a new start or a failure
        with path.open("rb") as file:
            while True:
                try:
                    if offset is None:
                        offset, clip_id = self._where(upload_url)
                        if clip_id:
                            sent.clip_id = clip_id
                            return sent
                    if offset >= length:
                        raise SendFailed("The server has the whole file but has made no clip.")
                    file.seek(offset)
                    piece = file.read(self.piece_bytes)
                    sent.bytes_sent += len(piece)
                    offset, clip_id = self._patch(upload_url, offset, piece)
                    failures = 0
                    if self.on_progress is not None:
                        self.on_progress(offset, length)
                    if clip_id:
                        sent.clip_id = clip_id
                        return sent
                except (OSError, http.client.HTTPException, _Again):
                    self._hang_up()
                    offset = None
                    failures += 1
                    sent.cuts += 1
                    if failures >= self.tries:
                        raise SendFailed(
                            f"The server at {self.server} could not be reached {failures} times "
                            "in a row; what it has is kept, and sending goes on from there next "
                            "time."
                        ) from None
                    time.sleep(min(0.25 * 2**failures, 10))

    # -- the protocol --------------------------------------------------------------------------

    def _create(self, path: Path, visit: str, digest: str, length: int) -> str:
        metadata = ",".join(
            f"{key} {base64.b64encode(value.encode()).decode()}"
            for key, value in (("visit", visit), ("filename", path.name), ("sha256", digest))
        )
        status, headers, body = self._call(
            "POST", "/api/uploads", {"Upload-Length": str(length), "Upload-Metadata": metadata}
        )
        if status != 201:
            raise SendFailed(_words(body, f"The server refused the upload ({status})."))
        return urljoin(self.server + "/", headers.get("location", ""))

    def _where(self, url: str) -> tuple[int, str | None]:
        status, headers, body = self._call("HEAD", url, {})
        if status == 410:
            raise Gone("The server no longer has this upload; send the file again from the start.")
        if status != 200:
            self._refused(status, body)
        return int(headers["upload-offset"]), headers.get("vfb-clip-id")

    def _patch(self, url: str, offset: int, piece: bytes) -> tuple[int, str | None]:
        checksum = base64.b64encode(hashlib.sha256(piece).digest()).decode()
        status, headers, body = self._call(
            "PATCH",
            url,
            {
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                "Upload-Checksum": f"sha256 {checksum}",
            },
            piece,
        )
        if status == 460:
            raise _Again  # the piece was damaged on the way: it is sent again
        if status == 409 or status in {502, 503, 504}:
            raise _Again  # the offset moved (a piece sent twice), or the server is busy
        if status != 204:
            self._refused(status, body)
        return int(headers["upload-offset"]), headers.get("vfb-clip-id")

    def _refused(self, status: int, body: bytes) -> None:
        if status in {401, 403}:
            raise SendFailed(_words(body, "The server did not accept this sign-in."))
        raise SendFailed(_words(body, f"The server refused the upload ({status})."))

    def _call(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request on the connection kept open to the server (opened again after a cut)."""
        parts = urlsplit(urljoin(self.server + "/", url))
        if self._connection is None:
            self._connection = (
                http.client.HTTPSConnection(parts.netloc, timeout=self.timeout)
                if parts.scheme == "https"
                else http.client.HTTPConnection(parts.netloc, timeout=self.timeout)
            )
        self._connection.request(
            method, parts.path, body=body, headers={**TUS, **self.headers, **headers}
        )
        response = self._connection.getresponse()
        data = response.read()
        if response.will_close:
            self._hang_up()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def _hang_up(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _Again(Exception):
    """Try the piece again after asking where the upload is."""


def _words(body: bytes, fallback: str) -> str:
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        detail = None
    return detail if isinstance(detail, str) else fallback
