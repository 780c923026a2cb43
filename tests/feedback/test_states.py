"""The state machine allows exactly the transitions of a proposal's life, nothing else."""

import pytest

from feedback.models import ProposalEvent, State
from feedback.states import TRANSITIONS, InvalidTransition, allowed_events, next_state

Kind = ProposalEvent.Kind
S = State

# The whole life, written out: event -> {from state: to state}.
ALLOWED = {
    Kind.SUBMITTED: {"": S.SUBMITTED},
    Kind.RESUBMITTED: {S.RETURNED: S.SUBMITTED},
    Kind.RETURNED: {S.SUBMITTED: S.RETURNED},
    Kind.ESCALATED: {
        S.SUBMITTED: S.ESCALATED,
        S.RETURNED: S.ESCALATED,
        S.PUBLISHED: S.ESCALATED,
        S.ACKNOWLEDGED: S.ESCALATED,
    },
    Kind.PUBLISHED: {S.SUBMITTED: S.PUBLISHED},
    Kind.ACKNOWLEDGED: {S.PUBLISHED: S.ACKNOWLEDGED, S.ACKNOWLEDGED: S.ACKNOWLEDGED},
    Kind.DECIDED: {S.PUBLISHED: S.DECIDED, S.ACKNOWLEDGED: S.DECIDED},
    Kind.REOPENED: {S.DECIDED: S.ACKNOWLEDGED},
    Kind.DONE: {S.DECIDED: S.DONE},
    Kind.WITHDRAWN: {
        S.SUBMITTED: S.WITHDRAWN,
        S.RETURNED: S.WITHDRAWN,
        S.PUBLISHED: S.WITHDRAWN,
        S.ACKNOWLEDGED: S.WITHDRAWN,
    },
}
FROM_STATES = ["", *S.values]

ALLOWED_CASES = [(k, f, t) for k, moves in ALLOWED.items() for f, t in moves.items()]
FORBIDDEN_CASES = [(k, f) for k in ALLOWED for f in FROM_STATES if f not in ALLOWED[k]]


@pytest.mark.parametrize(("kind", "current", "target"), ALLOWED_CASES)
def test_every_allowed_transition_leads_to_its_state(kind, current, target):
    assert next_state(kind, current) == target


@pytest.mark.parametrize(("kind", "current"), FORBIDDEN_CASES)
def test_every_other_transition_is_refused_with_a_message_and_code(kind, current):
    with pytest.raises(InvalidTransition) as refused:
        next_state(kind, current)
    assert refused.value.code == f"invalid_{kind}"
    assert refused.value.messages[0]


def test_the_table_above_is_the_whole_state_machine():
    assert set(TRANSITIONS) == set(ALLOWED)
    for kind, (sources, target) in TRANSITIONS.items():
        assert dict.fromkeys(sources, target) == ALLOWED[kind]


def test_lapsed_is_never_a_stored_target_and_done_withdrawn_escalated_are_final():
    targets = {target for _, target in TRANSITIONS.values()}
    assert S.LAPSED not in targets
    for final in (S.DONE, S.WITHDRAWN, S.ESCALATED, S.LAPSED):
        assert allowed_events(final) == []


def test_allowed_events_lists_what_a_published_idea_can_do():
    assert set(allowed_events(S.PUBLISHED)) == {
        Kind.ESCALATED,
        Kind.ACKNOWLEDGED,
        Kind.DECIDED,
        Kind.WITHDRAWN,
    }
