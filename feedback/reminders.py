"""Reminder emails: coaches hear two days before something falls due and get a Monday
digest; partner leads get a Monday summary of their clubs' red indicators.

Run once a day (`manage.py send_reminders`, from cron or a systemd timer); running it
again the same day sends nothing twice (`ReminderSent`). Emails are plain text with
one link, to "Needs you"; they name ideas by title only, never a young person.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from clubs.models import Club, PartnerRole, User
from feedback import indicators
from feedback.models import ReminderSent
from feedback.selectors_coaches import needs_you

DUE_IN_DAYS = 2
DIGEST_WEEKDAY = 0  # Monday


def _needs_you_link() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("feedback:needs-you")


def _claim(user: User, kind: str, today: date) -> bool:
    """Records the reminder as sent; False if it already was today."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(user=user, kind=kind, on=today)
    except IntegrityError:
        return False
    return True


def _due_soon_email(items, today: date) -> tuple[str, str]:
    due = today + timedelta(days=DUE_IN_DAYS)
    lines = [f"These fall due on {due:%A %-d %B}:", ""]
    for kind, waiting in items:
        lines.append(f"- {kind}: \u201c{waiting.proposal.title}\u201d ({waiting.club.name})")
    lines += ["", f"Open Coproduce to act on them: {_needs_you_link()}"]
    count = len(items)
    return f"Coproduce: {count} thing{'s' if count != 1 else ''} due in two days", "\n".join(lines)


def _digest_email(data) -> tuple[str, str]:
    sections = [
        ("Ideas to read and publish", data.to_moderate),
        ("Ideas to acknowledge", data.to_acknowledge),
        ("Ideas to decide", data.to_decide),
        ("Promised changes to make", data.changes_due),
        ("Deferred ideas to look at again", data.deferrals_due),
        ("Concerns to deal with", data.concerns),
    ]
    lines = ["What needs you this week:", ""]
    lines += [f"- {words}: {len(items)}" for words, items in sections if items]
    overdue = sum(w.overdue for _, items in sections for w in items)
    if overdue:
        lines += ["", f"{overdue} of them are overdue."]
    lines += ["", f"Open Coproduce: {_needs_you_link()}", "", "You can turn this email off there."]
    return "Coproduce: what needs you this week", "\n".join(lines)


def _red_summaries(*, today: date) -> int:
    """Mondays: each partner lead hears which of their clubs show red indicators."""
    if today.weekday() != DIGEST_WEEKDAY:
        return 0
    roles = (
        PartnerRole.objects.filter(
            role=PartnerRole.Role.LEAD, user__is_active=True, user__weekly_digest=True
        )
        .select_related("user", "partner")
        .order_by("user_id", "partner__name")
    )
    partners_of: dict[int, list] = {}
    users = {}
    for role in roles:
        partners_of.setdefault(role.user_id, []).append(role.partner)
        users[role.user_id] = role.user
    if not partners_of:
        return 0
    partner_ids = {p.pk for partners in partners_of.values() for p in partners}
    clubs = Club.objects.filter(partner_id__in=partner_ids, is_active=True).select_related(
        "partner"
    )
    window = indicators.Window.make(end=today)
    red_by_partner: dict[int, list[tuple[str, list[str]]]] = {}
    for result in indicators.compute(list(clubs), window, evidence=False):
        red = [i.short_name for i in result if i.status == indicators.RED]
        if red:
            red_by_partner.setdefault(result.club.partner_id, []).append((result.club.name, red))
    sent = 0
    for user_id, partners in partners_of.items():
        lines = []
        for partner in partners:
            for club_name, red in sorted(red_by_partner.get(partner.pk, [])):
                lines.append(f"- {club_name} ({partner.name}): {', '.join(red)}")
        if not lines or not _claim(users[user_id], ReminderSent.Kind.RED_SUMMARY, today):
            continue
        if len(partners) == 1:
            path = reverse("feedback:partner-dashboard", args=[partners[0].pk])
        else:
            path = reverse("clubs:my-clubs")
        body = "\n".join(
            [
                "Clubs with red indicators (possible tokenism) over the last weeks:",
                "",
                *lines,
                "",
                f"See what is behind each one: {settings.SITE_URL.rstrip('/')}{path}",
            ]
        )
        send_mail(
            "Coproduce: your clubs' red indicators this week", body, None, [users[user_id].email]
        )
        sent += 1
    return sent


def reminders_send(*, today: date) -> dict[str, int]:
    """Sends today's reminders to every active coach and lead; returns how many of each went."""
    sent = {ReminderSent.Kind.DUE_SOON: 0, ReminderSent.Kind.DIGEST: 0}
    due = today + timedelta(days=DUE_IN_DAYS)
    coaches = User.objects.filter(is_active=True, coach_assignments__isnull=False).distinct()
    for user in coaches.order_by("pk"):
        data = needs_you(user=user, today=today)
        items = [
            (kind, w)
            for kind, waiting in (
                ("Acknowledge", data.to_acknowledge),
                ("Decide", data.to_decide),
                ("Make the promised change", data.changes_due),
            )
            for w in waiting
            if w.due == due
        ]
        if items and _claim(user, ReminderSent.Kind.DUE_SOON, today):
            subject, body = _due_soon_email(items, today)
            send_mail(subject, body, None, [user.email])
            sent[ReminderSent.Kind.DUE_SOON] += 1
        waiting_any = any(
            (
                data.to_moderate,
                data.to_acknowledge,
                data.to_decide,
                data.changes_due,
                data.deferrals_due,
                data.concerns,
            )
        )
        if (
            today.weekday() == DIGEST_WEEKDAY
            and user.weekly_digest
            and waiting_any
            and _claim(user, ReminderSent.Kind.DIGEST, today)
        ):
            subject, body = _digest_email(data)
            send_mail(subject, body, None, [user.email])
            sent[ReminderSent.Kind.DIGEST] += 1
    sent[ReminderSent.Kind.RED_SUMMARY] = _red_summaries(today=today)
    return sent
