"""Who may do what, said once: each action and the roles that may do it (the carer's consent
gates are still checked in their services). Pure data, no database: `require` in
`vfb.services.protection.access` enforces it; the access-matrix test and the README's access
table read it.

Reach is a separate rule: a worker reaches the children allocated to them and those of the
programmes they deliver; supervisors and managers reach their team's; admins reach no case
record. A record out of reach is reported as not found, whatever the action.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vfb.vocabulary import Role


class Action(StrEnum):
    case_read = "case.read"
    case_write = "case.write"
    reports = "reports.read"
    audit = "audit.read"
    accounts = "accounts.manage"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    """The roles that may do it."""
    refusal: str
    """What a user of any other role is told (403)..."""
    said_to: tuple[tuple[Role, str], ...] = ()
    """...unless their role is told something else here."""

    def refusal_for(self, role: Role) -> str:
        return dict(self.said_to).get(role, self.refusal)


_SUPERVISOR_READS_ONLY = "Supervisors can view their team's records but not change them."
_ADMIN_NO_CASES = "Admins manage teams and users; case records belong to the team."

ACTIONS: dict[Action, Rule] = {
    Action.case_read: Rule(
        frozenset({Role.worker, Role.supervisor, Role.manager}), _ADMIN_NO_CASES
    ),
    Action.case_write: Rule(
        frozenset({Role.worker, Role.manager}),
        _ADMIN_NO_CASES,
        said_to=(
            (Role.supervisor, "Supervisors can view their team's records but not change them."),
        ),
    ),
    Action.reports: Rule(
        frozenset({Role.manager, Role.supervisor}), "Reports are for managers and supervisors."
    ),
    Action.audit: Rule(frozenset({Role.manager}), "The audit trail is for managers."),
    Action.accounts: Rule(frozenset({Role.admin}), "Only an admin can manage teams and users."),
}


def markdown_table() -> str:
    """The actions table as the README shows it (a test keeps the two equal)."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(role.value for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action, rule in ACTIONS.items():
        cells = ["yes" if role in rule.roles else "403" for role in roles]
        lines.append(f"| `{action.value}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
