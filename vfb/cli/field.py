"""A field laptop at the command line: `vfb field enrol URL CODE` links it to its team server
with the admin's one-time code, `vfb field status` asks the server whether it still knows the
laptop, and `vfb field forget` removes the link (never the records or footage on the laptop)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlmodel import Session

from vfb.cli.common import console, now, open_database, plain_errors, read_password
from vfb.errors import InvalidInput
from vfb.field import enrolment, link
from vfb.security import passwords
from vfb.settings import Settings, ensure_data_dir

field_app = typer.Typer(help="This laptop's link to its team server.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(field_app, name="field")


@field_app.command("enrol")
@plain_errors
def enrol_command(
    server: Annotated[str, typer.Argument(help="The team server's address (https://…)")],
    code: Annotated[str, typer.Argument(help="The one-time code your admin gave you")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the laptop password from standard input"),
    ] = False,
) -> None:
    """Enrol this laptop for its worker; they choose the password they sign in with on it."""
    settings = Settings()
    data_dir = ensure_data_dir(settings)
    existing = link.load(data_dir)
    enrolment.refuse_if_enrolled(existing)  # before the password is asked for
    enrolment.server_address(server)  # a wrong address is said before anything is typed
    password = read_password(password_stdin, "Password for signing in on this laptop")
    hashed = passwords(settings.password_hash_cost).hash(password)
    with open_database(settings) as engine, Session(engine) as db:
        made = enrolment.enrol(
            server, code, db=db, password_hash=hashed, now=now(settings), existing=existing
        )
    link.save(made, data_dir)
    console.print(
        f"Enrolled this laptop as {made.device_name!r} for {made.username} of {made.team_name}, "
        f"with {made.server}. Sign in on it as {made.username} with the password you chose."
    )


@field_app.command("status")
@plain_errors
def status_command() -> None:
    """Whom this laptop is enrolled for, and whether the team server still knows it."""
    settings = Settings()
    found = link.load(settings.data_dir)
    if found is None:
        raise InvalidInput(
            "This laptop is not enrolled with a team server: ask your admin for a code, then run "
            "`vfb field enrol URL CODE`."
        )
    console.print(enrolment.check(found))


@field_app.command("forget")
@plain_errors
def forget_command() -> None:
    """Remove this laptop's link to its team server. The records and footage on the laptop stay."""
    settings = Settings()
    if link.forget(settings.data_dir):
        console.print(
            "This laptop's link to its team server is removed. The records and footage on it "
            "are untouched; ask your admin for a new code to enrol it again."
        )
    else:
        console.print("This laptop was not enrolled with a team server; nothing to remove.")
