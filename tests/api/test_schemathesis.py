"""Property-based requests from the app's own OpenAPI schema, signed in: no 5xx, and every
response matches the schema. Bounded to keep the suite fast; one test per operation, so a parallel
run spreads them.

Driven through Schemathesis' public strategies rather than its pytest plugin, whose lazy
fixture loader relies on a pytest private that pytest 9.2 removed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.support import SECRET, Cast, Family
from vfb.api import create_app
from vfb.settings import Settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SKIP = {"/api/auth/sign-out"}  # would end the token the other requests use
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def load_schema() -> OpenApiSchema:
    """The app's OpenAPI schema, read once from an app made only for that: building and parsing it
    is most of what a test costs, and every app the tests make serves the same one."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder) / "data",
            database_url=f"sqlite:///{folder}/unused.sqlite3",
            secret_key=SECRET,
        )
        app = create_app(settings)
        try:
            raw = app.openapi()
        finally:
            app.state.engine.dispose()
    return schemathesis.openapi.from_dict(raw)


# a piece of a resumable upload (tus) is raw bytes
schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=64))
SCHEMA = load_schema()
OPERATIONS = {
    (found.method.upper(), found.path): found
    for found in (result.ok() for result in SCHEMA.get_all_operations())
    if found.path not in SKIP
}


def exercise(
    strategy: SearchStrategy[schemathesis.Case],
    *,
    examples: int,
    checks: list[Any],
    headers: dict[str, str],
    app: FastAPI,
) -> None:
    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=checks, app=app)

    call()


@pytest.mark.parametrize(
    ("method", "path"), [pytest.param(m, p, id=f"{m} {p}") for m, p in sorted(OPERATIONS)]
)
def test_the_api_honours_its_schema(
    app: FastAPI, cast: Cast, family: Family, method: str, path: str
) -> None:
    headers = {"Authorization": f"Bearer {cast.tokens['manager_a']}"}
    # Real records, so generated bodies reach the validation of stored data, not just a 404.
    ids = {
        "child_id": family.child,
        "carer_id": family.carer,
        "assessment_id": family.assessment,
        "programme_id": family.programme,
        "consent_id": family.consent,
        "session_id": family.session,
        "user_id": cast.user_ids["worker_a1"],
    }
    assert len(OPERATIONS) >= 25
    operation = OPERATIONS[(method, path)]
    names = {p.name for p in operation.path_parameters}
    path_parameters = {name: ids[name] for name in names if name in ids}
    for mode, examples, checks in (
        (GenerationMode.POSITIVE, 20, CHECKS),
        (GenerationMode.NEGATIVE, 10, [not_a_server_error, status_code_conformance]),
    ):
        strategy = operation.as_strategy(mode, path_parameters=path_parameters or None)
        try:
            exercise(strategy, examples=examples, checks=checks, headers=headers, app=app)
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise
            continue  # it takes nothing that could be made invalid (OPTIONS /api/uploads)
        except Exception as error:
            pytest.fail(f"{mode.value} {operation.method.upper()} {operation.path}: {error}")
