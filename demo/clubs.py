"""Demo data for the county: partners in every district, their clubs, aspects and people.

Deterministic (a seeded random generator plans everything before anything is
written) and idempotent: building twice changes nothing. Everything made here
is identifiable (demo accounts' emails end in @demo.coproduce.test and demo
partners have demo accounts), so `seed_demo --reset` wipes demo data only.
Dates are relative to today, so the demo always has clubs just starting, in
delivery and past their funding.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from clubs import services
from clubs.models import (
    Aspect,
    AspectChange,
    AspectKind,
    AspectStatus,
    Club,
    ClubCoach,
    District,
    Partner,
    PartnerRole,
    Stage,
    User,
)

DEMO_DOMAIN = "demo.coproduce.test"
DEMO_PASSWORD = "coproduce-demo"  # noqa: S105 - printed by `make run`, local use only
SEED = 20260301

# (email, name, what they are) - printed by `make run`.
DEMO_ACCOUNTS = [
    (f"admin@{DEMO_DOMAIN}", "Ada Admin", "Site administrator (Django admin)"),
    (f"staff@{DEMO_DOMAIN}", "Sam Staff", "Energise Me staff (reads every club)"),
    (f"lead@{DEMO_DOMAIN}", "Lee Lead", "Partner lead: Itchen Riverside Sports"),
    (f"coach@{DEMO_DOMAIN}", "Cara Coach", "Coach: 3 clubs of Itchen Riverside Sports"),
    (f"lead2@{DEMO_DOMAIN}", "Priya Patel", "Partner lead: Pompey Youth Network"),
    (f"coach2@{DEMO_DOMAIN}", "Jordan Reid", "Coach: 2 clubs of Pompey Youth Network"),
]

# (partner name, kind, district ONS code, number of clubs, the place its clubs are
# named after). The first two are the demo logins' partners.
PARTNERS = [
    ("Itchen Riverside Sports", Partner.Kind.SPORTS_CLUB, "E06000045", 5, "Woolston"),
    ("Pompey Youth Network", Partner.Kind.YOUTH, "E06000044", 4, "Fratton"),
    ("Loddon Valley Netball Club", Partner.Kind.SPORTS_CLUB, "E07000084", 3, "Basingstoke"),
    ("Petersfield Community School", Partner.Kind.SCHOOL, "E07000085", 2, "Petersfield"),
    ("Eastleigh Leisure Trust", Partner.Kind.LEISURE, "E07000086", 3, "Eastleigh"),
    ("Fareham Sixth Form College", Partner.Kind.COLLEGE, "E07000087", 2, "Fareham"),
    ("Gosport Watersports Centre", Partner.Kind.SPORTS_CLUB, "E07000088", 2, "Gosport"),
    ("Fleet and Hart Youth Trust", Partner.Kind.YOUTH, "E07000089", 2, "Fleet"),
    ("Havant Academy", Partner.Kind.SCHOOL, "E07000090", 2, "Leigh Park"),
    ("New Forest Active", Partner.Kind.LEISURE, "E07000091", 3, "Lymington"),
    ("Farnborough Boxing and Fitness", Partner.Kind.SPORTS_CLUB, "E07000092", 2, "Farnborough"),
    ("Test Valley Community Partnership", Partner.Kind.OTHER, "E07000093", 2, "Andover"),
    ("Winchester City College", Partner.Kind.COLLEGE, "E07000094", 3, "Winchester"),
    ("Wight Youth Sport", Partner.Kind.YOUTH, "E06000046", 3, "Newport"),
    ("Southampton Solent Rowing Club", Partner.Kind.SPORTS_CLUB, "E06000045", 2, "Shirley"),
    ("Portsmouth Leisure Partnership", Partner.Kind.LEISURE, "E06000044", 2, "Southsea"),
]

ACTIVITIES = [
    "Football",
    "Netball",
    "Basketball",
    "Street dance",
    "Boxing fitness",
    "Climbing",
    "Badminton",
    "Table tennis",
    "Parkour",
    "Skateboarding",
    "Paddleboarding",
    "Yoga",
    "Gym and fitness",
    "Touch rugby",
    "Cricket",
    "Hockey",
    "Volleyball",
    "Ultimate frisbee",
    "Archery",
    "Trampolining",
    "Running",
    "Kickboxing",
]
VENUES = [
    "Sports Hall",
    "Community Centre",
    "Leisure Centre",
    "Academy Astro Pitch",
    "Youth Centre",
    "College Gym",
    "Church Hall",
    "Recreation Ground",
]
FIRST_NAMES = [
    "Alex", "Bea", "Chris", "Dani", "Eli", "Fran", "Gus", "Hana", "Isaac", "Jas", "Kemi",
    "Liam", "Maya", "Nico", "Olu", "Pat", "Rosa", "Theo", "Uma", "Vic", "Wes", "Zara",
]  # fmt: skip
SURNAMES = [
    "Adams", "Begum", "Clarke", "Dunn", "Evans", "Fox", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Moss", "Novak", "Owen", "Price", "Reid", "Shah", "Turner", "Walsh",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
TIMES = ["3.30pm", "4pm", "4.30pm", "5pm", "6pm", "6.30pm", "7pm"]
DURATIONS = ["1 hour", "90 minutes", "2 hours"]

# kind -> (how much room when negotiable, why not when fixed)
ROOM_AND_REASON = {
    AspectKind.DAY: (
        "Any weekday after school",
        "The hall is booked by other groups on every other day.",
    ),
    AspectKind.START_TIME: (
        "Any time between 3.30pm and 7pm",
        "The venue closes at 8pm and the caretaker locks up straight after.",
    ),
    AspectKind.DURATION: (
        "Between one hour and two hours",
        "The funding pays for one coach for this long each week.",
    ),
    AspectKind.LOCATION: (
        "Anywhere on the site: hall, field or courts",
        "The venue lets us use this space free; anywhere else costs money we don't have.",
    ),
    AspectKind.ACTIVITY: (
        "Any sport our coaches are qualified to lead",
        "The club is funded to offer this sport, and the equipment belongs to it.",
    ),
    AspectKind.FORMAT: (
        "Drills, games, tournaments or a mix",
        "The national programme we follow sets the session plan.",
    ),
    AspectKind.COST: (
        "Free, or a small charge if you want extras like trips",
        "Energise Me funding keeps the club free for everyone.",
    ),
    AspectKind.KIT: (
        "Anything safe for the activity",
        "Safety rules need proper footwear and no jewellery.",
    ),
    AspectKind.MUSIC: (
        "Any playlist without explicit lyrics",
        "The venue does not allow amplified music after 6pm.",
    ),
    AspectKind.COACH: (
        "We can invite guest coaches you suggest",
        "Our coaches need a DBS check and a coaching qualification.",
    ),
    AspectKind.GROUP: (
        "Mixed, or split by age or ability",
        "Our insurance covers ages 14 to 19 in one group.",
    ),
    AspectKind.OTHER: (
        "Open to ideas",
        "The venue's rules.",
    ),
}
EXTRA_VALUES = {
    AspectKind.FORMAT: [
        "Warm-up, drills, then games",
        "Games only",
        "Coached skills, then a match",
    ],
    AspectKind.COST: ["Free", "Free (£1 for drinks if you want one)"],
    AspectKind.KIT: ["Trainers and comfy clothes; bibs provided", "Own kit, any colours"],
    AspectKind.MUSIC: ["Coach's playlist", "Members take turns to pick", "No music"],
    AspectKind.COACH: ["Same two coaches every week", "Coach plus a young leader"],
    AspectKind.GROUP: ["Everyone together, 14-19", "Two groups: 14-16 and 16-19"],
}
OTHER_ASPECTS = [("Breaks", "A water break halfway"), ("End of session", "Five-minute cool-down")]

# The club whose imported history shows a fixed aspect whose reason was forgotten.
FORGOTTEN_REASON_CLUB_INDEX = 2


@dataclass
class ClubPlan:
    name: str
    partner_index: int
    activity: str
    venue: str
    stage: str
    funding_start: date
    funding_end: date
    profile: str  # generous, mixed, locked
    place: str = ""
    forgotten_reason: bool = False  # imported history: fixed once without a reason
    aspects: list = field(default_factory=list)  # (kind, label, value, status)
    later: list = field(default_factory=list)  # (kind, value, status, days after start)


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


def demo_partners():
    return Partner.objects.filter(roles__user__email__endswith=f"@{DEMO_DOMAIN}").distinct()


def _encoded_password() -> str:
    # One hash for every demo login: hashing per user would take seconds.
    return make_password(DEMO_PASSWORD)


def _get_or_make_user(email: str, name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, name=name, password=password)
        user.save()
    return user


@transaction.atomic
def build_accounts() -> dict[str, User]:
    password = _encoded_password()
    users = {}
    for email, name, _ in DEMO_ACCOUNTS:
        users[email.split("@")[0]] = _get_or_make_user(email, name, password)
    admin = users["admin"]
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    staff = users["staff"]
    if not staff.is_county_staff:
        staff.is_county_staff = True
        staff.save(update_fields=["is_county_staff"])
    return users


def demo_accounts() -> list[tuple[str, str, str]]:
    """(email, name, role) of every demo login, for `make run` to print."""
    return DEMO_ACCOUNTS


def _funding(rng: random.Random, stage: str, today: date) -> tuple[date, date]:
    """A funding period that fits the stage, relative to today."""
    days = rng.randint
    if stage == Stage.INCEPTION:
        start = today + timedelta(days=days(-10, 30))  # just started, or about to
    elif stage == Stage.PLANNING:
        start = today - timedelta(days=days(20, 60))
    elif stage == Stage.DELIVERY:
        start = today - timedelta(days=days(90, 330))
    elif stage == Stage.REVIEW:
        start = today - timedelta(days=days(330, 380))
    else:  # sustain: funding has ended
        start = today - timedelta(days=days(420, 700))
    end = start + timedelta(days=364)
    if stage == Stage.SUSTAIN:
        end = min(end, today - timedelta(days=days(10, 200)))
    return start, end


def _aspect_plan(rng: random.Random, profile: str, activity: str, venue: str) -> list:
    values = {
        AspectKind.DAY: rng.choice(WEEKDAYS),
        AspectKind.START_TIME: rng.choice(TIMES),
        AspectKind.DURATION: rng.choice(DURATIONS),
        AspectKind.LOCATION: venue,
        AspectKind.ACTIVITY: activity,
    }
    rows = [(kind, "", value) for kind, value in values.items()]
    extras = rng.sample(sorted(EXTRA_VALUES), rng.randint(1, 4))
    rows += [(kind, "", rng.choice(EXTRA_VALUES[kind])) for kind in extras]
    if len(rows) < 10 and rng.random() < 0.4:
        label, value = rng.choice(OTHER_ASPECTS)
        rows.append((AspectKind.OTHER, label, value))
    # How open the club is: generous clubs leave nearly everything open, locked
    # ones nearly nothing (one negotiable aspect: the "Nothing negotiable" amber).
    if profile == "generous":
        fixed = {AspectKind.LOCATION}
    elif profile == "locked":
        keep_open = rng.choice([AspectKind.MUSIC, AspectKind.FORMAT, AspectKind.DAY])
        fixed = {kind for kind, _, _ in rows} - {keep_open}
    else:
        fixed = {AspectKind.LOCATION, AspectKind.COST} | set(
            rng.sample([AspectKind.START_TIME, AspectKind.DURATION, AspectKind.ACTIVITY], 1)
        )
    plan = []
    for kind, label, value in rows:
        status = AspectStatus.FIXED if kind in fixed else AspectStatus.NEGOTIABLE
        plan.append((kind, label, value, status))
    if profile == "locked" and all(status == AspectStatus.FIXED for *_, status in plan):
        kind, label, value, _ = plan[-1]
        plan[-1] = (kind, label, value, AspectStatus.NEGOTIABLE)
    return plan


def _another_value(rng: random.Random, kind: str, value: str) -> str:
    """What a negotiable aspect was changed to after young people asked."""
    choices = {
        AspectKind.DAY: WEEKDAYS,
        AspectKind.START_TIME: TIMES,
        AspectKind.DURATION: DURATIONS,
        AspectKind.LOCATION: ["Field in summer, hall in winter", "Outdoor courts"],
        AspectKind.ACTIVITY: [f"{value}, with a different sport each month"],
        AspectKind.OTHER: ["Two short breaks", "Members choose the cool-down"],
        **EXTRA_VALUES,
    }[kind]
    return rng.choice([c for c in choices if c != value] or [f"{value}, members' version"])


def plan(today: date | None = None, seed: int = SEED) -> list[ClubPlan]:
    """The demo clubs, decided before anything is written (same seed and day, same plan)."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    stages = list(Stage.values)
    profiles = ["generous", "mixed", "mixed", "locked"]
    activities = ACTIVITIES[:]
    rng.shuffle(activities)
    plans, used = [], set()
    n = 0
    for partner_index, (_name, _kind, _code, count, place) in enumerate(PARTNERS):
        for _ in range(count):
            activity = activities[n % len(activities)]
            name = f"{place} {activity}"
            if name in used:
                name = f"{place} {activity} Juniors"
            used.add(name)
            stage = stages[n % len(stages)]
            start, end = _funding(rng, stage, today)
            venue = f"{place} {rng.choice(VENUES)}"
            profile = profiles[n % len(profiles)]
            club = ClubPlan(name, partner_index, activity, venue, stage, start, end, profile)
            club.aspects = _aspect_plan(rng, profile, activity, venue)
            club.place = place
            club.forgotten_reason = n == FORGOTTEN_REASON_CLUB_INDEX
            if stage in (Stage.DELIVERY, Stage.REVIEW, Stage.SUSTAIN):
                # A change young people asked for, some weeks in.
                negotiable = [a for a in club.aspects if a[3] == AspectStatus.NEGOTIABLE]
                kind, _label, value, _ = rng.choice(negotiable)
                new = _another_value(rng, kind, value)
                club.later.append((kind, new, AspectStatus.NEGOTIABLE, rng.randint(40, 80)))
            if stage in (Stage.REVIEW, Stage.SUSTAIN) and profile != "locked":
                # A negotiable aspect that later had to be fixed, with its reason.
                kind = rng.choice([AspectKind.START_TIME, AspectKind.DURATION])
                if any(a[0] == kind and a[3] == AspectStatus.NEGOTIABLE for a in club.aspects):
                    club.later.append((kind, None, AspectStatus.FIXED, rng.randint(90, 150)))
            plans.append(club)
            n += 1
    return plans


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _build_people(password: str, accounts: dict[str, User]) -> tuple[list, dict]:
    """Partners with a lead and coaches each. Returns partners and partner index -> coaches."""
    districts = {d.ons_code: d for d in District.objects.all()}
    partners, coaches = [], {}
    for index, (name, kind, code, _count, _place) in enumerate(PARTNERS):
        partner = Partner.objects.filter(name=name).first()
        if partner is None:
            partner = Partner.objects.create(name=name, kind=kind, district=districts[code])
        partners.append(partner)
        slug = slugify(name)
        if index == 0:
            lead, first_coach = accounts["lead"], accounts["coach"]
        elif index == 1:
            lead, first_coach = accounts["lead2"], accounts["coach2"]
        else:
            lead = _get_or_make_user(
                _email(f"lead.{slug}"),
                f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {SURNAMES[index % len(SURNAMES)]}",
                password,
            )
            first_coach = None
        people = [first_coach] if first_coach else []
        for n in range(len(people), 2):
            j = index * 2 + n + 3
            people.append(
                _get_or_make_user(
                    _email(f"coach{n + 1}.{slug}"),
                    f"{FIRST_NAMES[j % len(FIRST_NAMES)]} {SURNAMES[(j * 7) % len(SURNAMES)]}",
                    password,
                )
            )
        PartnerRole.objects.get_or_create(user=lead, partner=partner, role=PartnerRole.Role.LEAD)
        for coach in people:
            PartnerRole.objects.get_or_create(
                user=coach, partner=partner, role=PartnerRole.Role.COACH
            )
        coaches[index] = people
    return partners, coaches


def _build_club(
    club_plan: ClubPlan, partner: Partner, coaches: list, nth: int, co_coached: bool
) -> Club:
    """One club with its aspects and their history, through the services."""
    coach = coaches[nth % len(coaches)]
    club = services.club_create(
        partner=partner,
        slug=slugify(club_plan.name),
        name=club_plan.name,
        activity=club_plan.activity,
        venue_name=club_plan.venue,
        venue_address=f"{10 + nth * 7} Station Road, {club_plan.place}",
        district=partner.district,
        funding_start=club_plan.funding_start,
        funding_end=club_plan.funding_end,
        # As a lead does: at Inception, then on to its stage once every aspect is declared.
        stage=Stage.INCEPTION,
    )
    start = club_plan.funding_start
    usual = {aspect.kind: aspect for aspect in club.aspects.all()}
    aspects = {}
    for kind, label, value, status in club_plan.aspects:
        room, reason = ROOM_AND_REASON[kind]
        if club_plan.forgotten_reason and kind == AspectKind.LOCATION:
            aspects[kind] = usual[kind]  # its history is imported: see _add_forgotten_reason
            continue
        if kind in usual and not label:
            aspect = usual[kind]
            services.aspect_update(
                aspect=aspect,
                by=coach,
                value=value,
                status=status,
                room=room,
                reason=reason,
                effective_date=start,
                note="Set up before the first session",
            )
        else:
            aspect = services.aspect_create(
                club=club,
                kind=kind,
                label=label,
                value=value,
                status=status,
                room=room,
                reason=reason if status == AspectStatus.FIXED else "",
                by=coach,
                effective_date=start,
            )
        aspects[kind] = aspect
    for kind, value, status, after in club_plan.later:
        effective = start + timedelta(days=after)
        _room, reason = ROOM_AND_REASON[kind]
        services.aspect_update(
            aspect=aspects[kind],
            by=coach,
            value=value,
            status=status,
            reason=reason if status == AspectStatus.FIXED else None,
            effective_date=effective,
            note="Members asked for this" if status == AspectStatus.NEGOTIABLE else "",
        )
    # The history reads as recorded on the day each change took effect.
    changes = AspectChange.objects.filter(club=club)
    for day in set(changes.values_list("effective_date", flat=True)):
        changes.filter(effective_date=day).update(recorded_at=_at(day))
    for other in coaches:
        if other == coach or co_coached:
            ClubCoach.objects.get_or_create(club=club, user=other)
    if club_plan.forgotten_reason:
        _add_forgotten_reason(club, partner.roles.filter(role=PartnerRole.Role.LEAD).first().user)
    # Refused if an aspect is still undeclared: the demo keeps the rule leads keep.
    return services.club_update(club=club, stage=club_plan.stage)


def _add_forgotten_reason(club: Club, lead: User) -> None:
    """Imported paper records: the location was made fixed with no reason, put right later.

    Written directly (not through `aspect_update`, which refuses a fixed aspect
    without a reason) because it is history from before Coproduce, which is how
    such a record would arrive. The aspect itself ends fixed with its reason.
    """
    aspect = club.aspects.get(kind=AspectKind.LOCATION, label="")
    start = club.funding_start
    put_right_on = start + timedelta(days=70)
    _room, reason = ROOM_AND_REASON[AspectKind.LOCATION]
    value = club.venue_name
    AspectChange.objects.create(
        aspect=aspect,
        club=club,
        old_value="",
        new_value=value,
        old_status=AspectStatus.NEGOTIABLE,
        new_status=AspectStatus.FIXED,
        new_reason="",
        effective_date=start,
        recorded_at=_at(start),
        recorded_by=None,
        note="Imported from the club's paper records",
    )
    AspectChange.objects.create(
        aspect=aspect,
        club=club,
        old_value=value,
        new_value=value,
        old_status=AspectStatus.FIXED,
        new_status=AspectStatus.FIXED,
        new_reason=reason,
        effective_date=put_right_on,
        recorded_at=_at(put_right_on),
        recorded_by=lead,
        note="Reason added: young people had asked why",
    )
    Aspect.objects.filter(pk=aspect.pk).update(
        value=value, status=AspectStatus.FIXED, room="", reason=reason
    )


@transaction.atomic
def build(today: date | None = None) -> list[Club]:
    """Builds the demo (idempotent) and returns the demo clubs for feedback's demo to fill."""
    accounts = build_accounts()
    password = accounts["admin"].password
    partners, coaches = _build_people(password, accounts)
    clubs = []
    for nth, club_plan in enumerate(plan(today)):
        partner = partners[club_plan.partner_index]
        club = Club.objects.filter(slug=slugify(club_plan.name), partner=partner).first()
        if club is None:
            people = coaches[club_plan.partner_index]
            # Some clubs of the other partners have two coaches; the demo logins'
            # partners keep one each so coach@ has exactly three clubs.
            co_coached = club_plan.partner_index > 1 and nth % 3 == 0
            club = _build_club(club_plan, partner, people, nth, co_coached)
        clubs.append(club)
    return clubs


@transaction.atomic
def wipe() -> None:
    """Removes demo data only: demo partners' clubs (and all in them), partners, accounts."""
    partner_ids = list(demo_partners().values_list("pk", flat=True))
    Club.objects.filter(partner_id__in=partner_ids).delete()
    Partner.objects.filter(pk__in=partner_ids).delete()
    demo_users().delete()
