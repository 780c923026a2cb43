"""Tokenism indicators: explained flags per club, Hart and Lundy placement, prompts.

`spec.REGISTRY` declares each indicator once (what it counts, its thresholds as settings,
its rule and its words); `compute(clubs, window)` gives every club's rows (`rows`) in a
fixed number of queries; `for_club(club)` is the one-club case.
"""

from feedback.indicators.core import (
    AMBER,
    GREEN,
    INDICATORS,
    NONE,
    RED,
    REGISTRY,
    SEVERITY,
    SPECS,
    STATUS_LABELS,
    ClubIndicators,
    Indicator,
    IndicatorSpec,
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
    "REGISTRY",
    "SEVERITY",
    "SPECS",
    "STATUS_LABELS",
    "ClubIndicators",
    "Indicator",
    "IndicatorSpec",
    "Window",
    "compute",
    "for_club",
    "rule_text",
    "thresholds",
]
