"""The club record's lines, built in Python.

A record of 12 weeks has about a hundred lines of six kinds; as template tags each
line cost about 0.13 ms (nested ifs, filters and lookups), a tenth of the page. Here
the same markup costs a fraction of that (docs/performance.md). Every value goes
through `format_html`, which escapes it.
"""

from datetime import date, datetime

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def _day(value: date | datetime, fmt: str = "j M Y") -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _join(parts, sep: str = "") -> SafeString:
    return format_html_join(sep, "{}", ((part,) for part in parts))


def _round(o, entry) -> SafeString:
    parts = [
        format_html(
            "<strong>&ldquo;{}&rdquo;</strong>, open {} to {}",
            o.question,
            _day(o.opens_on, "j M"),
            _day(o.closes_on),
        )
    ]
    if o.closed_at:
        parts.append(format_html(" (closed early {})", _day(o.closed_at)))
    if o.aspect:
        parts.append(format_html(", about {}", o.aspect.name))
    return format_html('<p class="mb-0">{}.</p>', _join(parts))


def _proposal(o, entry) -> SafeString:
    about = ""
    if o.aspect:
        about = format_html(", about {}", o.aspect.name)
        if o.aspect_status_at_submission:
            about += format_html(" ({} then)", o.get_aspect_status_at_submission_display().lower())
    return format_html(
        '<p class="mb-0"><a href="{}">{}</a> from {}{}. Now: {}; {} support{}.</p>',
        entry.url,
        o.title,
        o.author_name,
        about,
        o.get_display_state_display().lower(),
        o.support_count,
        _s(o.support_count),
    )


def _decision(o, entry) -> SafeString:
    parts = [
        format_html(
            '<a href="{}">{}</a>: <strong>{}</strong>',
            entry.url,
            o.proposal.title,
            o.get_outcome_display(),
        )
    ]
    if o.not_possible_aspect:
        parts.append(format_html(" ({})", o.not_possible_aspect.name))
    if o.duplicate_of:
        parts.append(format_html(" of &ldquo;{}&rdquo;", o.duplicate_of.title))
    if o.deferred_until:
        parts.append(format_html(", looked at again {}", _day(o.deferred_until)))
    if o.promised_by:
        parts.append(format_html(", change promised by {}", _day(o.promised_by)))
    parts.append(
        format_html(", with {} support{}", o.supports_at_decision, _s(o.supports_at_decision))
    )
    html = format_html(
        '<p class="mb-1">{}.</p>\n<blockquote class="record-answer mb-0">{}</blockquote>',
        _join(parts),
        linebreaksbr(o.answer),
    )
    if o.reason:
        html += format_html('\n<p class="small mb-0">Reason: {}</p>', o.reason)
    if o.moving_goalposts:
        html += format_html(
            '\n<p class="small text-overdue mb-0">{} was negotiable when the idea was proposed'
            " (moving the goalposts).</p>",
            o.not_possible_aspect.name if o.not_possible_aspect else "",
        )
    return html


def _change(o, entry) -> SafeString:
    parts = [format_html("{}", o.aspect.name if o.aspect else "")]
    if o.value_changed:
        parts.append(
            format_html(": {} &rarr; <strong>{}</strong>", o.old_value or "(none)", o.new_value)
        )
    if o.status_changed:
        was = format_html("{} &rarr; ", o.get_old_status_display().lower()) if o.old_status else ""
        parts.append(format_html(" ({}{})", was, o.get_new_status_display().lower()))
    parts.append(format_html(" from {}", _day(o.effective_date)))
    if o.because:
        titles = _join((format_html("&ldquo;{}&rdquo;", t) for t in o.because), ", ")
        parts.append(format_html(", because of {}", titles))
    if o.note:
        parts.append(format_html(". {}", o.note))
    line = format_html('<p class="mb-0">{}.</p>', _join(parts))
    # Outcomes (#15): what attendance did since.
    if getattr(o, "outcome_sentence", ""):
        line += format_html('<p class="mb-0 small change-outcome">{}</p>', o.outcome_sentence)
    return line


def _learning(o, entry) -> SafeString:
    parts = [format_html("{}", o.recorded_by or "A coach")]
    if o.round:
        parts.append(format_html(", on &ldquo;{}&rdquo;", o.round.question))
    if o.proposal:
        parts.append(format_html(", on &ldquo;{}&rdquo;", o.proposal.title))
    if o.period_start:
        parts.append(format_html(", for {}", _day(o.period_start)))
        if o.period_end:
            parts.append(format_html(" to {}", _day(o.period_end)))
    facts = [
        format_html("<dt>{}</dt><dd>{}</dd>", term, text)
        for term, text in (
            ("Getting out of it", o.getting),
            ("Learning", o.learning),
            ("Acting on it", o.acting),
        )
        if text
    ]
    return format_html(
        '<p class="small mb-1">{}</p>\n<dl class="facts mb-0">{}</dl>', _join(parts), _join(facts)
    )


def _listened(o, entry) -> SafeString:
    comment = format_html(": &ldquo;{}&rdquo;", o.comment) if o.comment else ""
    # A comment that ends its own sentence needs no full stop after the quote.
    stop = "" if o.comment and o.comment.rstrip()[-1:] in ".!?…" else "."
    return format_html(
        '<p class="mb-0">The author of &ldquo;{}&rdquo; said <strong>{}</strong>{}{}</p>',
        o.proposal.title,
        o.get_answer_display().lower(),
        comment,
        stop,
    )


LINES = {
    "round": _round,
    "proposal": _proposal,
    "decision": _decision,
    "change": _change,
    "learning": _learning,
    "listened": _listened,
}


@register.simple_tag
def record_line(entry) -> SafeString:
    """One line of the record: when, what kind, and what it says."""
    return format_html(
        '<li class="record-entry record-{}">\n'
        '<p class="record-when small text-body-secondary mb-1">{} &middot; {}</p>\n{}\n</li>',
        entry.kind,
        _day(entry.at),
        entry.label,
        LINES[entry.kind](entry.obj, entry),
    )
