"""The one place errors become HTTP responses: `{"error": code, "detail": plain words}`, and for
a request that does not validate, `"fields": {name: plain words}` to show beside each field."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from vfb.api.headers import SECURITY_HEADERS
from vfb.errors import (
    Busy,
    ChunkOutOfOrder,
    DiskFull,
    StoreUnavailable,
    VfbError,
    database_disk_full,
)
from vfb.validation_words import plain_words

logger = logging.getLogger("vfb.api")

HTTP_CODES = {
    400: "invalid_input",
    401: "not_signed_in",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    507: "disk_full",
}


def error_response(status: int, code: str, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def validation_response(exc: RequestValidationError) -> JSONResponse:
    detail, fields = plain_words(exc.errors())
    return JSONResponse(
        {"error": "invalid_input", "detail": detail, "fields": fields}, status_code=422
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(VfbError)
    async def vfb_error(_: Request, exc: VfbError) -> JSONResponse:
        response = error_response(exc.status, exc.code, exc.detail)
        if isinstance(exc, ChunkOutOfOrder):
            response = JSONResponse(
                {"error": exc.code, "detail": exc.detail, "expected": exc.expected},
                status_code=exc.status,
            )
        if isinstance(exc, Busy | StoreUnavailable):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response

    @app.exception_handler(PoolTimeout)
    async def no_connection_free(request: Request, _: PoolTimeout) -> JSONResponse:
        """Saturated, not broken: 503 with when to try again, never 500."""
        logger.warning("no database connection came free for %s %s", request.method,
                       request.url.path)  # fmt: skip
        return await vfb_error(request, Busy())

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_response(exc)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "error"), exc.detail)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        response = error_response(
            500,
            "internal_error",
            "vfb met an unexpected problem and could not finish this request. It has been "
            "logged; please try again, and tell your administrator if it keeps happening.",
        )
        # Starlette answers this from its outermost layer, outside SecurityHeaders.
        for name, value in SECURITY_HEADERS:
            response.headers[name.decode()] = value.decode()
        return response

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        """At 0 bytes free the database refuses writes: say the disk is full, not 'unexpected'."""
        if database_disk_full(exc):
            logger.error("the database's disk is full on %s %s: %s", request.method,
                         request.url.path, exc.orig)  # fmt: skip
            error = DiskFull.for_database()
            return error_response(error.status, error.code, error.detail)
        raise exc  # any other database failure is unexpected: the handler below answers it

    @app.exception_handler(IntegrityError)
    async def integrity_error(_: Request, exc: IntegrityError) -> JSONResponse:
        return error_response(
            409, "conflict", "That change clashes with another record saved at the same time."
        )
