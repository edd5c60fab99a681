"""The consent column of the actions table, as NICE's consent scopes and the footage rules
say it (docs/domain.md): filming needs `filming` from everyone, even the operator; giving the carer
a reel or a link needs `share_with_carer`; watching needs `supervision` only from a supervisor or
manager who is not the programme's own worker."""

from __future__ import annotations

import pytest

from vfb.actions import ACTIONS, Action
from vfb.vocabulary import ConsentScope, Role

EXPECTED_CONSENT = {
    Action.case_read: None,
    Action.case_write: None,
    Action.case_allocate: None,
    Action.reports: None,
    Action.audit: None,
    Action.accounts: None,
    Action.footage_add: ConsentScope.filming,
    Action.footage_watch: ConsentScope.supervision,
    Action.reel_make: ConsentScope.share_with_carer,
    Action.share: ConsentScope.share_with_carer,
}


def test_each_action_needs_the_consent_the_rules_say() -> None:
    assert {action: rule.consent for action, rule in ACTIONS.items()} == EXPECTED_CONSENT


@pytest.mark.parametrize(
    ("role", "delivers", "needed"),
    [
        (Role.worker, True, False),
        (Role.worker, False, False),
        (Role.supervisor, False, True),
        (Role.manager, False, True),
        (Role.manager, True, False),
    ],
)
def test_watching_footage_needs_supervision_consent_from_overseers_only(
    role: Role, delivers: bool, needed: bool
) -> None:
    assert ACTIONS[Action.footage_watch].needs_consent(role, delivers=delivers) is needed


@pytest.mark.parametrize("action", [Action.footage_add, Action.reel_make, Action.share])
@pytest.mark.parametrize("role", [Role.worker, Role.manager])
def test_filming_and_sharing_need_consent_whoever_does_them(action: Action, role: Role) -> None:
    assert ACTIONS[action].needs_consent(role, delivers=True)
    assert ACTIONS[action].needs_consent(role, delivers=False)


def test_an_action_without_a_consent_never_needs_one() -> None:
    for action, rule in ACTIONS.items():
        if rule.consent is None:
            assert not any(rule.needs_consent(role, delivers=False) for role in Role), action
