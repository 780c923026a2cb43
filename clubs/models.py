"""Who runs what: accounts, districts, partners, clubs, and each club's aspects."""

import secrets
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# Join codes avoid characters that are easy to misread (0/O, 1/I/L, 5/S, 2/Z, 8/B).
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:20]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An organisational account (coach, partner lead, Energise Me staff, admin).

    Young people never have one: they are `feedback.Participant`s.
    `is_staff` keeps Django's meaning (may use the admin site);
    `is_county_staff` marks Energise Me staff, who read every club.
    """

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("admin site access", default=False)
    is_county_staff = models.BooleanField(
        "Energise Me staff",
        default=False,
        help_text="Reads every partner's clubs and dashboards across the county; changes nothing.",
    )
    date_joined = models.DateTimeField(default=timezone.now)
    weekly_digest = models.BooleanField(
        "weekly 'what needs you' email",
        default=True,
        help_text="Coaches get a Monday email of what waits for them; they can turn it off.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email


class DistrictQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


HOME_COUNTY = "Hampshire and the Isle of Wight"


class District(models.Model):
    """A local authority area. Kept as data so a boundary change is a new row."""

    name = models.CharField(max_length=100)
    county = models.CharField(
        max_length=100,
        default=HOME_COUNTY,
        help_text="The county (Active Partnership area) it is in: the county dashboard's scope.",
    )
    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Partner(models.Model):
    class Kind(models.TextChoices):
        SPORTS_CLUB = "sports_club", "Community sports club"
        SCHOOL = "school", "School"
        COLLEGE = "college", "College"
        LEISURE = "leisure", "Leisure provider"
        YOUTH = "youth", "Youth organisation"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="partners")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerRole(models.Model):
    """A user's role at a partner: its lead, or one of its coaches.

    A coach sees only the clubs they are assigned to (`Club.coaches`).
    """

    class Role(models.TextChoices):
        LEAD = "lead", "Partner lead"
        COACH = "coach", "Coach"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_roles"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partner", "role"], name="partnerrole_unique_user_partner_role"
            )
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} at {self.partner}"


class Invitation(models.Model):
    """A partner lead's invitation to join the partner as a coach or lead, by email.

    The emailed link carries this row's id, signed and valid for a week; accepting it sets
    `accepted_at`, so it works once. Rows are kept: who invited whom, and when, is history.
    """

    email = models.EmailField()
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=10, choices=PartnerRole.Role.choices)
    club = models.ForeignKey(
        "Club", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.email} invited as {self.get_role_display()} of {self.partner}"


class Stage(models.TextChoices):
    INCEPTION = "inception", "Inception"
    PLANNING = "planning", "Planning"
    DELIVERY = "delivery", "Delivery"
    REVIEW = "review", "Review"
    SUSTAIN = "sustain", "Sustain (after funding)"


class ClubQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Club(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="clubs")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    activity = models.CharField(max_length=100)
    venue_name = models.CharField(max_length=200)
    venue_address = models.TextField(blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="clubs")
    min_age = models.PositiveSmallIntegerField(default=14)
    max_age = models.PositiveSmallIntegerField(default=19)
    funding_start = models.DateField()
    funding_end = models.DateField()
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.INCEPTION)
    is_active = models.BooleanField(default=True)
    join_code = models.CharField(max_length=20, unique=True, default=new_join_code)
    join_code_rotated_at = models.DateTimeField(null=True, blank=True)
    client_token = models.CharField(
        max_length=64, blank=True, help_text="From the form, so a double submit makes one club."
    )
    joins_unlimited_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A coach lifted the club's hourly limit on new members until then.",
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ClubCoach", related_name="coached_clubs", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClubQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(funding_end__gte=models.F("funding_start")),
                name="club_funding_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(max_age__gte=models.F("min_age")), name="club_age_range_ordered"
            ),
            models.UniqueConstraint(
                fields=["partner", "client_token"],
                condition=~Q(client_token=""),
                name="club_unique_client_token",
            ),
        ]
        indexes = [models.Index(fields=["partner", "name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clubs:club-detail", kwargs={"slug": self.slug})

    @property
    def age_range(self) -> str:
        return f"{self.min_age}-{self.max_age}"


class ClubCoach(models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="coach_assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_assignments"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["club", "user"], name="clubcoach_unique_club_user")
        ]

    def __str__(self):
        return f"{self.user} coaches {self.club}"


class CoachChange(models.Model):
    """Append-only history of a club's coaches: who assigned or removed whom, and when.

    Written by `clubs.services.coach_assign` / `coach_unassign`; never edited or deleted,
    so a lead can see how the club's team came to be (with the invitations)."""

    class Action(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        REMOVED = "removed", "Removed"

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="coach_changes")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["club", "-at"])]

    def __str__(self):
        return f"{self.coach} {self.get_action_display().lower()} at {self.club} by {self.by}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Coach changes are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Coach changes are append-only.")


class AspectKind(models.TextChoices):
    DAY = "day", "Day"
    START_TIME = "start_time", "Start time"
    DURATION = "duration", "Duration"
    LOCATION = "location", "Location"
    ACTIVITY = "activity", "Activity"
    FORMAT = "format", "Format"
    COST = "cost", "Cost"
    KIT = "kit", "Kit"
    MUSIC = "music", "Music"
    COACH = "coach", "Coach"
    GROUP = "group", "Group"
    OTHER = "other", "Other"


# The aspects a new club starts with, for its coach to fill in.
USUAL_ASPECTS = [
    AspectKind.DAY,
    AspectKind.START_TIME,
    AspectKind.DURATION,
    AspectKind.LOCATION,
    AspectKind.ACTIVITY,
]


class AspectStatus(models.TextChoices):
    NEGOTIABLE = "negotiable", "Can change"
    FIXED = "fixed", "Can't change"
    # Not declared yet: a new club's aspect until its coach says whether it can change.
    # Never negotiable by default (young people would be asked about what may be fixed).
    UNDECLARED = "undeclared", "Not decided yet"


class AspectQuerySet(models.QuerySet):
    def negotiable(self):
        return self.filter(status=AspectStatus.NEGOTIABLE)

    def fixed(self):
        return self.filter(status=AspectStatus.FIXED)

    def undeclared(self):
        return self.filter(status=AspectStatus.UNDECLARED)


class Aspect(models.Model):
    """One thing about a club young people might want changed, and whether they can."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="aspects")
    kind = models.CharField(max_length=20, choices=AspectKind.choices)
    label = models.CharField(
        max_length=60, blank=True, help_text="Shown instead of the kind's name, e.g. for 'Other'."
    )
    value = models.CharField("current value", max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=AspectStatus.choices, default=AspectStatus.UNDECLARED
    )
    room = models.CharField(
        "how much room",
        max_length=200,
        blank=True,
        help_text="For a negotiable aspect, e.g. 'any weekday after 3.30pm'.",
    )
    reason = models.TextField(
        "why it can't change",
        blank=True,
        help_text="Required when fixed; young people see it.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AspectQuerySet.as_manager()

    class Meta:
        ordering = ["club", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AspectStatus.FIXED) | ~Q(reason=""),
                name="aspect_fixed_needs_reason",
                violation_error_message="A fixed aspect needs a reason young people can read.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AspectStatus.values), name="aspect_status_valid"
            ),
            models.UniqueConstraint(
                fields=["club", "kind", "label"], name="aspect_unique_kind_label_per_club"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.label or self.get_kind_display()

    @property
    def is_fixed(self) -> bool:
        return self.status == AspectStatus.FIXED

    @property
    def is_negotiable(self) -> bool:
        return self.status == AspectStatus.NEGOTIABLE

    @property
    def is_undeclared(self) -> bool:
        return self.status == AspectStatus.UNDECLARED


class AspectChange(models.Model):
    """Append-only history of an aspect's value and status."""

    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="changes")
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="aspect_changes")
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    old_status = models.CharField(max_length=12, choices=AspectStatus.choices, blank=True)
    new_status = models.CharField(max_length=12, choices=AspectStatus.choices)
    old_room = models.CharField(max_length=200, blank=True)
    new_room = models.CharField(max_length=200, blank=True)
    old_reason = models.TextField(blank=True)
    new_reason = models.TextField(blank=True)
    effective_date = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    proposals = models.ManyToManyField("feedback.Proposal", blank=True, related_name="changes")

    class Meta:
        ordering = ["-effective_date", "-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["club", "effective_date"]),
            models.Index(fields=["aspect", "effective_date"]),
            # An aspect's state at a moment: its latest change recorded by then, or the one
            # after (the indicators' "nothing negotiable", docs/performance.md).
            models.Index(fields=["aspect", "-recorded_at", "-id"], name="aspectchange_latest"),
        ]

    def __str__(self):
        return f"{self.aspect}: {self.old_value!r} -> {self.new_value!r} from {self.effective_date}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Aspect changes are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Aspect changes are append-only.")

    @property
    def value_changed(self) -> bool:
        return self.old_value != self.new_value

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status


class AppendOnlyError(Exception):
    """Raised when code tries to edit or delete an append-only record."""
