"""Demo clubs that show every indicator in every colour (exemplary, tokenistic, slow...)."""


def build() -> None:
    """Adds the indicator showcase clubs (idempotent)."""
