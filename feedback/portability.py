"""A club's whole co-production record as portable JSON, and loading it elsewhere.

The record holds the club, its aspects and their history, rounds, proposals,
events, decisions, supports, listened-to answers, learning, and its sessions with
their registers. Young people
appear by pseudonym only (their cookie keys and recovery phrases are not
exported); staff accounts are not exported (who did what becomes empty).
Concerns are safeguarding records and stay where they were made.

Primary keys are kept where they are free, so a record loaded into an empty
database is the same record, down to the ids that indicators cite as evidence.
"""

import json
import secrets
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from clubs.models import Aspect, AspectChange, Club, District, Partner
from feedback.models import (
    Attendance,
    Decision,
    Learning,
    ListenedAnswer,
    Participant,
    Proposal,
    ProposalEvent,
    Round,
    Session,
    Support,
)
from feedback.sessions import first_sessions_refresh, members_counts_refresh
from feedback.words import new_participant_key

FORMAT = "coproduce-club-record/1"

# Fields never exported: secrets (a member's sealed join phrase and join token too),
# links to staff accounts, and a pointer into this database's event ids (an imported
# member starts with every answer notice unseen).
NEVER = {
    "key",
    "recovery_hash",
    "join_token_hash",
    "join_phrase_sealed",
    "join_code",
    "join_code_rotated_at",
    "notices_seen_upto",
}
STAFF_LINKS = {
    "recorded_by",
    "created_by",
    "decided_by",
    "actor_user",
    "handled_by",
    # Sessions and registers (#15)
    "changed_by",
    "register_taken_by",
}

# In dependency order: each model's rows only point at rows of models above it
# (the proposals' self-links and the change-proposal links are restored after).
SECTIONS: list[tuple[str, type[models.Model]]] = [
    ("aspects", Aspect),
    ("rounds", Round),
    ("participants", Participant),
    ("proposals", Proposal),
    ("aspect_changes", AspectChange),
    ("events", ProposalEvent),
    ("decisions", Decision),
    ("supports", Support),
    ("listened", ListenedAnswer),
    ("learning", Learning),
    # Sessions and registers (#15)
    ("sessions", Session),
    ("attendances", Attendance),
]


def _querysets(club: Club) -> dict[str, models.QuerySet]:
    proposals = Proposal.objects.filter(club=club)
    return {
        "aspects": Aspect.objects.filter(club=club),
        "rounds": Round.objects.filter(club=club),
        "participants": Participant.objects.filter(club=club),
        "proposals": proposals.order_by("pk"),
        "aspect_changes": AspectChange.objects.filter(club=club),
        "events": ProposalEvent.objects.filter(proposal__club=club),
        "decisions": Decision.objects.filter(proposal__club=club),
        "supports": Support.objects.filter(proposal__club=club),
        "listened": ListenedAnswer.objects.filter(proposal__club=club),
        "learning": Learning.objects.filter(club=club),
        # Sessions and registers (#15)
        "sessions": Session.objects.filter(club=club),
        "attendances": Attendance.objects.filter(session__club=club),
    }


def _row(obj: models.Model, skip: set[str] = frozenset()) -> dict[str, Any]:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in NEVER or field.name in skip:
            continue
        if field.name in STAFF_LINKS:
            row[field.attname] = None
            continue
        row[field.attname] = getattr(obj, field.attname)
    return row


def export_club(club: Club) -> dict[str, Any]:
    """The club's record as a JSON-ready dict."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "partner": {
            "name": club.partner.name,
            "kind": club.partner.kind,
            "district": club.partner.district.ons_code,
        },
        "club": {**_row(club, skip={"partner", "district"}), "district": club.district.ons_code},
    }
    for name, queryset in _querysets(club).items():
        data[name] = [_row(obj) for obj in queryset.order_by("pk")]
    data["aspect_change_proposals"] = sorted(
        AspectChange.proposals.through.objects.filter(aspectchange__club=club).values_list(
            "aspectchange_id", "proposal_id"
        )
    )
    return json.loads(json.dumps(data, cls=_Encoder))


class _Encoder(DjangoJSONEncoder):
    """Moments to the microsecond: Django's encoder keeps milliseconds, so a record
    exported, imported and exported again differed for any time under a millisecond
    past the second ("...:05.000Z" became "...:05Z")."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


def _build(model: type[models.Model], row: dict[str, Any], pk_map: dict) -> models.Model:
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname not in row:
            continue
        value = row[field.attname]
        if field.is_relation and value is not None:
            target = field.related_model
            value = pk_map.get(target, {}).get(value, value)
        elif value is not None:
            value = field.to_python(value)
        values[field.attname] = value
    return model(**values)


@transaction.atomic
def import_club(data: dict[str, Any], *, slug: str | None = None) -> Club:
    """Loads a record made by `export_club`. Keeps primary keys that are free."""
    if data.get("format") != FORMAT:
        raise ValueError(f"Not a Coproduce club record (expected format {FORMAT}).")
    partner_data = data["partner"]
    partner, _ = Partner.objects.get_or_create(
        name=partner_data["name"],
        defaults={
            "kind": partner_data["kind"],
            "district": District.objects.get(ons_code=partner_data["district"]),
        },
    )
    club_row = dict(data["club"])
    club_row.pop("district")
    club = _build(Club, club_row, {})
    club.partner = partner
    club.district = District.objects.get(ons_code=data["club"]["district"])
    club.slug = slug or club.slug
    if Club.objects.filter(pk=club.pk).exists():
        club.pk = None
    club.save()
    _restore_automatic_times(Club, [club_row], {club_row["id"]: club.pk})

    pk_map: dict[type[models.Model], dict[Any, Any]] = {Club: {data["club"]["id"]: club.pk}}
    deferred_self_links = []
    for name, model in SECTIONS:
        rows = data.get(name, [])
        taken = set(
            model.objects.filter(pk__in=[r["id"] for r in rows]).values_list("pk", flat=True)
        )
        objects = []
        for row in rows:
            row = dict(row)
            old_pk = row["id"]
            if model is Proposal:
                deferred_self_links.append((old_pk, row.pop("duplicate_of_id", None)))
            if model is Participant:
                row["key"] = new_participant_key()
                # A phrase nobody knows: an imported member cannot be recovered into.
                row["recovery_hash"] = secrets.token_hex(32)
            obj = _build(model, row, pk_map)
            if old_pk in taken:
                obj.pk = None
            objects.append((old_pk, obj))
        # bulk_create writes append-only records without going through save().
        created = model.objects.bulk_create([obj for _, obj in objects])
        pk_map[model] = {old: obj.pk for (old, _), obj in zip(objects, created, strict=True)}
        _restore_automatic_times(model, rows, pk_map[model])

    for old_pk, old_target in deferred_self_links:
        if old_target is not None:
            Proposal.objects.filter(pk=pk_map[Proposal][old_pk]).update(
                duplicate_of_id=pk_map[Proposal].get(old_target, old_target)
            )
    through = AspectChange.proposals.through
    through.objects.bulk_create(
        [
            through(
                aspectchange_id=pk_map[AspectChange][change_id],
                proposal_id=pk_map[Proposal][proposal_id],
            )
            for change_id, proposal_id in data.get("aspect_change_proposals", [])
        ]
    )
    # The counts the register keeps (#15): a record exported before they existed has no
    # members_count, so those sessions count their rows; first sessions always follow the
    # attendances imported (a member who deleted their data is in neither).
    if any("members_count" not in row for row in data.get("sessions", [])):
        members_counts_refresh(Session.objects.filter(club=club))
    first_sessions_refresh(participants=Participant.objects.filter(club=club))
    _reset_sequences([Club, *(model for _, model in SECTIONS), through])
    club.refresh_from_db()  # its times as restored, not as saving stamped them
    return club


def _restore_automatic_times(model, rows, pk_map) -> None:
    """Saving stamps auto_now(_add) fields with the time of import; put the record's back."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if not fields:
        return
    for row in rows:
        model.objects.filter(pk=pk_map[row["id"]]).update(
            **{f.attname: f.to_python(row[f.attname]) for f in fields if f.attname in row}
        )


def _reset_sequences(model_list) -> None:
    """After explicit primary keys, PostgreSQL's sequences must move past them."""
    statements = connection.ops.sequence_reset_sql(_NoStyle(), model_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text
