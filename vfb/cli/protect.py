"""Data protection at the command line (the operator's view, every team): `vfb audit verify`
checks the audit trail's keyed chain against its anchors, `vfb audit anchor` and `rotate-key` keep
it checkable, `vfb audit export` writes it as CSV, and `vfb purge` deletes what has passed its
retention period."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from vfb.audit.chain import parse_anchor
from vfb.cli.common import console, err_console, now, open_database, parse_day, plain_errors
from vfb.errors import InvalidInput
from vfb.services.infra.footage_store import store_for
from vfb.services.protection import audit_trail
from vfb.services.protection.audit_anchors import anchor_now, anchor_path, read_anchors
from vfb.services.protection.retention import purge, retention_policy
from vfb.settings import Settings

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
    app.command("purge")(purge_command)


@audit_app.command("verify")
@plain_errors
def verify_command(
    anchor: Annotated[
        list[str] | None,
        typer.Option(
            "--anchor", help="Also check this anchor line (a printed copy); may be repeated"
        ),
    ] = None,
) -> None:
    """Check every row of the audit trail against its MAC, the row before it and every anchor;
    name any row edited, forged or deleted behind vfb's back (exit status 1 if there is one)."""
    settings = Settings()
    path = anchor_path(settings)
    found = read_anchors(path)
    given = [parse_anchor(line) for line in anchor or []]
    if None in given:
        raise InvalidInput(
            "--anchor must be a line as `vfb audit anchor` printed it "
            "(vfb-audit-anchor seq=… mac=… at=… key=… unkeyed=…)."
        )
    anchors = found.anchors + [a for a in given if a is not None]
    with open_database(settings) as engine, Session(engine) as db:
        result = audit_trail.verify_chain(db, anchors)
    problems = [f.words() for f in result.breaks] + [
        f"line {n} of the anchor file {path.name} is not an anchor (it was changed by hand)"
        for n in found.unreadable
    ]
    if not problems:
        console.print(
            f"The audit trail is intact: {result.rows} row(s), each MAC checked, "
            f"against {len(anchors)} anchor(s).",
            highlight=False,
        )
        return
    err_console.print(
        f"[bold red]The audit trail has been tampered with[/] ({result.rows} row(s) checked, "
        f"{len(anchors)} anchor(s)):",
        highlight=False,
    )
    for problem in problems:
        err_console.print(f"- {problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


@audit_app.command("anchor")
@plain_errors
def anchor_command() -> None:
    """Record the chain's last row (number and MAC) outside the database: a line added to the
    anchor file, printed here to keep apart (a later shorter or rewritten chain fails verify)."""
    settings = Settings()
    path = anchor_path(settings)
    with open_database(settings) as engine:
        anchor = anchor_now(engine, path, now(settings))
    console.print(anchor.line(), highlight=False, soft_wrap=True)
    console.print(
        f"Added to {path}. Keep a copy of the line apart from the database (print it, or mail "
        "it to a manager); `vfb audit verify --anchor LINE` checks the chain against it.",
        highlight=False,
    )


@audit_app.command("rotate-key")
@plain_errors
def rotate_key_command() -> None:
    """Sign every row from the next one with a new key (kept in the key file with the old ones,
    so verify still checks the rows before) and anchor the chain where the key changed."""
    settings = Settings()
    path = anchor_path(settings)
    with open_database(settings) as engine:
        with Session(engine) as db:
            audit_trail.use_actor(db, audit_trail.Actor.operator())
            first, new_id, old_id = audit_trail.rotate_key(db)
            db.commit()
        anchor = anchor_now(engine, path, now(settings))
    was = f" (key {old_id} signed the rows before it)" if old_id else ""
    console.print(
        f"From row {first} the audit trail is signed with key {new_id}{was}.", highlight=False
    )
    console.print(anchor.line(), highlight=False, soft_wrap=True)
    console.print(
        "Back up the key file now, apart from the database: rows signed with a lost key can no "
        "longer be checked.",
        highlight=False,
    )


@audit_app.command("export")
@plain_errors
def export_command(
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write here (else stdout)")] = None,
    child: Annotated[str | None, typer.Option(help="Only this child's rows (its id)")] = None,
    user: Annotated[str | None, typer.Option(help="Only this user's rows (their id)")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD)")] = None,
) -> None:
    """Write the audit trail (or the rows chosen) as CSV, oldest first."""
    settings = Settings()
    wanted = audit_trail.AuditFilter(
        child_id=child,
        actor_id=user,
        on_or_after=parse_day(start, "--from") if start else None,
        on_or_before=parse_day(end, "--to") if end else None,
    )
    with open_database(settings) as engine, Session(engine) as db:
        audit_trail.record_export(db, wanted)
        out = csv_file.open("w", newline="", encoding="utf-8") if csv_file else sys.stdout
        try:
            for piece in audit_trail.csv_rows(db, wanted, settings.zone):
                out.write(piece)
        finally:
            if csv_file:
                out.close()
    if csv_file:
        console.print(f"Wrote the audit trail to {csv_file}.")


@plain_errors
def purge_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only say what would be deleted")
    ] = False,
) -> None:
    """Delete footage past its retention period (VFB_RETAIN_RAW_DAYS, VFB_RETAIN_FOOTAGE_DAYS);
    each deletion is in the audit trail. The server also does this once a day."""
    settings = Settings()
    with open_database(settings) as engine, Session(engine) as db:
        report = purge(
            db,
            store_for(settings),
            now(settings).date(),
            retention_policy(settings),
            dry_run=dry_run,
        )
    if report.expired:
        table = Table("what", "child", "why", "MB")
        for item in report.expired:
            what = f"original of clip {item.clip_id}" if item.clip_id else "all footage"
            table.add_row(what, item.child_id, item.reason, f"{item.size_bytes / 1e6:.1f}")
        console.print(table)
    console.print(report.words())
