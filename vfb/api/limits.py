"""Request size limits (pure ASGI): a body bigger than `VFB_MAX_REQUEST_KB` is refused with 413
before it is read, except where footage comes in, which streams to disk under its own limits
(`VFB_MAX_UPLOAD_MB` for an import or a resumable upload, 64 MB a recording chunk), and a
moments file (5 MB)."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vfb.errors import TooLarge

FOOTAGE_PATHS = re.compile(
    r"^/api/(sessions/[^/]+/clips|recordings/[^/]+/chunks/\d+|uploads/[^/]+)$"
)
# routes that read their body as a stream under a limit of their own, said in their own words
OWN_LIMIT_PATHS = re.compile(r"^/api/clips/[^/]+/moments/import(/preview)?$")


class RequestSizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or FOOTAGE_PATHS.match(path) or OWN_LIMIT_PATHS.match(path):
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        words = f"The request is too large: at most {limit // 1024} KB (VFB_MAX_REQUEST_KB)."
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > limit:
                await _refuse(send, words)
                return
            await self.app(scope, receive, send)  # the server holds the body to its length
            return
        # no length given (chunked): read it here, up to the limit, then hand it on
        held: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            held.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > limit:
                await _refuse(send, words)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return held.pop(0) if held else await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, words: str) -> None:
    body = json.dumps({"error": TooLarge.code, "detail": words}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
