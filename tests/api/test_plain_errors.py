"""Bad input is answered in the users' words, per field, never pydantic's: the words for each kind
of error our models raise, then real endpoints and every route of the API given bad bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from tests.support import Caller, Family, child_body
from vfb.models import (
    ChildCreate,
    ChildUpdate,
    ReelCreate,
    SessionCreate,
    UserCreate,
)
from vfb.models.clip import TrimRequest
from vfb.validation_words import plain_words

PYDANTIC = (
    "Field required",
    "String should",
    "Input should",
    "value_error",
    "type=",
    "List should",
)


def words_for(model: type[BaseModel], data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(data)
    return plain_words(refused.value.errors())


def no_pydantic(text: str) -> None:
    for phrase in PYDANTIC:
        assert phrase not in text, (phrase, text)


GOOD_USER = {"username": "sam.b", "password": "a-long-password", "role": "worker", "team_id": "t"}


@pytest.mark.parametrize(
    ("model", "data", "field", "words"),
    [
        (UserCreate, {k: v for k, v in GOOD_USER.items() if k != "username"}, "username",
         "Enter a username."),
        (UserCreate, GOOD_USER | {"password": "short"}, "password",
         "The password must be at least 10 characters."),
        (UserCreate, GOOD_USER | {"username": "x" * 65}, "username",
         "The username must be at most 64 characters."),
        (UserCreate, GOOD_USER | {"username": "-sam"}, "username",
         "A username is 2 to 64 letters, digits or . _ @ -, starting with a letter or digit."),
        (UserCreate, GOOD_USER | {"role": "boss"}, "role",
         "Choose a role: one of worker, supervisor, manager or admin."),
        (UserCreate, GOOD_USER | {"trained_on": "last spring"}, "trained_on",
         "Choose a real date for the date training was completed (day, month and year)."),
        (ChildCreate, child_body() | {"date_of_birth": "2024-13-01"}, "date_of_birth",
         "Choose a real date for the date of birth (day, month and year)."),
        (ChildCreate, {k: v for k, v in child_body().items() if k != "identified_on"},
         "identified_on", "Choose the date the child was identified."),
        (ChildCreate, child_body(reference=""), "reference", "Enter the child's reference."),
        (ChildCreate, child_body(disability="maybe"), "disability",
         "Choose whether the child has a disability: one of yes, no or unknown."),
        (ChildCreate, child_body(shoe_size=3), "shoe_size",
         "vfb does not take “shoe_size” here: leave it out."),
        # our own validators keep their words, shown beside the field they name
        (ChildUpdate, {"reference": None}, "reference",
         "Enter the child's reference: it cannot be left empty."),
        (ChildUpdate, {"ethnicity": "a\x00b"}, "ethnicity",
         "The ethnicity contains a control character (such as a NUL byte or a line break): "
         "remove it and try again."),
        (SessionCreate, {"held_on": "2026-01-01", "number": "six"}, "number",
         "The session number must be a whole number."),
        (SessionCreate, {"held_on": "2026-01-01", "number": 0}, "number",
         "The session number must be 1 or more."),
        (SessionCreate, {"held_on": "2026-01-01", "duration_minutes": 2000}, "duration_minutes",
         "The visit's length in minutes must be 1440 or less."),
        (SessionCreate, {"held_on": "2026-01-01", "reviewed_with_carer": "perhaps"},
         "reviewed_with_carer", "Say yes or no for whether the video was watched with the carer."),
        (SessionCreate, {"held_on": "2026-01-01", "review_highlights": "strengths"},
         "review_highlights", "Choose the review highlights."),
        (TrimRequest, {"from_ms": 1.5, "to_ms": 2000}, "from_ms",
         "The in point must be a whole number."),
        (TrimRequest, {"from_ms": -1, "to_ms": 2000}, "from_ms",
         "The in point must be 0 seconds or more."),
        (TrimRequest, {"from_ms": 0, "to_ms": 25 * 3600 * 1000}, "to_ms",
         "The out point must be 24 hours or less."),
        (TrimRequest, {"from_ms": 0, "to_ms": 10, "mode": "slow"}, "mode",
         "Choose how to cut: one of exact or fast."),
        (ReelCreate, {"moment_ids": []}, "moment_ids", "Choose the moments."),
    ],
)  # fmt: skip
def test_each_kind_of_error_has_plain_words_beside_its_field(
    model: type[BaseModel], data: dict[str, Any], field: str, words: str
) -> None:
    detail, fields = words_for(model, data)
    assert fields[field] == words
    assert words in detail
    no_pydantic(detail + " ".join(fields.values()))


def test_a_field_unknown_to_the_table_is_named_in_words() -> None:
    detail, fields = plain_words(
        [
            {"type": "missing", "loc": ("body", "booked_date"), "msg": "Field required"},
            {"type": "greater_than", "loc": ("query", "page_size"), "ctx": {"gt": 0}, "msg": "x"},
        ]
    )
    assert fields == {
        "booked_date": "Choose the booked date.",
        "page_size": "The page size must be more than 0.",
    }
    assert detail == " ".join(fields.values())


def test_many_problems_are_summed_up_and_each_field_keeps_its_own() -> None:
    detail, fields = words_for(ChildCreate, {"ethnicity": 5})
    assert set(fields) == {
        "reference", "date_of_birth", "attachment_status", "identified_on", "care_status",
        "ethnicity",
    }  # fmt: skip
    assert detail.startswith("Enter the child's reference. Choose the date of birth.")
    assert detail.endswith("(and 3 more)")


@pytest.fixture
def worker(as_: Callable[[str], Caller]) -> Caller:
    return as_("worker_a1")


def test_real_endpoints_answer_bad_bodies_in_plain_words(
    client: Any, as_: Callable[[str], Caller], family: Family
) -> None:
    admin, worker = as_("admin"), as_("worker_a1")
    team = admin.ok("GET", "/api/users/me")["team_id"]
    cases: list[tuple[Caller | None, str, str, dict[str, Any], dict[str, str]]] = [
        (None, "/api/auth/session", "form", {"password": "x"}, {"username": "Enter a username."}),
        (None, "/api/auth/token", "form", {}, {"username": "Enter a username.",
                                              "password": "Enter a password."}),
        (admin, "/api/users", "json", {"username": "sam.b", "password": "short", "role": "worker",
                                       "team_id": team},
         {"password": "The password must be at least 10 characters."}),
        (worker, "/api/children", "json", child_body(date_of_birth="soon", reference=""),
         {"reference": "Enter the child's reference.",
          "date_of_birth": "Choose a real date for the date of birth (day, month and year)."}),
        (worker, f"/api/clips/{family.session}/trim", "json", {"from_ms": "start", "mode": "x"},
         {"from_ms": "The in point must be a whole number.", "to_ms": "Enter the out point.",
          "mode": "Choose how to cut: one of exact or fast."}),
    ]  # fmt: skip
    for caller, path, kind, body, expected in cases:
        send = caller.post if caller else client.post
        answer = send(path, **{"data" if kind == "form" else "json": body})
        assert answer.status_code == 422, (path, answer.text)
        data = answer.json()
        assert data["error"] == "invalid_input"
        assert data["fields"] == expected, path
        assert all(words in data["detail"] for words in list(expected.values())[:3])
        no_pydantic(answer.text)
    # not JSON at all, and JSON that is not an object
    for content in (b"{not json", b"[1, 2]", b'"text"'):
        answer = worker.post(
            "/api/children", content=content, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 422, answer.text
        no_pydantic(answer.text)


def test_every_route_given_an_empty_or_wrong_body_answers_in_plain_words(
    app: FastAPI, as_: Callable[[str], Caller], family: Family
) -> None:
    """A cheap sweep of the whole API: each route with an empty body, a body of the wrong shape
    and ids that do not exist; whatever it refuses, it refuses in words."""
    manager = as_("manager_a")
    schema = manager.ok("GET", "/api/openapi.json")
    ids = {"child_id": family.child, "session_id": family.session, "programme_id": family.programme}
    refused = 0
    for path, operations in schema["paths"].items():
        if path == "/api/auth/sign-out":
            continue
        url = path
        for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
            url = url.replace(f"{{{name}}}", ids.get(name, "nothing-here"))
        for method in operations:
            for body in ({}, {"from_ms": "a", "held_on": "b", "username": 3}, [None]):
                answer = manager.request(method.upper(), url, json=body, params={"limit": "x"})
                assert answer.status_code < 500, (method, path, answer.text)
                no_pydantic(answer.text)
                if answer.status_code == 422:
                    refused += 1
                    assert set(answer.json()) <= {"error", "detail", "fields"}
    assert refused > 40
