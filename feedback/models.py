"""Young people's voice: participants, rounds, proposals, supports, and what was done.

A proposal's state only changes through `feedback.services`, which checks the
transition against `feedback.states` and writes a `ProposalEvent` in the same
transaction. Events, decisions and listened-to answers are append-only.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clubs.models import AppendOnlyError, Aspect, AspectStatus, Club


class AppendOnlyModel(models.Model):
    """A record that is written once and never edited or deleted by the app."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} records are append-only.")


class AgeBand(models.TextChoices):
    UNDER_13 = "under_13", "Under 13"
    B13_15 = "13_15", "13 to 15"
    B16_17 = "16_17", "16 or 17"
    B18_19 = "18_19", "18 or 19"
    B20_PLUS = "20_plus", "20 or over"


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_blocked=False)


class Participant(models.Model):
    """A young person in a club, known by a pseudonym.

    Deliberately holds no personal data: no name, email, phone, date of birth,
    postcode, location or IP address. `key` identifies them through a signed
    cookie on their phone; `recovery_hash` lets them return on another phone.
    """

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="participants")
    pseudonym = models.CharField(max_length=60)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    key = models.CharField(max_length=64, unique=True)
    recovery_hash = models.CharField(max_length=64, unique=True)
    is_blocked = models.BooleanField(default=False)
    blocked_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    previous_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The visit before the last.",
    )
    join_token_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="A hash of the join form's token, so a double-tapped Join makes one member.",
    )
    join_phrase_sealed = models.CharField(
        max_length=255,
        blank=True,
        help_text="The recovery phrase sealed with the join form's token (which is not kept), "
        "so a double-tapped Join shows the same phrase; cleared on the first visit to the club.",
    )
    notices_seen_upto = models.PositiveBigIntegerField(
        default=0,
        help_text="The last `ProposalEvent` id of the answer notice this member has seen: "
        "news about their ideas and the ideas they support shows until they have seen it.",
    )
    first_session_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date of the first session run (`rules.session_run`) this member was "
        "ticked on; kept by the register's services, so the outcomes need not scan every "
        "attendance for it.",
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["club", "pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "pseudonym"], name="participant_unique_pseudonym_per_club"
            ),
            models.UniqueConstraint(
                fields=["club", "join_token_hash"],
                condition=~Q(join_token_hash=""),
                name="participant_unique_join_token_per_club",
            ),
        ]

    def __str__(self):
        return self.pseudonym


class RoundQuerySet(models.QuerySet):
    def open_on(self, day: date):
        return self.filter(opens_on__lte=day, closes_on__gte=day, closed_at__isnull=True)


class Round(models.Model):
    """A question a coach puts to the club for a while."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="rounds")
    question = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    aspect = models.ForeignKey(
        Aspect, on_delete=models.SET_NULL, null=True, blank=True, related_name="rounds"
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Closed early by a coach.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            )
        ]

    def __str__(self):
        return self.question

    def is_open(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.closed_at is None and self.opens_on <= day <= self.closes_on


class State(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for your coach"
    RETURNED = "returned", "Returned to the author"
    ESCALATED = "escalated", "Passed to safeguarding"
    PUBLISHED = "published", "Open"
    ACKNOWLEDGED = "acknowledged", "Being looked at"
    DECIDED = "decided", "Decided"
    DONE = "done", "Done"
    LAPSED = "lapsed", "Promise not kept"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Outcome(models.TextChoices):
    ADOPTED = "adopted", "Adopted"
    ADAPTED = "adapted", "Adopted with changes"
    TRIAL = "trial", "Trial"
    DEFERRED = "deferred", "Deferred"
    NOT_POSSIBLE = "not_possible", "Not possible (fixed)"
    NOT_ADOPTED = "not_adopted", "Not adopted"
    DUPLICATE = "duplicate", "Duplicate"


# Outcomes that promise a change to the club.
CHANGE_OUTCOMES = (Outcome.ADOPTED, Outcome.ADAPTED, Outcome.TRIAL)

# The ideas that may wait for a coach: not yet answered, or decided with a change or a
# deferral to follow up. "Needs you" (selectors_coaches._waiting) narrows them by who wrote
# them and by date; a partial index over them keeps the menu's count on every coach's page
# to a club's few waiting ideas instead of all of them.
MAY_WAIT = Q(state__in=["submitted", "published", "acknowledged"]) | Q(
    state="decided", outcome__in=[*CHANGE_OUTCOMES, Outcome.DEFERRED]
)


class Decider(models.TextChoices):
    COACH = "coach", "The coach"
    PARTNER = "partner", "The partner"
    VENUE = "venue", "The venue"
    ENERGISE_ME = "energise_me", "Energise Me"
    OTHER = "other", "Someone else"


class ProposalQuerySet(models.QuerySet):
    def visible_to_members(self):
        """Published and everything after it (never submitted, returned or escalated)."""
        return self.filter(published_at__isnull=False).exclude(state=State.ESCALATED)

    def awaiting_moderation(self):
        return self.filter(state=State.SUBMITTED)

    def open_for_support(self):
        from feedback.rules import OPEN_STATES

        return self.filter(state__in=OPEN_STATES)

    def awaiting_decision(self):
        return self.open_for_support()

    def lapsed(self, today: date):
        """Changes promised by a date that has passed with none recorded."""
        from feedback.rules import lapsed_now

        return self.filter(lapsed_now(today))


def display_state(state: str, outcome: str, promised_by: date | None, today: date) -> str:
    """`Proposal.display_state` from the fields alone, for pages that read rows as values."""
    from feedback.rules import is_lapsed

    if is_lapsed(state, outcome, promised_by, today):
        return State.LAPSED
    return state


class Proposal(models.Model):
    """A young person's idea, optionally about one aspect of the club."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        help_text="Empty once the author deleted their data: shown as 'a former member'.",
    )
    round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    aspect = models.ForeignKey(
        Aspect, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    aspect_status_at_submission = models.CharField(
        max_length=12, choices=AspectStatus.choices, blank=True
    )
    title = models.CharField(max_length=80)
    text = models.TextField(max_length=500, blank=True)
    client_token = models.CharField(
        max_length=64, blank=True, help_text="From the form, so a double tap makes one proposal."
    )
    state = models.CharField(max_length=15, choices=State.choices, default=State.SUBMITTED)
    flagged_contact_details = models.BooleanField(default=False)
    support_count = models.PositiveIntegerField(default=0)

    submitted_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    decider = models.CharField(max_length=15, choices=Decider.choices, blank=True)
    decide_by = models.DateField(null=True, blank=True)

    # The current decision, copied from the latest `Decision` for fast reads.
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    answer = models.TextField("public answer", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The first `Decision`'s time, kept when the idea is reopened: "was it answered by
    # then?" is `first_decided_at <= then`, without a subquery per idea (the indicators).
    first_decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    deferred_until = models.DateField(null=True, blank=True)
    promised_by = models.DateField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=~Q(client_token=""),
                name="proposal_unique_client_token",
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="proposal_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["club", "state"]),
            models.Index(fields=["club", "submitted_at"]),
            models.Index(fields=["state", "submitted_at"]),
            # docs/performance.md: a club's latest decisions (young person's club page),
            # and members' own ideas in a period (the narrow-voice indicator).
            models.Index(
                fields=["club", "-decided_at", "-id"],
                condition=Q(state__in=["decided", "done"]),
                name="proposal_club_decided",
            ),
            models.Index(fields=["author", "submitted_at"], name="proposal_author_submitted"),
            models.Index(fields=["club"], condition=MAY_WAIT, name="proposal_may_wait"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("feedback:proposal-detail", kwargs={"slug": self.club.slug, "pk": self.pk})

    @property
    def author_name(self) -> str:
        return self.author.pseudonym if self.author_id else "A former member"

    def display_state(self, today: date | None = None) -> str:
        """The state a reader sees: a kept promise is done, a missed one lapsed."""
        return display_state(
            self.state, self.outcome, self.promised_by, today or timezone.localdate()
        )

    def get_display_state_display(self) -> str:
        return State(self.display_state()).label


class ProposalEvent(AppendOnlyModel):
    """One step in a proposal's life, with who and when. Append-only."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        RESUBMITTED = "resubmitted", "Edited and sent again"
        RETURNED = "returned", "Returned"
        ESCALATED = "escalated", "Escalated"
        PUBLISHED = "published", "Published"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        DECIDED = "decided", "Decided"
        REOPENED = "reopened", "Reopened"
        MERGED = "merged", "Merged into another"
        CHANGE_RECORDED = "change_recorded", "Change recorded"
        DONE = "done", "Done"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LISTENED = "listened", "Said whether they felt listened to"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_state = models.CharField(max_length=15, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=15, choices=State.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["proposal", "at"])]

    def __str__(self):
        return f"{self.proposal_id}: {self.kind} at {self.at:%Y-%m-%d %H:%M}"


class Decision(AppendOnlyModel):
    """What the club decided about a proposal, with its public answer. Append-only."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions")
    # The proposal's club, copied (it never changes): a club's or many clubs' decisions in a
    # period without joining every idea of the county (the indicators, docs/performance.md).
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="+", editable=False)
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    answer = models.TextField("public answer")
    reason = models.TextField(blank=True)
    deferred_until = models.DateField(null=True, blank=True)
    promised_by = models.DateField(null=True, blank=True)
    not_possible_aspect = models.ForeignKey(
        Aspect, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    aspect_status_when_proposed = models.CharField(
        max_length=12, choices=AspectStatus.choices, blank=True
    )
    moving_goalposts = models.BooleanField(
        default=False,
        help_text="'Not possible' citing an aspect that was negotiable when it was proposed.",
    )
    duplicate_of = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supports_at_decision = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [
            models.Index(fields=["proposal", "decided_at"]),
            # Decisions in a period: a club record's, and the indicators' for every club.
            models.Index(fields=["decided_at"], name="decision_decided_at"),
            models.Index(fields=["club", "decided_at"], name="decision_club_decided_at"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.proposal}"


class Support(models.Model):
    """A participant backing a proposal: one each, no down-votes."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "participant"], name="support_one_per_participant"
            )
        ]
        indexes = [
            models.Index(fields=["participant", "proposal"]),
            # docs/performance.md: members who supported something in a period.
            models.Index(fields=["participant", "created_at"], name="support_participant_created"),
        ]

    def __str__(self):
        return f"{self.participant} supports {self.proposal}"


class ListenedAnswer(AppendOnlyModel):
    """The author's one answer to "Did you feel listened to?" after a decision."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="listened")
    answer = models.CharField(max_length=6, choices=Answer.choices)
    comment = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.get_answer_display()}: {self.proposal}"


class Concern(models.Model):
    """A young person's report of something wrong, routed to the club's coaches."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="concerns")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    text = models.TextField(max_length=2000)
    client_token = models.CharField(
        max_length=64, blank=True, help_text="From the form, so a double tap makes one concern."
    )
    reported_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_note = models.TextField(blank=True)
    # Who is emailed about it: the club's coaches, or the partner's leads when the club
    # has none, or nobody (then no one may be said to have been told).
    alert_to = models.CharField(
        max_length=10,
        choices=[("coaches", "The club's coaches"), ("leads", "The partner's leads")],
        blank=True,
    )
    alerted_at = models.DateTimeField(null=True, blank=True)
    alert_attempts = models.PositiveSmallIntegerField(default=0)
    alert_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "client_token"],
                condition=~Q(client_token=""),
                name="concern_unique_client_token",
            )
        ]

    def __str__(self):
        return f"Concern in {self.club} at {self.reported_at:%Y-%m-%d %H:%M}"

    @property
    def alert_failing(self) -> bool:
        return bool(self.alert_to) and self.alerted_at is None and self.alert_attempts > 0


class Learning(models.Model):
    """A coach's note of what they learned and how they will act on it."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="learnings")
    round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="learnings"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="learnings"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    getting = models.TextField("What are the young people getting out of this?", blank=True)
    learning = models.TextField("What am I learning from them?", blank=True)
    acting = models.TextField("How will I act on it?", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"Learning in {self.club} on {self.recorded_at:%Y-%m-%d}"


class ReminderSent(models.Model):
    """A reminder email sent to a user on a day, so a second run that day sends none."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due in two days"
        DIGEST = "digest", "Weekly: what needs you"
        RED_SUMMARY = "red", "Weekly: clubs' red indicators"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "on"], name="reminder_once_a_day")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} on {self.on}"


class PushSubscription(models.Model):
    """A phone that asked to be told when the member's idea, or one they support, gets an
    answer. Off until the member turns it on; goes with them (delete my data) or when they
    turn it off. Holds only what the browser's push service needs to reach the phone."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # One phone in two clubs has one endpoint and two members.
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "endpoint"], name="push_one_per_member_and_phone"
            )
        ]

    def __str__(self):
        return f"Push to {self.participant}"

    def as_subscription_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


# --- Sessions and registers ----------------------------------------------------------


class SessionQuerySet(models.QuerySet):
    def running(self):
        return self.exclude(status=Session.Status.CANCELLED)


class Session(models.Model):
    """One of a club's sessions: generated weekly from the aspects in force on its date
    (day, start time, location, activity), or added by a coach as a one-off.

    A coach can cancel it or change it once (time, place) with a reason young people
    read. The register is the session's attendance rows plus a count of drop-ins who
    have not joined Coproduce: nothing about any person beyond their made-up name's row.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CANCELLED = "cancelled", "Cancelled"

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="sessions")
    scheduled_for = models.DateField(
        help_text="The weekly slot this session was made for (its own date for a one-off)."
    )
    date = models.DateField()
    starts_at = models.CharField("start time", max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True)
    activity = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    is_one_off = models.BooleanField(default=False)
    change_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="What changed for this session and why, as young people read it.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    drop_ins = models.PositiveSmallIntegerField(
        default=0, help_text="People who came without joining Coproduce: a count, nothing else."
    )
    members_count = models.PositiveIntegerField(
        default=0,
        help_text="Members ticked present on the register, kept by the register's services. "
        "A member who deletes their data stays counted here (a number, nothing about them).",
    )
    register_taken_at = models.DateTimeField(null=True, blank=True)
    register_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "scheduled_for"], name="session_one_per_club_and_slot"
            )
        ]
        indexes = [models.Index(fields=["club", "date"], name="session_club_date")]

    def __str__(self):
        return f"{self.club} on {self.date:%a %d %b %Y}"


class Attendance(models.Model):
    """A member ticked on a session's register. Nothing else: it goes with the member
    (delete my data)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="attendance_once_per_session"
            )
        ]
        indexes = [models.Index(fields=["participant", "session"], name="attendance_member")]

    def __str__(self):
        return f"{self.participant} at {self.session}"


class ActivityAnswer(models.Model):
    """A member's optional answer to the Active Lives question ("In the last 7 days, on how
    many days did you do at least 60 minutes of sport or activity?"), asked at joining and
    every 10 weeks. `days` is empty when they chose not to say. Reported only as club and
    district aggregates with small-number suppression; goes with the member."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="activity_answers"
    )
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(days__isnull=True) | Q(days__lte=7), name="activity_days_0_to_7"
            )
        ]
        indexes = [models.Index(fields=["participant", "answered_at"], name="activity_member_time")]

    def __str__(self):
        return f"{self.participant}: {self.days} days"


class ClubSummary(models.Model):
    """A club's indicators and totals over the default period, kept so that a dashboard
    reads one row per club (feedback/indicators/summaries.py). Not a record: it can be
    deleted at any time and is computed again from the records.

    `version` goes up in the same transaction as every write to the club's records
    (`summaries.touch`); `data` is only used while `data_version` equals it, for today's
    default period, and for COPRODUCE_SUMMARY_MAX_AGE_MINUTES after `as_of`. The club's
    outcomes (`outcomes.for_club`) are kept the same way: `outcomes` is used while
    `outcomes_version` equals `version`, on the day of `outcomes_at`, for the same time."""

    club = models.OneToOneField(
        "clubs.Club", on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    version = models.PositiveBigIntegerField(default=0)
    data_version = models.BigIntegerField(default=-1)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    as_of = models.DateTimeField(null=True, blank=True)
    # JSON as text (summaries.dump): 400 rows come back 3x faster than as jsonb, which
    # PostgreSQL would turn into text for every read.
    data = models.TextField(blank=True)
    # What a dashboard counts of a club it does not draw: statuses and totals (summaries.Brief).
    brief = models.TextField(blank=True)
    # The club's outcomes page's figures (outcomes.dump), judged at `outcomes_at`.
    outcomes = models.TextField(blank=True)
    outcomes_version = models.BigIntegerField(default=-1)
    outcomes_at = models.DateTimeField(null=True, blank=True)
    # The club's activity check added up ("answered,told,days,every day"), kept the same way
    # on its own: a district's figure adds up its clubs' (outcomes.district_activity).
    activity = models.CharField(max_length=100, blank=True)
    activity_version = models.BigIntegerField(default=-1)
    activity_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Summary of {self.club_id} at version {self.data_version}"

    @staticmethod
    def max_age() -> timedelta:
        """How long a summary's figures are used: time alone moves some of them."""
        return timedelta(minutes=settings.COPRODUCE_SUMMARY_MAX_AGE_MINUTES)

    @staticmethod
    def is_current(version: int, kept_version: int, kept_at, now, oldest=None) -> bool:
        """Whether figures kept in a club's summary row can still be used: judged at the
        club's current `version` and after `oldest` (`now - max_age()` unless given), not
        after `now`. The indicators (`summaries._usable`) and the outcomes
        (`outcomes._kept_check`) each add what their figures are for (period, day)."""
        if oldest is None:
            oldest = now - ClubSummary.max_age()
        return kept_version == version and kept_at is not None and oldest < kept_at <= now

    @staticmethod
    def touch(club_id: int) -> None:
        """The club's records changed: its summary is stale from this write's commit (one
        UPDATE; its row lock is held to the end of the writer's short transaction)."""
        ClubSummary.objects.filter(club_id=club_id).update(version=models.F("version") + 1)
