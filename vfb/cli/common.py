"""What every command shares: settings, an up-to-date database, the console, and the one place
errors become a single plain line and a non-zero exit."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from vfb.clock import local_now, system_clock
from vfb.db import make_engine, upgrade
from vfb.errors import InvalidInput, VfbError
from vfb.services.protection import audit_trail
from vfb.services.protection.audit_keys import KeySource
from vfb.settings import Settings, ensure_data_dir
from vfb.validation_words import sentence

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]vfb:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def plain_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn vfb's errors, database and file errors into one plain line and exit code 1."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except VfbError as error:
            raise fail(error.detail) from None
        except ValidationError as error:  # a bad VFB_* setting, or a bad value given
            raise fail(validation_problem(error)) from None
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or type(error).__name__)
            raise fail(f"the database could not be used: {reason}") from None
        except OSError as error:
            raise fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")) from None

    return wrapper


def now(settings: Settings) -> datetime:
    """Now, on the service's calendar."""
    return local_now(system_clock, settings.zone)


def parse_day(value: str, option: str) -> date:
    """A date given on the command line, or one plain line saying what is wrong."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} must be a date like 2026-01-31, not {value!r}.") from None


def read_password(password_stdin: bool, prompt: str = "Password") -> str:
    """A new password, typed twice at a terminal or piped in: at least 10 characters."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    else:
        raise InvalidInput(
            "No password given: type it at a terminal, or pipe it with --password-stdin."
        )
    if len(password) < 10:
        raise InvalidInput("The password must be at least 10 characters long.")
    return password


def validation_problem(error: ValidationError) -> str:
    """The first problem in plain words; a setting is named as the operator set it (`VFB_PORT`)."""
    first = error.errors()[0]
    _, words = sentence(first)  # the same words as the pages and the API give
    if error.title == "Settings":
        field = "_".join(str(part) for part in first["loc"])
        return f"the setting VFB_{field.upper()} is not valid: {words}"
    return words


@contextmanager
def open_database(settings: Settings) -> Iterator[Engine]:
    """The database, migrated to the latest schema (a no-op when it already is), closed after."""
    ensure_data_dir(settings)
    engine = make_engine(
        settings.resolved_database_url,
        connections=settings.database_connections,
        wait_seconds=settings.database_wait_seconds,
    )
    audit_trail.use_keys(engine, KeySource(settings))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
