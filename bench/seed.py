"""A synthetic, deterministic dataset for the benchmark, written in bulk.

The rows are what the services would have written over two years: every
proposal has the events of each step it went through, every decision a
`Decision` row and the denormalised fields on the proposal (state, outcome,
answer, decided_at, support_count...), every change an `AspectChange` chained
from the aspect's previous value, linked to the proposals that caused it.

On PostgreSQL rows go in with COPY (text format); elsewhere (SQLite, for the
tests) with `bulk_create`. Primary keys are given explicitly, starting after the
largest existing one, so seeding twice into one database (the query-count test
does) adds a second, independent dataset; sequences are reset afterwards.
"""

import hashlib
import io
import json
import math
import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from clubs.models import (
    JOIN_CODE_ALPHABET,
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
from feedback.models import (
    CHANGE_OUTCOMES,
    ActivityAnswer,
    AgeBand,
    Attendance,
    Concern,
    Decider,
    Decision,
    Learning,
    ListenedAnswer,
    Outcome,
    Participant,
    Proposal,
    ProposalEvent,
    Round,
    Session,
    State,
    Support,
)
from feedback.words import ADJECTIVES, ANIMALS, PHRASE_LENGTH, PHRASE_WORDS, phrase_hash

BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - synthetic accounts in a throwaway db
Kind = ProposalEvent.Kind


@dataclass(frozen=True)
class Scale:
    """How much of everything: the issue's figures for `county`, ten times for `national`."""

    name: str
    districts: int
    partners: int
    clubs: int
    participants: int
    proposals: int
    supports: int
    decisions: int
    changes: int
    rounds_per_club: int = 8
    days: int = 730

    def as_dict(self) -> dict:
        return asdict(self)


SCALES = {
    "tiny": Scale("tiny", 14, 4, 12, 240, 600, 4_000, 420, 420, rounds_per_club=4),
    "county": Scale("county", 14, 80, 400, 12_000, 40_000, 400_000, 30_000, 30_000),
    "national": Scale("national", 140, 800, 4_000, 120_000, 400_000, 4_000_000, 300_000, 300_000),
}

ACTIVITIES = [
    "Football",
    "Netball",
    "Basketball",
    "Badminton",
    "Dance",
    "Boxing fitness",
    "Climbing",
    "Table tennis",
    "Volleyball",
    "Multi-sport",
]
VENUES = ["Sports hall", "Community centre", "Leisure centre", "College gym", "Youth centre"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
TIMES = ["15:30", "16:00", "16:30", "17:00", "18:00", "19:00"]
DURATIONS = ["45 minutes", "1 hour", "75 minutes", "90 minutes"]
MUSIC = ["Chart playlist", "Members' picks", "No music", "Drum and bass", "Pop"]
IDEAS = [
    ("Play on Thursdays", "Lots of us have clubs on Tuesdays."),
    ("Start later", "The bus gets here at 4.15."),
    ("Longer sessions", "An hour goes so fast, can we have 90 minutes?"),
    ("Try dodgeball", "A fun warm-up game once a month."),
    ("Our own music", "Take turns choosing the playlist."),
    ("A girls-only session", "Some friends would come if it was girls only."),
    ("Matches against other clubs", "We want to play a friendly."),
    ("New bibs", "The old ones are falling apart."),
    ("Water fountain", "We keep running out of water."),
    ("Mixed teams", "Mix the teams each week so everyone plays together."),
]
ANSWERS = {
    Outcome.ADOPTED: "Good idea: we are doing it.",
    Outcome.ADAPTED: "We are doing most of it, with a small change so it works for everyone.",
    Outcome.TRIAL: "We will try it for four weeks and ask you how it went.",
    Outcome.DEFERRED: "We need to check with the venue first; we will look at it again soon.",
    Outcome.NOT_POSSIBLE: "The hall is the only place we can use, so we cannot change this.",
    Outcome.NOT_ADOPTED: "We talked about it as a group and most members wanted to keep it as it is.",
    Outcome.DUPLICATE: "Someone had the same idea: we have put your support on that one.",
}
OUTCOME_WEIGHTS = [
    (Outcome.ADOPTED, 30),
    (Outcome.ADAPTED, 10),
    (Outcome.TRIAL, 8),
    (Outcome.DEFERRED, 10),
    (Outcome.NOT_POSSIBLE, 12),
    (Outcome.NOT_ADOPTED, 25),
    (Outcome.DUPLICATE, 5),
]
# (kind, values it takes, status at the start, room or reason)
ASPECT_PLAN = [
    (AspectKind.DAY, DAYS, AspectStatus.NEGOTIABLE, "any weekday after school"),
    (AspectKind.START_TIME, TIMES, AspectStatus.NEGOTIABLE, "between 3.30pm and 7pm"),
    (AspectKind.DURATION, DURATIONS, AspectStatus.NEGOTIABLE, "up to 90 minutes"),
    (
        AspectKind.LOCATION,
        VENUES,
        AspectStatus.FIXED,
        "The venue is the only indoor space the partner can book for free.",
    ),
    (AspectKind.ACTIVITY, ACTIVITIES, AspectStatus.NEGOTIABLE, "any sport the coach can lead"),
    (AspectKind.MUSIC, MUSIC, AspectStatus.NEGOTIABLE, "anything without explicit lyrics"),
]
LOCATION_INDEX = 3


# --- Writing rows ---------------------------------------------------------------------


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class Writer:
    """Writes rows of a model: COPY on PostgreSQL, bulk_create elsewhere.

    Each call names the attributes it gives; every other concrete field gets
    its default ("" for text, {} for JSON, now for auto_now fields), as the ORM
    would have filled it.
    """

    CHUNK = 100_000

    def __init__(self, now: datetime):
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = defaultdict(int)

    def _defaults(self, model, given: list[str]) -> tuple[list[str], list]:
        rest, values = [], []
        for field in model._meta.concrete_fields:
            if field.attname in given:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = self.now
            else:
                value = field.get_default()
            rest.append(field.attname)
            values.append(value)
        return rest, values

    def write(self, model, columns: list[str], rows: Iterable[tuple]) -> int:
        rest, tail = self._defaults(model, columns)
        names = columns + rest
        tail = tuple(tail)
        count = 0
        if self.postgres:
            table = connection.ops.quote_name(model._meta.db_table)
            cols = ", ".join(
                connection.ops.quote_name(model._meta.get_field(n).column) for n in names
            )
            sql = f"COPY {table} ({cols}) FROM STDIN"
            buffer = io.StringIO()
            pending = 0
            with connection.cursor() as cursor:
                raw = cursor.cursor
                for row in rows:
                    buffer.write("\t".join(map(_copy_text, row + tail)))
                    buffer.write("\n")
                    pending += 1
                    if pending >= self.CHUNK:
                        buffer.seek(0)
                        raw.copy_expert(sql, buffer)
                        count += pending
                        buffer, pending = io.StringIO(), 0
                if pending:
                    buffer.seek(0)
                    raw.copy_expert(sql, buffer)
                    count += pending
        else:
            batch: list = []
            for row in rows:
                batch.append(model(**dict(zip(names, row + tail, strict=True))))
                if len(batch) >= 2_000:
                    model.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
            if batch:
                model.objects.bulk_create(batch)
                count += len(batch)
        self.counts[model._meta.label] += count
        return count

    def reset_sequences(self, models_: list) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), models_)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- Small helpers ------------------------------------------------------------------


def recovery_phrase(participant_id: int) -> str:
    """A participant's recovery phrase, derived from their id (a bijection, so unique)."""
    n = (participant_id * 2_654_435_761) % (2**32)
    words = []
    for _ in range(PHRASE_LENGTH):
        n, digit = divmod(n, len(PHRASE_WORDS))
        words.append(PHRASE_WORDS[digit])
    return " ".join(words)


def participant_key(prefix: str, participant_id: int) -> str:
    digest = hashlib.sha256(f"bench:{prefix}:{participant_id}".encode()).hexdigest()
    return f"b{digest[:42]}"


def _join_code(club_id: int) -> str:
    n = 10_000_000 + club_id * 7_919
    base = len(JOIN_CODE_ALPHABET)
    chars = []
    for _ in range(6):
        n, digit = divmod(n, base)
        chars.append(JOIN_CODE_ALPHABET[digit])
    return "".join(chars)


def _split(total: int, parts: int, rng: random.Random, skew: float = 0.0) -> list[int]:
    """Splits `total` into `parts` non-negative integers; skew > 0 makes some much larger."""
    if parts <= 0:
        return []
    weights = [math.exp(rng.gauss(0, skew)) if skew else 1.0 for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


def _delay(rng: random.Random, median_days: float, factor: float) -> timedelta:
    return timedelta(days=rng.lognormvariate(math.log(median_days * factor), 0.8))


# --- The dataset ------------------------------------------------------------------------


@dataclass
class Seeded:
    """What was written, and the accounts the benchmark signs in with."""

    scale: str
    prefix: str
    counts: dict
    password: str
    staff_email: str
    seconds: float = 0.0


def seed(
    scale: Scale,
    *,
    prefix: str = "bench",
    rng_seed: int = 7,
    now=None,
    check_foreign_keys: bool = True,
) -> Seeded:
    """Writes one dataset of `scale`; accounts and slugs carry `prefix` (unique per dataset).

    `check_foreign_keys=False` (the bench command, on its own throwaway database)
    skips PostgreSQL's foreign-key triggers for the load; the tests keep them on,
    so they prove the rows are consistent.
    """
    started = datetime.now(UTC)
    with transaction.atomic():
        fast = connection.vendor == "postgresql" and not check_foreign_keys
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                if fast:
                    cursor.execute("SET LOCAL session_replication_role = replica")
        seeder = _Seeder(scale, prefix=prefix, rng_seed=rng_seed, now=now)
        with _indexes_built_after(BIG_TABLES if fast else []):
            result = seeder.run()
    result.seconds = round((datetime.now(UTC) - started).total_seconds(), 1)
    return result


PARTICIPANT_COLUMNS = (
    "id",
    "club_id",
    "pseudonym",
    "age_band",
    "key",
    "recovery_hash",
    "is_blocked",
    "blocked_at",
    "joined_at",
    "last_seen_at",
    "previous_seen_at",
)

# Tables whose plain indexes are dropped for the load and built afterwards (faster).
BIG_TABLES = [Support, ProposalEvent, Proposal, Decision, AspectChange, Participant]


@contextmanager
def _indexes_built_after(models_: list):
    """Drops the plain (not primary, not unique, not constraint) indexes of these
    tables, and creates them again, from their own definitions, after the block."""
    if not models_:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [[m._meta.db_table for m in models_]],
        )
        definitions = cursor.fetchall()
        for name, _ in definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _, definition in definitions:
            cursor.execute(definition)


class _Seeder:
    def __init__(self, scale: Scale, *, prefix: str, rng_seed: int, now):
        self.scale = scale
        self.prefix = prefix
        self.rng = random.Random(f"{rng_seed}:{prefix}:{scale.name}")
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.t0 = self.now - timedelta(days=scale.days)
        self.writer = Writer(self.now)

    # Each step writes one kind of row and keeps what later steps need.
    def run(self) -> Seeded:
        self.districts()
        self.accounts()
        self.partners_and_clubs()
        self.aspects()
        self.rounds()
        self.participants()
        self.proposals()
        self.supports()
        self.decisions_and_events()
        self.aspect_changes()
        self.extras()
        self.plan_registers()  # Outcomes (#15): each member's first session is theirs
        self.write_participants()
        self.write_registers()
        self.activity_answers()
        self.writer.reset_sequences(
            [
                District,
                User,
                Partner,
                PartnerRole,
                Club,
                ClubCoach,
                Aspect,
                AspectChange,
                AspectChange.proposals.through,
                Round,
                Participant,
                Proposal,
                ProposalEvent,
                Decision,
                Support,
                ListenedAnswer,
                Concern,
                Learning,
                Session,
                Attendance,
                ActivityAnswer,
            ]
        )
        return Seeded(
            scale=self.scale.name,
            prefix=self.prefix,
            counts=dict(self.writer.counts),
            password=BENCH_PASSWORD,
            staff_email=self.staff_email,
        )

    # Outcomes (#15)
    def plan_registers(self):
        """A weekly session per club over the seeded period, each with its register: a share
        of the members that drifts from week to week, a few drop-ins; one in twenty cancelled.
        Its own random stream, so the rest of the dataset is as it was before registers.

        Planned before the members are written, so each member's first session run (what
        the register's services keep as `first_session_on`) is written with them: as one
        correlated UPDATE over the written ticks it took minutes at county scale."""
        rng = random.Random(f"registers:{self.prefix}:{self.scale.name}")
        session_rows, attendance_rows = [], []
        first_session: dict[int, date] = {}
        sid, aid = _next_id(Session), _next_id(Attendance)
        today = self.now.date()
        for index, club in enumerate(self.clubs):
            members = club["members"]
            share = rng.uniform(0.3, 0.7)
            day = self.t0.date() + timedelta(days=index % 7)
            while day <= today:
                taken = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=18)
                cancelled = rng.random() < 0.05
                drop_ins = 0 if cancelled else rng.choice((0, 0, 1, 2, 3))
                came = []
                if not cancelled:
                    share = min(0.9, max(0.1, share + rng.uniform(-0.05, 0.05)))
                    came = rng.sample(members, round(share * len(members)))
                for member in came:
                    attendance_rows.append((aid, sid, member, taken))
                    first_session.setdefault(member, day)  # sessions go oldest first
                    aid += 1
                session_rows.append(
                    (
                        sid,
                        club["id"],
                        day,
                        day,
                        Session.Status.CANCELLED if cancelled else Session.Status.PLANNED,
                        drop_ins,
                        None if cancelled else taken,
                        taken - timedelta(days=14),
                        len(came),  # members_count, as register_save keeps it
                    )
                )
                sid += 1
                day += timedelta(weeks=1)
        self.session_rows, self.attendance_rows = session_rows, attendance_rows
        self.first_session = first_session

    def write_registers(self):
        self.writer.write(
            Session,
            [
                "id",
                "club_id",
                "scheduled_for",
                "date",
                "status",
                "drop_ins",
                "register_taken_at",
                "created_at",
                "members_count",
            ],
            self.session_rows,
        )
        self.writer.write(
            Attendance, ["id", "session_id", "participant_id", "marked_at"], self.attendance_rows
        )

    def activity_answers(self):
        """The activity check (#15): half the members answer it when they join and every
        ACTIVITY_CHECK_WEEKS weeks after, one answer in ten "rather not say". Its own random
        stream, so the rest of the dataset is as it was before."""
        rng = random.Random(f"activity:{self.prefix}:{self.scale.name}")
        every = timedelta(weeks=settings.COPRODUCE_OUTCOMES["ACTIVITY_CHECK_WEEKS"])
        member, blocked, joined = (
            PARTICIPANT_COLUMNS.index("id"),
            PARTICIPANT_COLUMNS.index("is_blocked"),
            PARTICIPANT_COLUMNS.index("joined_at"),
        )
        rows, aid = [], _next_id(ActivityAnswer)
        for row in self.participant_rows:
            if row[blocked] or rng.random() < 0.5:
                continue
            at = row[joined]
            while at <= self.now:
                days = None if rng.random() < 0.1 else rng.randint(0, 7)
                rows.append((aid, row[member], days, at))
                aid += 1
                at += every
        self.writer.write(ActivityAnswer, ["id", "participant_id", "days", "answered_at"], rows)

    def notices_seen(self) -> dict[int, int]:
        """Members have seen the answer notice up to their last visit (as the migration
        that brought the notice in assumed): the last event of their club at or before
        their last visit; news after it is still waiting for them.

        Worked out here from the events in memory, written with the members: as one
        correlated UPDATE over the written events it took 40 min at county scale without
        the events' indexes and over 30 min at national scale with them."""
        club_of = {p["id"]: p["club"]["id"] for p in self.plan}
        by_club: dict[int, list[tuple]] = defaultdict(list)
        for event in self.events:
            by_club[club_of[event[1]]].append((event[7], event[0]))
        upto: dict[int, tuple[list, list]] = {}
        for club_id, events in by_club.items():
            events.sort()
            moments, running, last = [], [], 0
            for at, pk in events:
                last = max(last, pk)
                moments.append(at)
                running.append(last)
            upto[club_id] = (moments, running)
        club, last_seen = (
            PARTICIPANT_COLUMNS.index("club_id"),
            PARTICIPANT_COLUMNS.index("last_seen_at"),
        )
        seen = {}
        for row in self.participant_rows:
            moments, running = upto.get(row[club], ([], []))
            before = bisect_right(moments, row[last_seen])
            seen[row[0]] = running[before - 1] if before else 0
        return seen

    def districts(self):
        existing = list(District.objects.order_by("pk").values_list("pk", flat=True))
        missing = self.scale.districts - len(existing)
        if missing > 0:
            first = _next_id(District)
            ids = list(range(first, first + missing))
            # Counties of 14 districts, like Hampshire and the Isle of Wight's: at national
            # scale the county dashboard is measured for one county's clubs.
            per_county, known = 14, len(existing)
            self.writer.write(
                District,
                ["id", "name", "ons_code", "county"],
                (
                    (
                        i,
                        f"Synthetic district {i}",
                        f"Z{i:08d}",
                        f"Synthetic county {(known + n) // per_county}",
                    )
                    for n, i in enumerate(ids)
                ),
            )
            existing += ids
        self.district_ids = existing[: self.scale.districts]

    def accounts(self):
        s, rng = self.scale, self.rng
        self.partner_clubs = _split(s.clubs, s.partners, rng, skew=0.4)
        self.password_hash = make_password(BENCH_PASSWORD)
        domain = f"{self.prefix}.bench.test"
        uid = _next_id(User)
        rows = []
        self.staff_id = uid
        self.staff_email = f"staff@{domain}"
        rows.append((uid, self.staff_email, "County Staff", True))
        uid += 1
        self.lead_ids, self.coach_ids = [], []  # per partner
        for p, n_clubs in enumerate(self.partner_clubs):
            rows.append((uid, f"lead{p:04d}@{domain}", f"Lead {p}", False))
            self.lead_ids.append(uid)
            uid += 1
            coaches = []
            for c in range(max(1, math.ceil(n_clubs / 2))):
                rows.append((uid, f"coach{p:04d}-{c}@{domain}", f"Coach {p}.{c}", False))
                coaches.append(uid)
                uid += 1
            self.coach_ids.append(coaches)
        joined = self.t0 - timedelta(days=60)
        self.writer.write(
            User,
            ["id", "email", "name", "is_county_staff", "password", "date_joined"],
            ((*row, self.password_hash, joined) for row in rows),
        )
        self.emails = {row[0]: row[1] for row in rows}

    def partners_and_clubs(self):
        rng = self.rng
        pid0, cid0 = _next_id(Partner), _next_id(Club)
        kinds = list(Partner.Kind.values)
        partners, roles, clubs, coaches = [], [], [], []
        self.clubs = []  # dicts with what later steps need
        role_id, coach_row_id = _next_id(PartnerRole), _next_id(ClubCoach)
        cid = cid0
        for p, n_clubs in enumerate(self.partner_clubs):
            partner_id = pid0 + p
            district = self.district_ids[p % len(self.district_ids)]
            partners.append(
                (
                    partner_id,
                    f"{self.prefix.title()} partner {p:04d}",
                    kinds[p % len(kinds)],
                    district,
                    self.t0 - timedelta(days=90),
                )
            )
            roles.append((role_id, self.lead_ids[p], partner_id, "lead", self.t0))
            role_id += 1
            for coach in self.coach_ids[p]:
                roles.append((role_id, coach, partner_id, "coach", self.t0))
                role_id += 1
            for k in range(n_clubs):
                activity = ACTIVITIES[cid % len(ACTIVITIES)]
                venue = VENUES[cid % len(VENUES)]
                start = (self.t0 - timedelta(days=rng.randint(0, 120))).date()
                end = start + timedelta(days=rng.randint(365, 900))
                today = self.now.date()
                if today > end:
                    stage = Stage.SUSTAIN
                elif (end - today).days < 42:
                    stage = Stage.REVIEW
                else:
                    stage = Stage.DELIVERY
                coach = self.coach_ids[p][k % len(self.coach_ids[p])]
                clubs.append(
                    (
                        cid,
                        partner_id,
                        f"{activity} at {venue} {cid}",
                        f"{self.prefix}-club-{cid:05d}",
                        activity,
                        venue,
                        district,
                        start,
                        end,
                        stage,
                        _join_code(cid),
                        self.t0 - timedelta(days=30),
                    )
                )
                coaches.append((coach_row_id, cid, coach, self.t0))
                coach_row_id += 1
                self.clubs.append(
                    {
                        "id": cid,
                        "partner": partner_id,
                        "coach": coach,
                        # How quickly this club's coach acts (1 = the county's median).
                        "pace": math.exp(rng.gauss(0, 0.6)),
                        # How often this club leaves ideas without an answer.
                        "neglect": rng.random(),
                        "goalposts": rng.random() < 0.05,
                    }
                )
                cid += 1
        w = self.writer
        w.write(Partner, ["id", "name", "kind", "district_id", "created_at"], partners)
        w.write(PartnerRole, ["id", "user_id", "partner_id", "role", "created_at"], roles)
        w.write(
            Club,
            [
                "id",
                "partner_id",
                "name",
                "slug",
                "activity",
                "venue_name",
                "district_id",
                "funding_start",
                "funding_end",
                "stage",
                "join_code",
                "created_at",
            ],
            clubs,
        )
        w.write(ClubCoach, ["id", "club_id", "user_id", "assigned_at"], coaches)

    def aspects(self):
        aid = _next_id(Aspect)
        # Per club: list of [aspect id, kind index]; per aspect: its timeline of changes.
        self.aspect_changes_todo: dict[int, list] = defaultdict(list)
        self.aspect_info: dict[int, dict] = {}
        self.switch_at = self.t0 + timedelta(days=self.scale.days // 2)
        for club in self.clubs:
            club["aspects"] = []
            for order, (kind, values, status, note) in enumerate(ASPECT_PLAN):
                start_status = status
                if order == LOCATION_INDEX and club["goalposts"]:
                    # This club made its location fixed half way: moving goalposts.
                    start_status = AspectStatus.NEGOTIABLE
                    self.aspect_changes_todo[aid].append((self.switch_at, "fix", None))
                self.aspect_info[aid] = {
                    "club": club["id"],
                    "order": order,
                    "kind": kind,
                    "values": values,
                    "status": start_status,
                    "note": note,
                    "value": values[(club["id"] + order) % len(values)],
                }
                club["aspects"].append(aid)
                aid += 1

    def status_on(self, aspect_id: int, moment: datetime) -> str:
        info = self.aspect_info[aspect_id]
        club = self.club_by_id[info["club"]]
        if info["order"] == LOCATION_INDEX and club["goalposts"]:
            return AspectStatus.FIXED if moment >= self.switch_at else AspectStatus.NEGOTIABLE
        return info["status"]

    def rounds(self):
        s = self.scale
        rid = _next_id(Round)
        rows = []
        span = s.days / max(1, s.rounds_per_club)
        self.club_by_id = {c["id"]: c for c in self.clubs}
        for club in self.clubs:
            club["rounds"] = []
            for j in range(s.rounds_per_club):
                opens = self.t0 + timedelta(days=j * span + self.rng.randint(0, 20))
                closes = opens + timedelta(days=21)
                aspect = club["aspects"][j % len(club["aspects"])] if j % 3 else None
                rows.append(
                    (
                        rid,
                        club["id"],
                        f"What should we change in term {j + 1}?",
                        aspect,
                        opens.date(),
                        closes.date(),
                        club["coach"],
                        opens - timedelta(days=3),
                    )
                )
                club["rounds"].append((opens, closes, rid))
                rid += 1
        self.writer.write(
            Round,
            [
                "id",
                "club_id",
                "question",
                "aspect_id",
                "opens_on",
                "closes_on",
                "created_by_id",
                "created_at",
            ],
            rows,
        )

    def participants(self):
        s, rng = self.scale, self.rng
        shares = _split(s.participants, len(self.clubs), rng, skew=0.3)
        names = [f"{a} {b}" for a in ADJECTIVES for b in ANIMALS]
        pid = _next_id(Participant)
        rows = []
        bands = [AgeBand.B13_15, AgeBand.B16_17, AgeBand.B18_19]
        for club, n in zip(self.clubs, shares, strict=True):
            n = max(n, 3)
            picked = rng.sample(names, min(n, len(names)))
            club["members"] = []
            for name in picked:
                last_seen = self.now - timedelta(days=rng.uniform(0, 60))
                blocked = rng.random() < 0.005
                rows.append(
                    (
                        pid,
                        club["id"],
                        name,
                        rng.choice(bands),
                        participant_key(self.prefix, pid),
                        phrase_hash(recovery_phrase(pid), club_id=club["id"]),
                        blocked,
                        last_seen if blocked else None,
                        self.t0 - timedelta(days=rng.uniform(1, 30)),
                        last_seen,
                        last_seen - timedelta(days=rng.uniform(1, 30)),
                    )
                )
                if not blocked:
                    club["members"].append(pid)
                pid += 1
        self.participant_rows = rows

    def write_participants(self):
        """Written once the events are known: each member's notices seen depend on them."""
        seen = self.notices_seen()
        self.writer.write(
            Participant,
            [*PARTICIPANT_COLUMNS, "notices_seen_upto", "first_session_on"],
            ((*row, seen[row[0]], self.first_session.get(row[0])) for row in self.participant_rows),
        )

    def proposals(self):
        """Decides every proposal's life (states and times) before writing anything."""
        s, rng = self.scale, self.rng
        shares = _split(s.proposals, len(self.clubs), rng, skew=0.7)
        plan = []
        for club, n in zip(self.clubs, shares, strict=True):
            members = club["members"]
            # A few members propose most of the ideas (narrow voice).
            weights = [1 / (rank + 1) ** 0.9 for rank in range(len(members))]
            cumulative, total = [], 0.0
            for w in weights:
                total += w
                cumulative.append(total)
            for _ in range(n):
                submitted = self.t0 + timedelta(seconds=rng.uniform(0, s.days * 86_400))
                author = members[
                    min(bisect_right(cumulative, rng.uniform(0, total)), len(members) - 1)
                ]
                plan.append({"club": club, "author": author, "submitted": submitted})
        plan.sort(key=lambda p: p["submitted"])
        pid = _next_id(Proposal)
        now = self.now
        eligible = []
        for p in plan:
            p["id"] = pid
            pid += 1
            club = p["club"]
            pace = club["pace"]
            roll = rng.random()
            published = p["submitted"] + _delay(rng, 1.5, pace)
            if roll < 0.012:
                p["state"] = State.RETURNED
                p["moderated"] = min(published, now)
            elif roll < 0.014:
                p["state"] = State.ESCALATED
                p["moderated"] = min(published, now)
            elif roll < 0.022:
                p["state"] = State.WITHDRAWN
                p["moderated"] = min(p["submitted"] + timedelta(hours=rng.uniform(1, 48)), now)
            elif published >= now or roll < 0.022 + 0.01 * club["neglect"]:
                p["state"] = State.SUBMITTED
            else:
                p["published"] = published
                acknowledged = published + _delay(rng, 4, pace) if rng.random() < 0.8 else None
                if acknowledged and acknowledged < now:
                    p["acknowledged"] = acknowledged
                p["state"] = State.ACKNOWLEDGED if "acknowledged" in p else State.PUBLISHED
                # When it would be decided, if the club gets round to it.
                p["decided"] = (acknowledged or published) + _delay(rng, 10, pace)
                if p["decided"] < now:
                    eligible.append(p)
            p["round"] = None
            for opens, closes, rid in club["rounds"]:
                if opens <= p["submitted"] <= closes and rng.random() < 0.7:
                    p["round"] = rid
            p["aspect"] = rng.choice(club["aspects"]) if rng.random() < 0.7 else None
            p["idea"] = rng.randrange(len(IDEAS))
        # Neglectful clubs leave more ideas without a decision: take the target count,
        # preferring the attentive clubs' ideas.
        eligible.sort(key=lambda p: rng.random() * (0.3 + p["club"]["neglect"]))
        decided = eligible[: self.scale.decisions]
        by_club_published: dict[int, list] = defaultdict(list)
        for p in decided:
            p["state"] = State.DECIDED
        for p in plan:
            if p["state"] != State.DECIDED:
                p.pop("decided", None)
            if "published" in p:
                by_club_published[p["club"]["id"]].append(p)
        for p in sorted(decided, key=lambda p: p["submitted"]):
            self._decide(p, by_club_published[p["club"]["id"]])
        self.plan = plan
        # Supporters: the target total over every published idea.
        published = [p for p in plan if "published" in p]
        mean = self.scale.supports / max(1, len(published))
        for p in published:
            room = len(p["club"]["members"]) - 1
            p["supports"] = min(room, int(rng.uniform(0, 2 * mean + 1)))
        for p in plan:
            p.setdefault("supports", 0)

    def _decide(self, p: dict, club_published: list):
        rng = self.rng
        aspect = p["aspect"]
        status = self.status_on(aspect, p["submitted"]) if aspect else ""
        p["aspect_status"] = status
        if aspect and status == AspectStatus.FIXED:
            outcome = Outcome.NOT_POSSIBLE if rng.random() < 0.7 else Outcome.NOT_ADOPTED
        else:
            outcome = rng.choices([o for o, _ in OUTCOME_WEIGHTS], [w for _, w in OUTCOME_WEIGHTS])[
                0
            ]
        if outcome == Outcome.DUPLICATE:
            earlier = [q for q in club_published if q["submitted"] < p["submitted"] and q is not p]
            if not earlier:
                outcome = Outcome.ADOPTED
            else:
                p["duplicate_of"] = earlier[-1 - rng.randrange(min(5, len(earlier)))]["id"]
        p["outcome"] = outcome
        decided = p["decided"]
        if outcome == Outcome.NOT_POSSIBLE:
            location = self.club_by_id[p["club"]["id"]]["aspects"][LOCATION_INDEX]
            p["not_possible_aspect"] = location
            when = self.status_on(location, p["submitted"])
            p["status_when_proposed"] = when
            p["moving_goalposts"] = when == AspectStatus.NEGOTIABLE
        if outcome == Outcome.DEFERRED:
            p["deferred_until"] = (decided + timedelta(days=rng.randint(30, 90))).date()
        if outcome == Outcome.NOT_ADOPTED:
            # Most noes give a real reason; some are a shrug (the "unexplained no").
            p["reason"] = (
                "The venue will not let us change this and we checked with them."
                if rng.random() < 0.85
                else ""
            )
            p["answer"] = ANSWERS[outcome] if p["reason"] else "No."
        if outcome in CHANGE_OUTCOMES:
            p["promised_by"] = (decided + timedelta(days=rng.randint(14, 45))).date()
            done = decided + _delay(rng, 12, p["club"]["pace"])
            if done < self.now and rng.random() < 0.75:
                p["done"] = done
                p["state"] = State.DONE
        if rng.random() < 0.3:
            answered = decided + timedelta(days=rng.uniform(0.1, 5))
            if answered < self.now:
                p["listened"] = answered

    def supports(self):
        rng = self.rng
        sid = _next_id(Support)
        now = self.now

        def rows() -> Iterator[tuple]:
            nonlocal sid
            for p in self.plan:
                k = p["supports"]
                if not k:
                    continue
                members = [m for m in p["club"]["members"] if m != p["author"]]
                start = p["published"]
                span = ((p.get("decided") or now) - start).total_seconds()
                for member in rng.sample(members, k):
                    yield (sid, p["id"], member, start + timedelta(seconds=rng.uniform(0, span)))
                    sid += 1

        self.writer.write(Support, ["id", "proposal_id", "participant_id", "created_at"], rows())

    def decisions_and_events(self):
        rng = self.rng
        proposals, decisions, events, listened = [], [], [], []
        did, eid, lid = _next_id(Decision), _next_id(ProposalEvent), _next_id(ListenedAnswer)
        self.done_by_aspect: dict[int, list] = defaultdict(list)

        def event(p, kind, from_state, to_state, at, user=None, participant=None, details=None):
            nonlocal eid
            events.append(
                (eid, p["id"], kind, from_state, to_state, user, participant, at, details or {})
            )
            eid += 1

        for p in self.plan:
            coach = p["club"]["coach"]
            title, text = IDEAS[p["idea"]]
            state = p["state"]
            aspect_status = self.status_on(p["aspect"], p["submitted"]) if p["aspect"] else ""
            event(
                p,
                Kind.SUBMITTED,
                "",
                State.SUBMITTED,
                p["submitted"],
                participant=p["author"],
                details={"flagged_contact_details": False},
            )
            return_reason, escalated_at = "", None
            current = State.SUBMITTED
            if state == State.RETURNED:
                return_reason = "Please say a bit more about what you would like to change."
                event(
                    p,
                    Kind.RETURNED,
                    current,
                    state,
                    p["moderated"],
                    user=coach,
                    details={"reason": return_reason},
                )
                current = state
            elif state == State.ESCALATED:
                escalated_at = p["moderated"]
                event(p, Kind.ESCALATED, current, state, escalated_at, user=coach)
                current = state
            elif state == State.WITHDRAWN:
                event(p, Kind.WITHDRAWN, current, state, p["moderated"], participant=p["author"])
                current = state
            published = p.get("published")
            acknowledged = p.get("acknowledged")
            decider, decide_by = "", None
            if published:
                event(p, Kind.PUBLISHED, current, State.PUBLISHED, published, user=coach)
                current = State.PUBLISHED
            if acknowledged:
                decider = Decider.COACH if rng.random() < 0.7 else Decider.PARTNER
                decide_by = (acknowledged + timedelta(days=21)).date()
                event(
                    p,
                    Kind.ACKNOWLEDGED,
                    current,
                    State.ACKNOWLEDGED,
                    acknowledged,
                    user=coach,
                    details={"decider": decider, "decide_by": decide_by.isoformat()},
                )
                current = State.ACKNOWLEDGED
            outcome, answer = p.get("outcome", ""), ""
            decided = p.get("decided") if outcome else None
            if outcome:
                answer = p.get("answer") or ANSWERS[outcome]
                moving = p.get("moving_goalposts", False)
                event(
                    p,
                    Kind.DECIDED,
                    current,
                    State.DECIDED,
                    decided,
                    user=coach,
                    details={
                        "outcome": outcome,
                        "supports": p["supports"],
                        "moving_goalposts": moving,
                    },
                )
                current = State.DECIDED
                decisions.append(
                    (
                        did,
                        p["id"],
                        p["club"]["id"],
                        outcome,
                        answer,
                        p.get("reason", ""),
                        p.get("deferred_until"),
                        p.get("promised_by"),
                        p.get("not_possible_aspect"),
                        p.get("status_when_proposed", ""),
                        moving,
                        p.get("duplicate_of"),
                        p["supports"],
                        coach,
                        decided,
                    )
                )
                did += 1
                if outcome == Outcome.DUPLICATE:
                    event(
                        p,
                        Kind.MERGED,
                        current,
                        current,
                        decided,
                        user=coach,
                        details={"into": p["duplicate_of"], "supporters_carried": 0},
                    )
                if p.get("done"):
                    aspect = p["aspect"] or rng.choice(p["club"]["aspects"][:3])
                    # The change's id is known once changes are chained: filled in later.
                    self.done_by_aspect[aspect].append((p["done"], "done", p["id"]))
                    p["change_event"] = len(events)
                    event(
                        p, Kind.CHANGE_RECORDED, current, current, p["done"], user=coach, details={}
                    )
                    event(p, Kind.DONE, current, State.DONE, p["done"], user=coach)
                    current = State.DONE
                if p.get("listened"):
                    answer_kind = rng.choice(["yes", "yes", "partly", "no"])
                    listened.append((lid, p["id"], answer_kind, "", p["listened"]))
                    lid += 1
                    event(
                        p,
                        Kind.LISTENED,
                        current,
                        current,
                        p["listened"],
                        participant=p["author"],
                        details={"answer": answer_kind},
                    )
            assert current == state, (current, state)
            last = max(
                t
                for t in (
                    p["submitted"],
                    p.get("moderated"),
                    published,
                    acknowledged,
                    decided,
                    p.get("done"),
                )
                if t
            )
            proposals.append(
                (
                    p["id"],
                    p["club"]["id"],
                    p["author"],
                    p["round"],
                    p["aspect"],
                    aspect_status,
                    title,
                    text,
                    f"seed-{p['id']}",
                    state,
                    p["supports"],
                    p["submitted"],
                    published,
                    return_reason,
                    escalated_at,
                    acknowledged,
                    decider,
                    decide_by,
                    outcome,
                    answer,
                    decided,
                    p.get("deferred_until"),
                    p.get("promised_by"),
                    p.get("duplicate_of"),
                    p.get("done"),
                    last,
                )
            )
        self.events = events
        self.proposal_rows = proposals
        self.decision_rows = decisions
        self.listened_rows = listened

    def aspect_changes(self):
        """Chains every aspect's values through its changes, then writes aspects,
        changes, proposals (now with their change events) and the rest."""
        rng, s = self.rng, self.scale
        timelines: dict[int, list] = defaultdict(list)
        for aid in self.aspect_info:
            timelines[aid].append((self.t0 - timedelta(days=30), "added", None))
            timelines[aid].extend(self.aspect_changes_todo.get(aid, []))
            timelines[aid].extend(self.done_by_aspect.get(aid, []))
        needed = sum(len(t) for t in timelines.values())
        extra = max(0, s.changes - needed)
        negotiable = [a for a, info in self.aspect_info.items() if info["order"] != LOCATION_INDEX]
        for _ in range(extra):
            aid = rng.choice(negotiable)
            when = self.t0 + timedelta(seconds=rng.uniform(0, s.days * 86_400))
            timelines[aid].append((when, "coach", None))
        chid = _next_id(AspectChange)
        through = AspectChange.proposals.through
        thid = _next_id(through)
        changes, links, aspects = [], [], []
        change_of_proposal: dict[int, tuple] = {}
        for aid, timeline in timelines.items():
            info = self.aspect_info[aid]
            club = self.club_by_id[info["club"]]
            values = info["values"]
            status = info["status"]
            value = info["value"]
            room = info["note"] if status == AspectStatus.NEGOTIABLE else ""
            reason = info["note"] if status == AspectStatus.FIXED else ""
            last_at = self.t0
            timeline.sort(key=lambda item: item[0])
            for at, what, proposal_id in timeline:
                old = (value, status, room, reason)
                note = ""
                if what == "added":
                    old = ("", "", "", "")
                    note = "Added"
                elif what == "fix":
                    status, room = AspectStatus.FIXED, ""
                    reason = "The venue told us it is the only hall we can book."
                    note = "The venue changed its booking rules."
                else:
                    choices = [v for v in values if v != value]
                    value = rng.choice(choices)
                    note = "Because of members' ideas" if what == "done" else "New term"
                effective = (at + timedelta(days=rng.randint(0, 14))).date()
                changes.append(
                    (
                        chid,
                        aid,
                        club["id"],
                        old[0],
                        value,
                        old[1],
                        status,
                        old[2],
                        room,
                        old[3],
                        reason,
                        effective,
                        note,
                        club["coach"],
                        at,
                    )
                )
                if proposal_id is not None:
                    links.append((thid, chid, proposal_id))
                    thid += 1
                    change_of_proposal[proposal_id] = (chid, info, value, effective)
                chid += 1
                last_at = at
            aspects.append(
                (
                    aid,
                    club["id"],
                    info["kind"],
                    value,
                    status,
                    room,
                    reason,
                    info["order"],
                    last_at,
                )
            )
        # Fill the change events' details now that the changes have ids.
        kind_names = dict(AspectKind.choices)
        for p in self.plan:
            index = p.get("change_event")
            if index is None:
                continue
            chid_, info, value, effective = change_of_proposal[p["id"]]
            row = list(self.events[index])
            row[-1] = {
                "change": chid_,
                "aspect": kind_names[info["kind"]],
                "new_value": value,
                "effective_date": effective.isoformat(),
            }
            self.events[index] = tuple(row)
        w = self.writer
        w.write(
            Aspect,
            ["id", "club_id", "kind", "value", "status", "room", "reason", "order", "updated_at"],
            aspects,
        )
        w.write(
            Proposal,
            [
                "id",
                "club_id",
                "author_id",
                "round_id",
                "aspect_id",
                "aspect_status_at_submission",
                "title",
                "text",
                "client_token",
                "state",
                "support_count",
                "submitted_at",
                "published_at",
                "return_reason",
                "escalated_at",
                "acknowledged_at",
                "decider",
                "decide_by",
                "outcome",
                "answer",
                "decided_at",
                "first_decided_at",
                "deferred_until",
                "promised_by",
                "duplicate_of_id",
                "done_at",
                "updated_at",
            ],
            # Each decided idea has one decision: its first is its latest.
            ((*row[:21], row[20], *row[21:]) for row in self.proposal_rows),
        )
        w.write(
            AspectChange,
            [
                "id",
                "aspect_id",
                "club_id",
                "old_value",
                "new_value",
                "old_status",
                "new_status",
                "old_room",
                "new_room",
                "old_reason",
                "new_reason",
                "effective_date",
                "note",
                "recorded_by_id",
                "recorded_at",
            ],
            changes,
        )
        w.write(through, ["id", "aspectchange_id", "proposal_id"], links)
        w.write(
            Decision,
            [
                "id",
                "proposal_id",
                "club_id",
                "outcome",
                "answer",
                "reason",
                "deferred_until",
                "promised_by",
                "not_possible_aspect_id",
                "aspect_status_when_proposed",
                "moving_goalposts",
                "duplicate_of_id",
                "supports_at_decision",
                "decided_by_id",
                "decided_at",
            ],
            self.decision_rows,
        )
        w.write(
            ProposalEvent,
            [
                "id",
                "proposal_id",
                "kind",
                "from_state",
                "to_state",
                "actor_user_id",
                "actor_participant_id",
                "at",
                "details",
            ],
            self.events,
        )
        w.write(
            ListenedAnswer, ["id", "proposal_id", "answer", "comment", "at"], self.listened_rows
        )

    def extras(self):
        """Concerns (most handled) and coaches' learning notes: a couple per club."""
        rng = self.rng
        cid, lid = _next_id(Concern), _next_id(Learning)
        concerns, learnings = [], []
        for club in self.clubs:
            for _ in range(2):
                at = self.t0 + timedelta(seconds=rng.uniform(0, self.scale.days * 86_400))
                handled = at + timedelta(days=rng.uniform(0.1, 3))
                open_ = rng.random() < 0.1 or handled > self.now
                concerns.append(
                    (
                        cid,
                        club["id"],
                        rng.choice(club["members"]) if club["members"] else None,
                        "Someone was being unkind in the changing room.",
                        at,
                        None if open_ else handled,
                        None if open_ else club["coach"],
                        "" if open_ else "Spoke to the group about respect.",
                    )
                )
                cid += 1
                learnings.append(
                    (
                        lid,
                        club["id"],
                        "Time with friends and a game they chose.",
                        "They want more say in the warm-up.",
                        "Members take turns to lead the warm-up.",
                        club["coach"],
                        at,
                    )
                )
                lid += 1
        w = self.writer
        w.write(
            Concern,
            [
                "id",
                "club_id",
                "participant_id",
                "text",
                "reported_at",
                "handled_at",
                "handled_by_id",
                "handled_note",
            ],
            concerns,
        )
        w.write(
            Learning,
            ["id", "club_id", "getting", "learning", "acting", "recorded_by_id", "recorded_at"],
            learnings,
        )


def analyse() -> None:
    """Fresh planner statistics (and visibility maps) after a bulk load: PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def table_counts() -> dict[str, int]:
    """Rows per table the benchmark cares about (from the database, not from the seeder)."""
    tracked: list[type[models.Model]] = [
        District,
        Partner,
        Club,
        User,
        Participant,
        Round,
        Proposal,
        Support,
        Decision,
        AspectChange,
        ProposalEvent,
        ListenedAnswer,
        Concern,
        Learning,
    ]
    return {model._meta.label: model.objects.count() for model in tracked}
