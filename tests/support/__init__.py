"""Test helpers: a movable clock, fresh databases from a migrated template, and API callers."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Self, TypeVar

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from vfb.api.serve import web_server
from vfb.cli.common import open_database
from vfb.db import make_engine, upgrade
from vfb.models import TeamCreate, UserCreate
from vfb.security import passwords
from vfb.services.accounts import users
from vfb.services.accounts.sign_in import SignInPolicy, sign_in
from vfb.services.protection import audit_trail
from vfb.services.protection.audit_anchors import ANCHOR_FILE
from vfb.services.protection.audit_keys import AUDIT_KEY_FILE, KeySource
from vfb.settings import Settings
from vfb.vocabulary import Role

Made = TypeVar("Made")

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = T0.date()
PASSWORD = "correct horse battery"
SECRET = "test-secret-key-that-is-long-enough-0123456789"
POLICY = SignInPolicy(
    idle=timedelta(minutes=30),
    max_age=timedelta(hours=12),
    max_failures=5,
    lockout=timedelta(minutes=15),
    passwords=passwords("test"),  # the cast's passwords are stored at the tests' cost
)

# The standard cast: (username, role, team, trained_on)
CAST = (
    ("admin", Role.admin, "north", date(2024, 1, 1)),
    ("manager_a", Role.manager, "north", date(2024, 1, 1)),
    ("supervisor_a", Role.supervisor, "north", date(2024, 1, 1)),
    ("worker_a1", Role.worker, "north", date(2025, 6, 1)),
    ("worker_a2", Role.worker, "north", date(2025, 6, 1)),
    ("manager_b", Role.manager, "south", date(2024, 1, 1)),
    ("worker_b", Role.worker, "south", None),
)


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Cast:
    team_ids: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def build_cast(engine: Engine) -> Cast:
    cast = Cast()
    with Session(engine) as db:
        for key, name in (("north", "North Team"), ("south", "South Team")):
            cast.team_ids[key] = users.create_team(
                db=db, data=TeamCreate(name=name), by=None, now=T0
            ).id
        for username, role, team, trained_on in CAST:
            user = users.create_user(
                db=db,
                data=UserCreate(
                    username=username,
                    password=PASSWORD,
                    role=role,
                    team_id=cast.team_ids[team],
                    trained_on=trained_on,
                ),
                by=None,
                now=T0,
                passwords=POLICY.passwords,
            )
            cast.user_ids[username] = user.id
            cast.tokens[username], _ = sign_in(
                db=db,
                username=username,
                password=PASSWORD,
                kind="bearer",
                key=SECRET,
                policy=POLICY,
                now=T0,
            )
    return cast


class Databases:
    """Hands out fresh databases, each a copy of one migrated template holding the cast."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server_url = os.environ.get("VFB_TEST_DATABASE_URL")
        self._numbers = itertools.count()
        self._prepared: dict[str, tuple[str, Path, Any]] = {}
        # one template and its copies per process: each pytest-xdist worker has its own
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"vfbtest_{worker}_{os.getpid()}"
        if self.server_url:
            self._admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
            self.template_url = self._create_server_db(f"{self.prefix}_template")
        else:
            self.template_url = f"sqlite:///{workdir / 'template.sqlite3'}"
        engine = make_engine(self.template_url)
        # The cast's sign-ins are audit rows: signed with a key each fresh copy's data folder gets.
        self.keys = workdir / "data"
        audit_trail.use_keys(engine, KeySource(Settings(data_dir=self.keys)))
        upgrade(engine)
        self.cast = build_cast(engine)
        if not self.server_url:
            with engine.connect() as connection:
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        engine.dispose()

    def _create_server_db(self, name: str, template: str | None = None) -> str:
        clause = f" TEMPLATE {template}" if template else ""
        with self._admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"CREATE DATABASE {name}{clause}"))
        assert self.server_url is not None
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def fresh(self, folder: Path) -> str:
        """The URL of a new database holding just the migrated schema and the cast (and, in
        `folder/data`, the key its audit rows are signed with)."""
        (folder / "data").mkdir(mode=0o700, exist_ok=True)
        shutil.copy2(self.keys / AUDIT_KEY_FILE, folder / "data" / AUDIT_KEY_FILE)
        if self.server_url:
            name = f"{self.prefix}_{next(self._numbers)}"
            return self._create_server_db(name, template=f"{self.prefix}_template")
        path = folder / "vfb.sqlite3"
        shutil.copyfile(self.workdir / "template.sqlite3", path)
        return f"sqlite:///{path}"

    def prepared(
        self, name: str, folder: Path, make: Callable[[str, Path], Made]
    ) -> tuple[str, Made]:
        """A copy, for `folder`, of a database and data folder that `make(url, data_dir)` filled
        the first time this process asked for `name`, and what `make` returned then. For what many
        tests start from and is slow to make (a clip imported and ready to review)."""
        if name not in self._prepared:
            where = self.workdir / f"prepared-{name}"
            where.mkdir()
            url = self.fresh(where)
            made = make(url, where / "data")
            if not self.server_url:
                engine = make_engine(url)
                with engine.connect() as connection:
                    connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                engine.dispose()
            self._prepared[name] = (url, where, made)
        url, where, made = self._prepared[name]
        # the preparing server's anchors are not the test's: it starts as on a fresh database
        skip = shutil.ignore_patterns(ANCHOR_FILE)
        shutil.copytree(where / "data", folder / "data", dirs_exist_ok=True, ignore=skip)
        if self.server_url:
            number = next(self._numbers)
            template = make_url(url).database
            return self._create_server_db(f"{self.prefix}_{number}", template=template), made
        shutil.copyfile(where / "vfb.sqlite3", folder / "vfb.sqlite3")
        return f"sqlite:///{folder / 'vfb.sqlite3'}", made

    def empty(self, folder: Path) -> str:
        """The URL of a database with nothing in it, not even the schema."""
        if self.server_url:
            return self._create_server_db(f"{self.prefix}_{next(self._numbers)}")
        return f"sqlite:///{folder / 'empty.sqlite3'}"

    def drop(self, url: str) -> None:
        if self.server_url:
            name = make_url(url).database
            with self._admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def close(self) -> None:
        if self.server_url:
            for url, _, _ in self._prepared.values():
                self.drop(url)
            self.drop(self.template_url)
            self._admin.dispose()


@dataclass
class Family:
    """One child of worker_a1 with everything hanging off it."""

    child: str
    carer: str
    assessment: str
    programme: str
    consent: str
    session: str
    clip: str = ""
    recording: str = ""
    moment: str = ""
    reel: str = ""
    link: str = ""


# What a test's `database_url` was prepared with (a copy of `Databases.prepared`), for the
# fixtures that would otherwise make it: a `Family`, or the browser tier's records.
PREPARED = pytest.StashKey[Any]()
# ... and the ids of what else it holds ready ("clip", "reel"), for the fixtures of those names.
PREPARED_IDS = pytest.StashKey[dict[str, str]]()

Maker = Callable[[str, Path], tuple[Any, dict[str, str]]]


def database_for(
    databases: Databases,
    folder: Path,
    request: pytest.FixtureRequest,
    label: str,
    makers: dict[str, Maker],
) -> str:
    """A fresh database for a test; for one that asks for a fixture named in `makers` (the first
    named, in order), a copy of the database that maker prepared once per process: records and
    media ready to review, slow to make (importing a clip was most of such a test's time). The
    maker's records and ids are kept in the test's stash for the fixtures that would make them."""
    for fixture, make in makers.items():
        if fixture in request.fixturenames:
            url, (records, ids) = databases.prepared(f"{label}-{fixture}", folder, make)
            request.node.stash[PREPARED] = records
            request.node.stash[PREPARED_IDS] = ids
            return url
    return databases.fresh(folder)


class Caller:
    """One signed-in user talking to the API."""

    def __init__(self, client: httpx.Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = self.headers | kwargs.pop("headers", {})
        return self.client.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
        """The JSON of a call that must succeed with `expected`."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == expected, (response.status_code, response.text)
        return response.json() if response.content else None


def child_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "C-100",
        "date_of_birth": "2024-05-10",
        "attachment_status": "identified",
        "identified_on": "2025-09-01",
        "care_status": "edge_of_care",
        "disability": "no",
    }
    return body | overrides


def session_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "held_on": "2026-02-20",
        "status": "held",
        "duration_minutes": 65,
        "location": "home",
        "filmed_seconds": 780,
        "reviewed_with_carer": True,
        "review_minutes": 20,
        "review_highlights": ["sensitivity", "strengths"],
    }
    return body | overrides


def consent_body(family: Any, **overrides: Any) -> dict[str, Any]:
    """Consent of the family's carer to filming, given when the programme was offered."""
    body: dict[str, Any] = {
        "programme_id": family.programme,
        "carer_id": family.carer,
        "scope": "filming",
        "given_on": "2026-01-05",
    }
    return body | overrides


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class VfbProcess:
    """A `vfb` command in its own process on a test's database and data folder (`settings` are
    more `VFB_*` settings, by name), its output in a log; it can be killed (SIGKILL, like a crash)
    and started again."""

    command: str = ""
    stop_seconds = 10.0

    def __init__(self, folder: Path, database_url: str, log: str, **settings: str) -> None:
        self.folder = folder
        self.data_dir = folder / "data"
        self.env = os.environ | {
            "VFB_DATA_DIR": str(self.data_dir),
            "VFB_DATABASE_URL": database_url,
            "VFB_SECRET_KEY": SECRET,
        }
        self.env |= {f"VFB_{name.upper()}": value for name, value in settings.items()}
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = folder / log

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> Self:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "vfb"), self.command],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not self.ready():
            assert self.process.poll() is None, f"vfb {self.command}: {self.log_path.read_text()}"
            assert time.monotonic() < deadline, f"vfb {self.command} did not start"
            time.sleep(0.05)
        return self

    def ready(self) -> bool:
        raise NotImplementedError

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=self.stop_seconds)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


class RunningServer(VfbProcess):
    """`vfb serve`, on a port of its own (the same after a restart)."""

    command = "serve"

    def __init__(self, folder: Path, database_url: str, **settings: str) -> None:
        super().__init__(folder, database_url, "server.log", **settings)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env["VFB_PORT"] = str(self.port)

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.base}/signin", timeout=1).status_code == 200
        except httpx.TransportError:
            return False


class RunningWorker(VfbProcess):
    """`vfb worker`, taking media jobs; stopped, it finishes nothing and gives its jobs back."""

    command = "worker"
    stop_seconds = 40.0

    def __init__(self, folder: Path, database_url: str, name: str, **settings: str) -> None:
        super().__init__(folder, database_url, f"{name}.log", **settings)

    def ready(self) -> bool:
        return "is taking media jobs" in self.log_path.read_text()


def bearer(base: str, username: str) -> dict[str, str]:
    """The header of `username` signed in at a running server (any server of its database
    honours it)."""
    answer = httpx.post(f"{base}/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def settings_for(folder: Path, database_url: str, **overrides: Any) -> Settings:
    """A test's settings: its database and its data folder, with `overrides`."""
    return Settings(
        data_dir=folder / "data", database_url=database_url, secret_key=SECRET, **overrides
    )


def start_upload(
    base: str, auth: dict[str, str], session: str, content: bytes, sent: int
) -> tuple[socket.socket, bytes]:
    """An import of `content` to a running server, sent only as far as byte `sent`: the open
    connection, and the rest of the request to send on it."""
    boundary = "vfb-test-upload"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="visit.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    request = (
        f"POST /api/sessions/{session}/clips HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {auth['Authorization']}\r\nConnection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + len(content) + len(tail)}\r\n\r\n"
    ).encode()
    port = int(base.rsplit(":", 1)[1])
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(request + head + content[:sent])
    return connection, content[sent:] + tail


class ServedInProcess:
    """What `vfb serve` serves (the same `web_server`, settings and migrated database), run in
    this process: uvicorn in a thread on a free loopback port, on a test's database and data
    folder, with the real clock. Quicker to start than a process; tests that kill the server use
    `RunningServer`."""

    def __init__(self, folder: Path, database_url: str, **settings: Any) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        made = {"data_dir": folder / "data", "database_url": database_url, "secret_key": SECRET}
        self.settings = Settings(**(made | settings | {"port": self.port}))
        self.data_dir = self.settings.data_dir
        self._open = ExitStack()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ServedInProcess:
        self.settings.check_safe_to_serve()
        engine = self._open.enter_context(open_database(self.settings))
        self.engine = engine  # the server's own: a test can take its connections
        self.server = web_server(self.settings, engine)
        self._thread = threading.Thread(target=self.server.run, name="vfb serve", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            assert self._thread.is_alive(), "vfb serve stopped before it started"
            assert time.monotonic() < deadline, "vfb serve did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive():  # a connection still open: as a second Ctrl-C would
                self.server.force_exit = True
                self._thread.join(timeout=10)
            assert not self._thread.is_alive(), "vfb serve did not stop"
        self._open.close()


@dataclass(frozen=True)
class AppRoute:
    method: str
    path: str
    params: tuple[str, ...]
    in_schema: bool
    status_code: int | None = None


def app_routes(app: Any) -> list[AppRoute]:
    """Every (method, path) the app answers, from its own route table (routers included)."""
    found: set[AppRoute] = set()

    def walk(routes: Any) -> None:
        for route in routes:
            if hasattr(route, "effective_route_contexts"):  # an included router
                walk(route.effective_route_contexts())
            elif getattr(route, "methods", None) and hasattr(route, "path"):
                for method in route.methods:
                    found.add(
                        AppRoute(
                            method,
                            route.path,
                            tuple(route.param_convertors),
                            bool(getattr(route, "include_in_schema", True)),
                            getattr(route, "status_code", None),
                        )
                    )

    walk(app.routes)
    return sorted(found, key=lambda r: (r.path, r.method))


def cli_env(settings: Any) -> dict[str, str]:
    """The settings a `vfb` command needs to work on a test's database and data folder."""
    return {
        "VFB_DATA_DIR": str(settings.data_dir),
        "VFB_DATABASE_URL": settings.resolved_database_url,
        "VFB_SECRET_KEY": SECRET,
    }


def make_family(worker: Caller) -> Family:
    """One child of the caller's with everything hanging off it, made through the API."""
    child = worker.ok("POST", "/api/children", 201, json=child_body())["id"]
    carer = worker.ok(
        "POST",
        "/api/carers",
        201,
        json={"child_id": child, "display_name": "Sam", "relationship": "birth_parent"},
    )["id"]
    assessment = worker.ok(
        "POST", "/api/assessments", 201, json={"child_id": child, "completed_on": "2025-10-01"}
    )["id"]
    programme = worker.ok(
        "POST",
        "/api/programmes",
        201,
        json={
            "child_id": child,
            "offered_on": "2026-01-05",
            "accepted": True,
            "carer_ids": [carer],
        },
    )["id"]
    consent = worker.ok(
        "POST",
        "/api/consents",
        201,
        json={
            "programme_id": programme,
            "carer_id": carer,
            "scope": "filming",
            "given_on": "2026-01-05",
        },
    )["id"]
    session = worker.ok(
        "POST", f"/api/programmes/{programme}/sessions", 201, json=session_body(number=1)
    )["id"]
    return Family(child, carer, assessment, programme, consent, session)
