"""Enrolling a laptop at the command line (`vfb field enrol URL CODE`) against a running team
server: the laptop keeps its link in its own data folder, readable by its owner only, and its
worker's account with the server's ids, and signs in on it offline; a withdrawn laptop is told so
in words, and nothing on it is touched."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.support import SECRET, ServedInProcess, bearer
from vfb.api.app import create_app
from vfb.cli.main import app as cli
from vfb.field.link import LINK_FILE
from vfb.settings import Settings

LAPTOP_PASSWORD = "laptop password 1"


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[ServedInProcess]:
    with ServedInProcess(tmp_path, database_url) as server:
        yield server


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    """The laptop's data folder: its own SQLite database, empty until it is enrolled."""
    return tmp_path / "laptop"


def vfb(laptop: Path, *args: str, typed: str | None = None) -> Any:
    """`vfb …` run on the laptop."""
    env = {"VFB_DATA_DIR": str(laptop), "VFB_DATABASE_URL": "", "VFB_SECRET_KEY": SECRET}
    return CliRunner().invoke(cli, list(args), env=env, input=typed)


def new_code(served: ServedInProcess, username: str = "worker_a1") -> dict[str, Any]:
    admin = bearer(served.base, "admin")
    users = httpx.get(f"{served.base}/api/users", headers=admin, params={"limit": 500}).json()
    [user] = [u for u in users["data"] if u["username"] == username]
    made = httpx.post(
        f"{served.base}/api/field-laptops",
        headers=admin,
        json={"user_id": user["id"], "name": "Laptop 3"},
    )
    assert made.status_code == 201, made.text
    found: dict[str, Any] = made.json() | {"admin": admin, "user": user}
    return found


def test_a_laptop_enrols_with_a_code_and_its_worker_signs_in_on_it_offline(
    served: ServedInProcess, laptop: Path
) -> None:
    made = new_code(served)
    done = vfb(laptop, "field", "enrol", served.base, made["code"], "--password-stdin",
               typed=LAPTOP_PASSWORD + "\n")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Enrolled this laptop as 'Laptop 3' for worker_a1 of North Team" in done.output
    kept = laptop / LINK_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and "vfbd_" in kept.read_text()
    status = vfb(laptop, "field", "status")
    assert status.exit_code == 0 and "knows this laptop as 'Laptop 3'" in status.output
    # the worker signs in on the laptop, with no server, as the same person (the same id)
    with TestClient(
        create_app(Settings(data_dir=laptop, database_url="", secret_key=SECRET))
    ) as app:
        signed_in = app.post(
            "/api/auth/token", data={"username": "worker_a1", "password": LAPTOP_PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["access_token"]
        me = app.get("/api/users/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["id"] == made["user"]["id"] and me["role"] == "worker"
    # once enrolled, it says so rather than taking another code
    again = vfb(laptop, "field", "enrol", served.base, new_code(served)["code"], "--password-stdin",
                typed=LAPTOP_PASSWORD + "\n")  # fmt: skip
    assert again.exit_code == 1 and "already enrolled for worker_a1" in again.output


def test_a_withdrawn_laptop_is_told_in_words_and_keeps_everything(
    served: ServedInProcess, laptop: Path
) -> None:
    made = new_code(served)
    vfb(laptop, "field", "enrol", served.base, made["code"], "--password-stdin",
        typed=LAPTOP_PASSWORD + "\n")  # fmt: skip
    before = {p.name: p.read_bytes() for p in laptop.iterdir() if p.is_file()}
    withdrawn = httpx.post(
        f"{served.base}/api/field-laptops/{made['id']}/withdraw", headers=made["admin"]
    )
    assert withdrawn.status_code == 200
    status = vfb(laptop, "field", "status")
    assert status.exit_code == 1
    assert "withdrew this laptop's link" in status.output
    assert "Nothing on the laptop has been deleted" in status.output
    assert (laptop / LINK_FILE).read_bytes() == before[LINK_FILE]
    forgotten = vfb(laptop, "field", "forget")
    assert forgotten.exit_code == 0 and "untouched" in forgotten.output
    assert not (laptop / LINK_FILE).exists() and (laptop / "vfb.sqlite3").exists()


def test_a_wrong_code_a_wrong_address_and_no_server_are_said_plainly(
    served: ServedInProcess, laptop: Path, tmp_path: Path
) -> None:
    def enrol(server: str, code: str) -> Any:
        return vfb(laptop, "field", "enrol", server, code, "--password-stdin",
                   typed=LAPTOP_PASSWORD + "\n")  # fmt: skip

    wrong = enrol(served.base, "ABCD-EFGH-JKMN")
    assert wrong.exit_code == 1 and "ask your admin for a new one" in wrong.output
    clear = enrol("http://vfb.example.org", "ABCD-EFGH-JKMN")
    assert clear.exit_code == 1 and "must start with https://" in clear.output
    gone = enrol("http://127.0.0.1:9", new_code(served)["code"])  # nothing listens there
    assert gone.exit_code == 1 and "could not reach the team server" in gone.output
    assert "Traceback" not in wrong.output + clear.output + gone.output
    assert not (laptop / LINK_FILE).exists()
