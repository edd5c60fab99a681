"""Property-based requests from the app's own OpenAPI schema, signed in: no 5xx, and every
response matches the schema. Bounded to keep the suite fast.

Driven through Schemathesis' public strategies rather than its pytest plugin, whose lazy
fixture loader relies on a pytest private that pytest 9.2 removed.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import Cast, Family

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SKIP = {"/api/auth/sign-out"}  # would end the token the other requests use


def exercise(
    strategy: SearchStrategy[schemathesis.Case],
    *,
    examples: int,
    checks: list[Any],
    headers: dict[str, str],
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
        case.call_and_validate(headers=headers, checks=checks)

    call()


def test_the_api_honours_its_schema(app: FastAPI, cast: Cast, family: Family) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
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
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:
        if operation.path in SKIP:
            continue
        names = {p.name for p in operation.path_parameters}
        path_parameters = {name: ids[name] for name in names if name in ids}
        for mode, examples, checks in (
            (GenerationMode.POSITIVE, 20, CHECKS),
            (GenerationMode.NEGATIVE, 10, [not_a_server_error, status_code_conformance]),
        ):
            strategy = operation.as_strategy(mode, path_parameters=path_parameters or None)
            try:
                exercise(strategy, examples=examples, checks=checks, headers=headers)
            except Exception as error:
                pytest.fail(f"{mode.value} {operation.method.upper()} {operation.path}: {error}")
