"""Demo data for young people's voice: participants, rounds, proposals and what was done."""


def build(clubs) -> None:
    """Fills the demo clubs (idempotent). Extended by the young people's and answering issues."""
