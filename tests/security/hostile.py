"""Hostile text for property-based tests: whatever people (or scripts) might post."""
# ruff: noqa: RUF001 - deliberately ambiguous characters: that is the point of hostile input.

from hypothesis import strategies as st

NASTY = [
    "",
    "   ",
    "\t\n\r",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}{% debug %}",
    "'; DROP TABLE feedback_proposal; --",
    "1' OR '1'='1",
    "\x00",
    "abc\x00def",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\ufeff\u200b\u200d",
    "Ｆｕｌｌｗｉｄｔｈ",
    "😀🏃‍♀️⚽🏳️‍🌈" * 20,
    "مرحبا بالعالم",
    "你好，世界",
    "Здравствуй, мир",
    "a" * 10_000,
    "x" * 100_000,
    "\ud7ff\ue000\uffff",
    "%s%n%x",
    "../../etc/passwd",
    "javascript:alert(1)",
    "call me on 07700 900123 or me@example.org",
]


def hostile_text() -> st.SearchStrategy[str]:
    """Arbitrary unicode (control characters included), long strings and known-nasty values."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(codec="utf-8"), max_size=600),
        st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=50),
        st.builds(
            lambda s, n: s * n, st.sampled_from(["é", "<b>", "\x00", "ab"]), st.integers(1, 300)
        ),
    )
