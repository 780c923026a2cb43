"""A proposal's life as one state machine: the allowed transitions and nothing else.

`lapsed` is never stored: a decided proposal whose promised date has passed
with no change recorded reads as lapsed (`Proposal.display_state`), so no
scheduler is needed.
"""

from django.core.exceptions import ValidationError

from feedback.models import ProposalEvent, State

Kind = ProposalEvent.Kind

# event kind -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Kind.SUBMITTED: (frozenset({""}), State.SUBMITTED),
    Kind.RESUBMITTED: (frozenset({State.RETURNED}), State.SUBMITTED),
    Kind.RETURNED: (frozenset({State.SUBMITTED}), State.RETURNED),
    Kind.ESCALATED: (
        frozenset({State.SUBMITTED, State.RETURNED, State.PUBLISHED, State.ACKNOWLEDGED}),
        State.ESCALATED,
    ),
    Kind.PUBLISHED: (frozenset({State.SUBMITTED}), State.PUBLISHED),
    Kind.ACKNOWLEDGED: (frozenset({State.PUBLISHED, State.ACKNOWLEDGED}), State.ACKNOWLEDGED),
    Kind.DECIDED: (frozenset({State.PUBLISHED, State.ACKNOWLEDGED}), State.DECIDED),
    Kind.REOPENED: (frozenset({State.DECIDED}), State.ACKNOWLEDGED),
    Kind.DONE: (frozenset({State.DECIDED}), State.DONE),
    Kind.WITHDRAWN: (
        frozenset({State.SUBMITTED, State.RETURNED, State.PUBLISHED, State.ACKNOWLEDGED}),
        State.WITHDRAWN,
    ),
}

# Wording for a refused transition, shown to whoever tried it.
REFUSALS = {
    Kind.RESUBMITTED: "Only an idea your coach returned can be sent again.",
    Kind.RETURNED: "Only an idea waiting for moderation can be returned.",
    Kind.ESCALATED: "This idea can no longer be escalated.",
    Kind.PUBLISHED: "Only an idea waiting for moderation can be published.",
    Kind.ACKNOWLEDGED: "Only a published idea that is not yet decided can be acknowledged.",
    Kind.DECIDED: "This idea can't be decided now: it must be published and not already decided.",
    Kind.REOPENED: "Only a decided idea can be reopened.",
    Kind.DONE: "Only a decided idea can be marked done.",
    Kind.WITHDRAWN: "This idea can no longer be withdrawn.",
}


class InvalidTransition(ValidationError):
    """A step that a proposal's current state does not allow."""


def next_state(kind: str, current: str) -> str:
    """The state after event `kind`, or `InvalidTransition` if not allowed from `current`."""
    sources, target = TRANSITIONS[kind]
    if current not in sources:
        raise InvalidTransition(
            REFUSALS.get(kind, "That step is not allowed."), code=f"invalid_{kind}"
        )
    return target


def allowed_events(current: str) -> list[str]:
    return [kind for kind, (sources, _) in TRANSITIONS.items() if current in sources]
