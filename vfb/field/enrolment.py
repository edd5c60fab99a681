"""Enrolling this laptop with a team server: the admin's one-time code is traded for the
laptop's credential (POST /api/field/enrol), the worker's team and account are kept on the
laptop with the same ids as on the server (so what the laptop records later is theirs), and
the link is kept in the data folder. Asking the server whether it still knows the laptop is
`check`."""

from __future__ import annotations

import http.client
import ipaddress
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from vfb.errors import Conflict, InvalidInput, NotSignedIn, VfbError
from vfb.field.link import FieldLink
from vfb.models import Team, User
from vfb.services.protection import audit_trail
from vfb.vocabulary import Role

TIMEOUT_S = 20.0


class ServerUnreachable(VfbError):
    """The team server could not be reached, or answered in a way vfb did not expect."""

    status = 502
    code = "server_unreachable"


def server_address(url: str) -> str:
    """The team server's address as typed, checked: https, or http only to this computer or a
    private network address (a credential is never sent in the clear across the internet)."""
    typed = url.strip().rstrip("/")
    parts = urlsplit(typed if "://" in typed else "https://" + typed)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{url!r} is not a web address, such as https://vfb.example.org.")
    if parts.scheme == "http" and not _nearby(parts.hostname):
        raise InvalidInput(
            "The team server's address must start with https://, so that the laptop's "
            "credential is never sent in the clear."
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _nearby(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def call(
    server: str,
    method: str,
    path: str,
    *,
    body: object = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One JSON request to the team server, or `ServerUnreachable` in plain words."""
    parts = urlsplit(server)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.netloc, timeout=TIMEOUT_S)
    sent = {"Accept": "application/json"} | (headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, parts.path + path, body=data, headers=sent)
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException):
        raise ServerUnreachable(
            f"vfb could not reach the team server at {server}. Check the address and that the "
            "laptop is online, then try again. Nothing on the laptop has changed."
        ) from None
    finally:
        connection.close()
    try:
        found = json.loads(raw) if raw else {}
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise ServerUnreachable(
            f"{server} answered, but not as a vfb team server does. Check the address."
        )
    return Answer(response.status, found)


def enrol(
    server_url: str,
    code: str,
    *,
    db: Session,
    password_hash: str,
    now: datetime,
    existing: FieldLink | None,
) -> FieldLink:
    """Enrol the laptop; its worker signs in on it with the password whose hash is given. The
    caller keeps the link (vfb.field.link.save) once this returns."""
    refuse_if_enrolled(existing)
    server = server_address(server_url)
    answer = call(server, "POST", "/api/field/enrol", body={"code": code})
    if answer.status == 401:
        raise NotSignedIn(str(answer.body.get("detail") or "The team server refused the code."))
    if answer.status != 201:
        raise ServerUnreachable(
            f"The team server could not enrol the laptop ({answer.status}): "
            f"{answer.body.get('detail') or 'no reason given'}"
        )
    made = answer.body
    link = FieldLink(
        server=server,
        device_id=made["device_id"],
        device_name=made["device_name"],
        credential=made["credential"],
        user_id=made["user"]["id"],
        username=made["user"]["username"],
        team_id=made["team"]["id"],
        team_name=made["team"]["name"],
        enrolled_at=now.isoformat(timespec="seconds"),
    )
    _keep_account(db, made, password_hash, now)
    audit_trail.append(
        db,
        "field_device.enrol",
        target_type="field_device",
        target_id=link.device_id,
        detail=f"{link.device_name!r} for {link.username}, with {server}",
        actor=replace(audit_trail.actor_of(db), team_id=link.team_id, clock=lambda: now),
    )
    db.commit()
    return link


def refuse_if_enrolled(existing: FieldLink | None) -> None:
    if existing is not None:
        raise Conflict(
            f"This laptop is already enrolled for {existing.username} with {existing.server}. "
            "To enrol it again, run `vfb field forget` first."
        )


def _keep_account(db: Session, made: dict[str, Any], password_hash: str, now: datetime) -> None:
    """The worker's team and account on the laptop, with the server's ids."""
    team_data, user_data = made["team"], made["user"]
    team = db.get(Team, team_data["id"])
    if team is None:
        if db.exec(select(Team).where(Team.name == team_data["name"])).first():
            raise Conflict(
                f"This laptop already has a team called {team_data['name']!r} that is not the "
                "team server's. Enrol a laptop that holds no case records of its own."
            )
        db.add(
            Team(
                id=team_data["id"],
                name=team_data["name"],
                display_name=team_data.get("display_name") or "",
                contact=team_data.get("contact") or "",
                created_at=now,
            )
        )
    user = db.get(User, user_data["id"])
    if user is None:
        if db.exec(select(User).where(User.username == user_data["username"])).first():
            raise Conflict(
                f"This laptop already has an account called {user_data['username']!r} that is "
                "not the team server's. Enrol a laptop that holds no accounts of its own."
            )
        user = User(
            id=user_data["id"],
            username=user_data["username"],
            role=Role(user_data["role"]),
            team_id=team_data["id"],
            full_name=user_data.get("full_name") or "",
            trained_on=date.fromisoformat(trained)
            if (trained := user_data.get("trained_on"))
            else None,
            password_hash=password_hash,
            created_at=now,
        )
    else:
        user.password_hash = password_hash
        user.disabled = False
    db.add(user)
    db.flush()


def check(link: FieldLink) -> str:
    """What the team server says of this laptop now, in words (or the reason it refuses)."""
    answer = call(link.server, "GET", "/api/field/link", headers=link.headers())
    if answer.status == 200:
        return (
            f"The team server at {link.server} knows this laptop as {link.device_name!r}, "
            f"for {link.username} of {link.team_name}."
        )
    if answer.status == 401:
        raise NotSignedIn(str(answer.body.get("detail") or "The team server refused the laptop."))
    raise ServerUnreachable(
        f"The team server answered {answer.status}: {answer.body.get('detail') or 'no reason'}"
    )
