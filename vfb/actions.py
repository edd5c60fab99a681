"""Who may do what, said once: each action, the roles that may do it and the carer's consent it
needs. Pure data, no database: `require` and `require_consent` in
`vfb.services.protection.access` enforce it; the access-matrix test and the README's access
table read it.

Reach is a separate rule: a worker reaches the children allocated to them and those of the
programmes they deliver; supervisors and managers reach their team's; admins reach no case
record. A record out of reach is reported as not found, whatever the action.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vfb.vocabulary import ConsentScope, Role


class Action(StrEnum):
    case_read = "case.read"
    case_write = "case.write"
    case_allocate = "case.allocate"
    reports = "reports.read"
    audit = "audit.read"
    accounts = "accounts.manage"
    footage_add = "footage.add"
    footage_watch = "footage.watch"
    reel_make = "reel.make"
    share = "share.create"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    """The roles that may do it."""
    refusal: str
    """What a user of any other role is told (403)..."""
    said_to: tuple[tuple[Role, str], ...] = ()
    """...unless their role is told something else here."""

    consent: ConsentScope | None = None
    """The carer's consent that must be in force for the programme (409 when it is not)..."""
    consent_from: frozenset[Role] | None = None
    """...from these roles only, unless they deliver the programme themselves (None: every role)."""
    doing: str = ""
    """What vfb cannot do without the consent, in the words of that refusal."""

    def needs_consent(self, role: Role, *, delivers: bool) -> bool:
        if self.consent is None:
            return False
        return self.consent_from is None or (role in self.consent_from and not delivers)

    def refusal_for(self, role: Role) -> str:
        return dict(self.said_to).get(role, self.refusal)


_SUPERVISOR_READS_ONLY = "Supervisors can view their team's records but not change them."
_ADMIN_NO_CASES = "Admins manage teams and users; case records belong to the team."

_CASE_WRITERS = frozenset({Role.worker, Role.manager})
_SUPERVISOR = ((Role.supervisor, _SUPERVISOR_READS_ONLY),)

ACTIONS: dict[Action, Rule] = {
    Action.case_read: Rule(
        frozenset({Role.worker, Role.supervisor, Role.manager}), _ADMIN_NO_CASES
    ),
    Action.case_write: Rule(
        frozenset({Role.worker, Role.manager}),
        _ADMIN_NO_CASES,
        said_to=_SUPERVISOR,
    ),
    Action.case_allocate: Rule(
        frozenset({Role.manager}),
        "Only a manager can give a child or a programme to another worker.",
        said_to=((Role.supervisor, _SUPERVISOR_READS_ONLY), (Role.admin, _ADMIN_NO_CASES)),
    ),
    Action.reports: Rule(
        frozenset({Role.manager, Role.supervisor}), "Reports are for managers and supervisors."
    ),
    Action.audit: Rule(frozenset({Role.manager}), "The audit trail is for managers."),
    Action.accounts: Rule(frozenset({Role.admin}), "Only an admin can manage teams and users."),
    Action.footage_add: Rule(
        _CASE_WRITERS,
        _ADMIN_NO_CASES,
        said_to=_SUPERVISOR,
        consent=ConsentScope.filming,
        doing="add footage to this session",
    ),
    Action.footage_watch: Rule(
        frozenset({Role.worker, Role.supervisor, Role.manager}),
        _ADMIN_NO_CASES,
        consent=ConsentScope.supervision,
        consent_from=frozenset({Role.supervisor, Role.manager}),
        doing="show this footage to anyone but the family's worker",
    ),
    Action.reel_make: Rule(
        _CASE_WRITERS,
        _ADMIN_NO_CASES,
        said_to=_SUPERVISOR,
        consent=ConsentScope.share_with_carer,
        doing="make a highlight reel for the carer",
    ),
    Action.share: Rule(
        _CASE_WRITERS,
        _ADMIN_NO_CASES,
        said_to=_SUPERVISOR,
        consent=ConsentScope.share_with_carer,
        doing="share footage with the carer",
    ),
}


def markdown_table() -> str:
    """The actions table as the README shows it (a test keeps the two equal)."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(role.value for role in roles) + " | carer's consent |",
        "|---|" + "---|" * len(roles) + "---|",
    ]
    for action, rule in ACTIONS.items():
        cells = ["yes" if role in rule.roles else "403" for role in roles]
        consent = "—" if rule.consent is None else f"`{rule.consent.value}`"
        if rule.consent_from is not None:
            who = " and ".join(role.value + "s" for role in roles if role in rule.consent_from)
            consent += f" ({who} other than the programme's worker)"
        lines.append(f"| `{action.value}` | " + " | ".join(cells) + f" | {consent} |")
    return "\n".join(lines) + "\n"
