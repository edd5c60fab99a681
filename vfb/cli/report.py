"""`vfb report statement3`: the QS133 statement 3 measure for a period, from the command line (the
operator's view: every team, or one)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from vfb.cli.common import console, open_database, parse_day, plain_errors
from vfb.programme.measure import GROUP_FIELDS
from vfb.services.reports.statement3 import counts_public, export_statement3, statement3
from vfb.settings import Settings

report_app = typer.Typer(help="Reports for commissioners and managers.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


@report_app.command("statement3")
@plain_errors
def statement3_command(
    start: Annotated[str, typer.Option("--from", help="First day of the period (YYYY-MM-DD)")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period (YYYY-MM-DD)")],
    group_by: Annotated[
        str | None, typer.Option("--group-by", help=f"One of: {', '.join(GROUP_FIELDS)}")
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help="One team's id (default: all)")] = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write the report to this CSV file")
    ] = None,
    suppress: Annotated[
        bool, typer.Option("--suppress", help="Show breakdown counts of 1–4 as <5, to publish")
    ] = False,
) -> None:
    """The statement 3 measure: preschool children with or at risk of attachment difficulties
    (the denominator) whose carers received a video feedback programme (the numerator)."""
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    settings = Settings()
    with open_database(settings) as engine, Session(engine) as db:
        report = statement3(db=db, by=None, start=first, end=last, team_id=team, group_by=group_by)
        written = export_statement3(db, report, suppress=suppress) if csv_file else None
    table = Table(
        "group" if group_by else "",
        "denominator", "numerator", "proportion", "offered", "completed", "to fidelity",
        title=f"QS133 statement 3, {first.isoformat()} to {last.isoformat()}",
    )  # fmt: skip
    rows = [("All", counts_public(report.total))]
    rows += [(g.key, counts_public(g.counts, suppress=suppress)) for g in report.groups]
    for key, values in rows:
        share = values["proportion"]
        shown = "—" if share is None else share if isinstance(share, str) else f"{share:.1%}"
        table.add_row(
            key,
            str(values["denominator"]), str(values["numerator"]), shown, str(values["offered"]),
            str(values["completed"]), str(values["completed_to_fidelity"]),
        )  # fmt: skip
    console.print(table)
    if csv_file is not None and written is not None:
        csv_file.write_text(written, encoding="utf-8")
        console.print(f"Wrote {csv_file}.")
