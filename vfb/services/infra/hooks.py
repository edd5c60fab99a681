"""The database events vfb relies on, installed explicitly where an engine is made (never as a
side effect of importing a module): the audit trail's record of changes, and the fields kept
beside the records for the reports."""

from __future__ import annotations

from vfb.services.infra import derived
from vfb.services.protection import audit_trail


def install_hooks() -> None:
    """Install every database event hook; safe to call more than once."""
    audit_trail.install()
    derived.install()
