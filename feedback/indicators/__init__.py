"""Tokenism indicators: explained flags per club, Hart and Lundy placement, prompts.

`compute(clubs, window)` gives every club's indicators in a fixed number of
queries; `for_club(club)` is the one-club case. See `core` for the rules.
"""

from feedback.indicators.core import (
    AMBER,
    GREEN,
    INDICATORS,
    NONE,
    RED,
    SEVERITY,
    STATUS_LABELS,
    ClubIndicators,
    Indicator,
    Window,
    compute,
    for_club,
    rule_text,
    thresholds,
)

__all__ = [
    "AMBER",
    "GREEN",
    "INDICATORS",
    "NONE",
    "RED",
    "SEVERITY",
    "STATUS_LABELS",
    "ClubIndicators",
    "Indicator",
    "Window",
    "compute",
    "for_club",
    "rule_text",
    "thresholds",
]
