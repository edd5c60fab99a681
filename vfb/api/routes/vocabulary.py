"""The vocabulary the pages use (statuses, scopes, relationships, highlights…), served once."""

from __future__ import annotations

import hashlib
from functools import cache

from fastapi import APIRouter, Request, Response

from vfb.api.deps import CurrentUser
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import ERROR_RESPONSES
from vfb.models.vocabulary import VocabularyPublic, vocabulary

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["vocabulary"], responses=ERROR_RESPONSES
)

# Signed-in only, so kept by the browser alone; after an hour it asks again, with the ETag.
CACHE_CONTROL = "private, max-age=3600"


@cache
def _served() -> tuple[bytes, str]:
    body = vocabulary().model_dump_json().encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.get(
    "/vocabulary",
    response_model=VocabularyPublic,
    responses={304: {"description": "Not changed since the ETag sent in If-None-Match"}},
)
def get_vocabulary(request: Request, user: CurrentUser) -> Response:
    """Each list of values the pages offer, with the words shown for each value, and the statuses
    a programme may move to from each. The same for everyone until vfb is upgraded: cacheable,
    with an ETag (`If-None-Match` gets 304)."""
    body, etag = _served()
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    sent = request.headers.get("if-none-match", "")
    if etag in {tag.strip() for tag in sent.split(",")} or sent.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
