"""The `vfb` command line: setup commands, accounts, demo data, and errors as one plain line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from tests.support import SECRET, Caller, Databases
from vfb.api import create_app
from vfb.cli.main import app as cli
from vfb.db import head_revision, make_engine
from vfb.models import Child, Clip, Programme
from vfb.settings import Settings

PASSWORD = "a good long password"


@pytest.fixture
def empty_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    url = databases.empty(tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture
def env(tmp_path: Path, empty_url: str) -> dict[str, str]:
    return {
        "VFB_DATA_DIR": str(tmp_path / "data"),
        "VFB_DATABASE_URL": empty_url,
        "VFB_SECRET_KEY": SECRET,
    }


@pytest.fixture
def run(env: dict[str, str]):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), env=env, input=input)

    return invoke


@pytest.fixture
def api_client(env: dict[str, str]) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=Path(env["VFB_DATA_DIR"]),
        database_url=env["VFB_DATABASE_URL"],
        secret_key=SECRET,
    )
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client
    app.state.engine.dispose()


def sign_in(client: TestClient, username: str, password: str) -> Caller:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return Caller(client, response.json()["access_token"])


def test_db_upgrade_creates_and_then_keeps_the_database(run) -> None:  # type: ignore[no-untyped-def]
    first = run("db", "upgrade")
    assert first.exit_code == 0, first.output
    assert f"revision {head_revision()} (latest)" in first.output
    assert run("db", "upgrade").exit_code == 0
    assert "up to date" in run("db", "status").output


def test_teams_and_users_from_the_command_line(run, api_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    assert run("team", "add", "North Team").exit_code == 0
    duplicate = run("team", "add", "north team")
    assert duplicate.exit_code == 1
    assert "already a team called" in duplicate.stderr
    added = run(
        "user",
        "add",
        "Ann",
        "--role",
        "worker",
        "--team",
        "North Team",
        "--trained-on",
        "2025-01-31",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    listed = run("user", "list")
    assert "ann" in listed.output and "2025-01-31" in listed.output
    ann = sign_in(api_client, "ann", PASSWORD)
    me = ann.ok("GET", "/api/users/me")
    assert (me["role"], me["trained_on"]) == ("worker", "2025-01-31")

    disabled = run("user", "disable", "ann")
    assert disabled.exit_code == 0
    assert ann.get("/api/users/me").status_code == 401  # sessions ended at once
    again = api_client.post("/api/auth/token", data={"username": "ann", "password": PASSWORD})
    assert again.status_code == 401
    assert run("user", "enable", "ann").exit_code == 0
    sign_in(api_client, "ann", PASSWORD)

    for _ in range(5):
        api_client.post("/api/auth/token", data={"username": "ann", "password": "wrong"})
    locked = api_client.post("/api/auth/token", data={"username": "ann", "password": PASSWORD})
    assert locked.status_code == 429
    reset = run("user", "password", "ann", "--password-stdin", input="a fresh password\n")
    assert reset.exit_code == 0, reset.output
    sign_in(api_client, "ann", "a fresh password")


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (["--team", "Nowhere", "--password-stdin"], PASSWORD, "no team called 'Nowhere'"),
        (["--team", "T", "--password-stdin"], "short", "at least 10 characters"),
        (
            ["--team", "T", "--trained-on", "31/01/2025", "--password-stdin"],
            PASSWORD,
            "like 2026-01-31",
        ),
        (["--team", "T"], "", "--password-stdin"),
    ],
)
def test_user_add_errors_are_one_plain_line(  # type: ignore[no-untyped-def]
    run, args: list[str], stdin: str, words: str
) -> None:
    assert run("team", "add", "T").exit_code == 0
    result = run("user", "add", "bob", "--role", "worker", *args, input=stdin + "\n")
    assert result.exit_code == 1
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


def test_demo_seeds_once_and_every_account_signs_in(  # type: ignore[no-untyped-def]
    run, env: dict[str, str], api_client: TestClient
) -> None:
    first = run("demo")
    assert first.exit_code == 0, first.output
    assert "Seeded" in first.output
    second = run("demo")
    assert "nothing seeded" in second.output
    engine = make_engine(env["VFB_DATABASE_URL"])
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(Child)).one() == 6
        statuses = sorted(p.status.value for p in db.exec(select(Programme)))
        [clip] = db.exec(select(Clip)).all()  # test-pattern film for the active programme
    engine.dispose()
    assert clip.status == "ready" and clip.duration_ms == 30000 and clip.review_media
    assert statuses == ["active", "completed", "declined", "offered", "withdrawn"]
    lines = (Path(env["VFB_DATA_DIR"]) / "demo-passwords.txt").read_text().splitlines()
    assert oct((Path(env["VFB_DATA_DIR"]) / "demo-passwords.txt").stat().st_mode & 0o777) == "0o600"
    for line in lines:
        username, role, password = line.split("\t")
        assert password in second.output  # printed again on every run
        assert sign_in(api_client, username, password).ok("GET", "/api/users/me")["role"] == role
    worker = sign_in(api_client, *lines[2].split("\t")[::2])
    caseload = worker.ok("GET", "/api/caseload?include_closed=true")
    assert caseload["count"] == 3
    active = next(r for r in caseload["data"] if r["child"]["reference"] == "DEMO-1001")
    assert active["programmes"][0]["held_sessions"] == 5
    assert active["programmes"][0]["next_session_number"] == 6


def vfb(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "vfb"), *args]
    return subprocess.run(
        command, env=os.environ | env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_installed_command_prints_one_line_and_no_traceback(env: dict[str, str]) -> None:
    result = vfb("user", "disable", "nobody", env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == "vfb: There is no user called 'nobody'."
    assert "Traceback" not in result.stdout


def refused(env: dict[str, str], *args: str) -> str:
    """What `vfb` says on stderr when it refuses (exit code 1, no traceback), run in-process:
    a refusal happens before anything a process would add."""
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    return result.stderr


def test_serving_beyond_this_computer_needs_an_explicit_secret(env: dict[str, str]) -> None:
    words = refused(env | {"VFB_SECRET_KEY": ""}, "serve", "--host", "0.0.0.0")  # noqa: S104
    assert "Refusing to serve on 0.0.0.0" in words


def test_a_short_secret_is_refused(env: dict[str, str]) -> None:
    words = refused(env | {"VFB_SECRET_KEY": "too-short"}, "serve", "--host", "0.0.0.0")  # noqa: S104
    assert "at least 32 characters" in words


def test_the_tests_password_cost_is_refused_beyond_this_computer(env: dict[str, str]) -> None:
    test_cost = env | {"VFB_PASSWORD_HASH_COST": "test"}
    words = refused(test_cost, "serve", "--host", "0.0.0.0")  # noqa: S104
    assert "Refusing to serve on 0.0.0.0 with VFB_PASSWORD_HASH_COST=test" in words


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("VFB_PORT", "abc", "the setting VFB_PORT is not valid: The port must be a whole number."),
        ("VFB_TIMEZONE", "Mars/Olympus", "VFB_TIMEZONE is not valid: Unknown time zone"),
    ],
)
def test_a_bad_setting_is_one_plain_line(
    env: dict[str, str], setting: str, value: str, words: str
) -> None:
    said = refused(env | {setting: value}, "db", "status")
    assert words in said
    assert len(said.strip().splitlines()) == 1


def test_a_bad_value_on_the_command_line_names_its_field(run) -> None:  # type: ignore[no-untyped-def]
    result = run("team", "add", "")
    assert result.exit_code == 1
    assert result.stderr.strip() == "vfb: Enter a name."  # the words the pages give, not pydantic's
