"""`vfb`: serve the app, manage the database, teams and users, and seed demo data."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from vfb.cli import field, media, protect, report
from vfb.cli.common import (
    console,
    err_console,
    now,
    open_database,
    parse_day,
    plain_errors,
    read_password,
)
from vfb.db import current_revision, head_revision, make_engine
from vfb.demo import is_empty, read_accounts, seed
from vfb.models import TeamCreate, UserCreate, UserUpdate
from vfb.security import passwords
from vfb.services.accounts import users
from vfb.services.protection.audit_trail import Actor, set_default_actor
from vfb.settings import Settings, ensure_data_dir
from vfb.vocabulary import Role

app = typer.Typer(
    help="vfb: tooling for video feedback programmes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
team_app = typer.Typer(help="Service teams.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(team_app, name="team")
app.add_typer(user_app, name="user")
media.register(app)
report.register(app)
protect.register(app)
field.register(app)


@app.callback()
def _operator() -> None:
    """What a command changes is in the audit trail as the operator's."""
    set_default_actor(Actor.operator())


@app.command()
@plain_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Default: VFB_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Default: VFB_PORT")] = None,
) -> None:
    """Serve the web app and API (migrating the database first)."""
    from vfb.api.serve import web_server

    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = Settings(**overrides)  # type: ignore[arg-type]
    settings.check_safe_to_serve()
    set_default_actor(Actor.system())  # the server's own work; requests name their user
    with open_database(settings) as engine:
        server = web_server(settings, engine)
        console.print(
            f"vfb is serving on [bold]http://{settings.host}:{settings.port}[/] (Ctrl-C stops)"
        )
        server.run()


@db_app.command("upgrade")
@plain_errors
def db_upgrade() -> None:
    """Create the database or bring it to the latest schema."""
    with open_database(Settings()) as engine:
        console.print(f"Database is at revision {current_revision(engine)} (latest).")


@db_app.command("status")
@plain_errors
def db_status() -> None:
    """Say which schema revision the database is at."""
    settings = Settings()
    ensure_data_dir(settings)
    engine = make_engine(settings.resolved_database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    state = "up to date" if current == head else "needs `vfb db upgrade`"
    console.print(f"Database revision {current or 'none'}, latest {head}: {state}.")


@team_app.command("add")
@plain_errors
def team_add(name: str) -> None:
    """Add a service team."""
    settings = Settings()
    with open_database(settings) as engine, Session(engine) as db:
        team = users.create_team(db=db, data=TeamCreate(name=name), by=None, now=now(settings))
        console.print(f"Added team {team.name!r} (id {team.id}).")


@team_app.command("list")
@plain_errors
def team_list() -> None:
    """List the teams."""
    from sqlmodel import select

    from vfb.models import Team

    settings = Settings()
    with open_database(settings) as engine, Session(engine) as db:
        table = Table("id", "name")
        for team in db.exec(select(Team).order_by(Team.name)):
            table.add_row(team.id, team.name)
        console.print(table)


@user_app.command("add")
@plain_errors
def user_add(
    username: str,
    role: Annotated[Role, typer.Option(help="worker, supervisor, manager or admin")],
    team: Annotated[str, typer.Option(help="The team's name or id")],
    trained_on: Annotated[
        str | None, typer.Option(help="When video feedback training was completed (YYYY-MM-DD)")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Add a user account."""
    trained = parse_day(trained_on, "--trained-on") if trained_on else None
    password = read_password(password_stdin)
    settings = Settings()
    with open_database(settings) as engine, Session(engine) as db:
        found = users.find_team(db=db, name_or_id=team)
        data = UserCreate(
            username=username, password=password, role=role, team_id=found.id, trained_on=trained
        )
        user = users.create_user(
            db=db,
            data=data,
            by=None,
            now=now(settings),
            passwords=passwords(settings.password_hash_cost),
        )
        console.print(f"Added {user.role} {user.username!r} to {found.name!r}.")


def _change_user(username: str, change: UserUpdate) -> str:
    """Apply `change` to the user as the operator; their username for the message."""
    settings = Settings()
    with open_database(settings) as engine, Session(engine) as db:
        user = users.find_user(db=db, username=username)
        users.update_user(
            db=db,
            user=user,
            data=change,
            by=None,
            now=now(settings),
            passwords=passwords(settings.password_hash_cost),
        )
        return user.username


@user_app.command("disable")
@plain_errors
def user_disable(username: str) -> None:
    """Disable a user: they can no longer sign in, and their sessions end at once."""
    name = _change_user(username, UserUpdate(disabled=True))
    console.print(f"Disabled {name!r}; their sessions have ended.")


@user_app.command("enable")
@plain_errors
def user_enable(username: str) -> None:
    """Let a disabled user sign in again."""
    name = _change_user(username, UserUpdate(disabled=False))
    console.print(f"Enabled {name!r}.")


@user_app.command("password")
@plain_errors
def user_password(
    username: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Set a new password: ends the user's sessions and lifts a sign-in lockout."""
    name = _change_user(username, UserUpdate(password=read_password(password_stdin)))
    console.print(f"Set a new password for {name!r}; their sessions have ended.")


@user_app.command("list")
@plain_errors
def user_list() -> None:
    """List the user accounts."""
    from sqlmodel import select

    from vfb.models import Team, User

    settings = Settings()
    with open_database(settings) as engine, Session(engine) as db:
        teams = {t.id: t.name for t in db.exec(select(Team))}
        table = Table("username", "role", "team", "trained on", "status")
        for user in db.exec(select(User).order_by(User.username)):
            table.add_row(
                user.username,
                user.role,
                teams.get(user.team_id, "?"),
                user.trained_on.isoformat() if user.trained_on else "not trained",
                "disabled" if user.disabled else "active",
            )
        console.print(table)


@app.command()
@plain_errors
def demo() -> None:
    """Seed a demo team with a caseload, if the database is empty; print the demo accounts."""
    settings = Settings()
    with open_database(settings) as engine:
        with Session(engine) as db:
            empty = is_empty(db)
            if empty:
                accounts = seed(
                    db=db,
                    data_dir=settings.data_dir,
                    now=now(settings),
                    passwords=passwords(settings.password_hash_cost),
                )
        if empty:
            media.seed_demo_clip(settings, engine)  # its own transactions, none held open
            console.print("Seeded the demo team and caseload, with a clip of test-pattern film.")
        else:
            accounts = read_accounts(settings.data_dir)
            console.print("The database already has data; nothing seeded.")
    if accounts:
        table = Table("username", "role", "password", title="Demo accounts")
        for account in accounts:
            table.add_row(account.username, account.role, account.password)
        console.print(table)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("vfb: stopped.")
        sys.exit(130)


__all__ = ["app", "err_console", "main"]
