"""Every write that matters in young people's voice, each in one transaction.

Proposal steps go through `_transition`, which checks `feedback.states` and
writes the `ProposalEvent` in the same transaction, with the proposal's row
locked so two coaches acting at once cannot both succeed.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone

from clubs.models import Aspect, AspectChange, AspectStatus, Club, PartnerRole, User
from clubs.services import aspect_update
from coproduce.tasks import enqueue_with_transaction
from feedback import rules, states
from feedback.models import (
    CHANGE_OUTCOMES,
    AgeBand,
    ClubSummary,
    Concern,
    Decision,
    Learning,
    ListenedAnswer,
    Outcome,
    Participant,
    Proposal,
    ProposalEvent,
    Round,
    State,
    Support,
)
from feedback.push import push_answer
from feedback.words import (
    has_contact_details,
    is_generated_pseudonym,
    join_token_hash,
    legacy_phrase_hash,
    new_participant_key,
    new_recovery_phrase,
    phrase_hash,
    seal_phrase,
    unseal_phrase,
)

Kind = ProposalEvent.Kind


def _now():
    return timezone.now()


def _transition(
    *,
    proposal: Proposal,
    kind: str,
    user: User | None = None,
    participant: Participant | None = None,
    details: dict | None = None,
    at=None,
) -> ProposalEvent:
    """Moves a locked proposal to its next state and records the event."""
    from_state = proposal.state
    proposal.state = states.next_state(kind, from_state)
    ClubSummary.touch(proposal.club_id)
    return ProposalEvent.objects.create(
        proposal=proposal,
        kind=kind,
        from_state=from_state,
        to_state=proposal.state,
        actor_user=user,
        actor_participant=participant,
        at=at or _now(),
        details=details or {},
    )


def _locked(proposal: Proposal) -> Proposal:
    """The proposal's row, locked for the rest of the transaction, fresh from the database."""
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


# --- Participants --------------------------------------------------------------


# How long a double-tapped (or retried) Join may still show the phrase it gave: long enough
# for a slow connection, short enough that a form left in a browser's history is no key.
JOIN_REPLAY_WINDOW = timedelta(minutes=15)


def participant_join(
    *, club: Club, pseudonym: str, age_band: str, client_token: str = ""
) -> tuple[Participant, str]:
    """Adds a young person to a club. Returns the participant and their recovery phrase,
    which is shown once and never stored in the clear.

    The same `client_token` twice (a double tap on Join) makes one member: the second call
    hands back the first's member and the same phrase, unsealed with the token (which
    only the joining browser holds), until the member first opens their club or
    `JOIN_REPLAY_WINDOW` passes; after that it is refused with code "already_joined".
    """
    client_token = (client_token or "")[:64]
    token_hash = join_token_hash(client_token) if client_token else ""
    try:
        return _participant_join(
            club=club,
            pseudonym=pseudonym,
            age_band=age_band,
            client_token=client_token,
            token_hash=token_hash,
        )
    except IntegrityError:
        # A racing twin got past the checks and lost at a unique constraint (the token's
        # or the name's); its transaction is rolled back, so look again at what is stored.
        same = _joined_with(club=club, token_hash=token_hash, pseudonym=pseudonym)
        if same is None:
            raise
        return _join_again(same, client_token=client_token)


def _joined_with(*, club: Club, token_hash: str, pseudonym: str) -> Participant | None:
    """The member joined with this token, else whoever has the name (None if no one)."""
    matches = Q(pseudonym=pseudonym)
    if token_hash:
        matches |= Q(join_token_hash=token_hash)
    found = list(club.participants.filter(matches)[:2])
    for participant in found:
        if token_hash and participant.join_token_hash == token_hash:
            return participant
    if found:
        raise ValidationError(
            "Someone in this club already has that name. Pick another.", code="pseudonym_taken"
        )
    return None


def _join_again(participant: Participant, *, client_token: str) -> tuple[Participant, str]:
    """The second answer to one join: the same member and phrase, or a clear refusal."""
    phrase = unseal_phrase(participant.join_phrase_sealed, client_token=client_token)
    fresh = _now() - participant.joined_at < JOIN_REPLAY_WINDOW
    # The check against the stored hash also covers a phrase replaced since.
    kept = participant.recovery_hash
    if fresh and phrase and phrase_hash(phrase, club_id=participant.club_id) == kept:
        return participant, phrase
    raise ValidationError(
        "You have already joined this club from this page. Get back in with your recovery phrase.",
        code="already_joined",
    )


@transaction.atomic
def _participant_join(
    *, club: Club, pseudonym: str, age_band: str, client_token: str, token_hash: str
) -> tuple[Participant, str]:
    if not club.is_active:
        raise ValidationError("This club isn't taking new members.", code="club_inactive")
    if age_band == AgeBand.UNDER_13:
        raise ValidationError("Coproduce is for people aged 13 and over.", code="under_13")
    if age_band not in AgeBand.values:
        raise ValidationError("Choose your age group.", code="age_band")
    if not is_generated_pseudonym(pseudonym):
        raise ValidationError("Pick one of the suggested names.", code="pseudonym")
    same = _joined_with(club=club, token_hash=token_hash, pseudonym=pseudonym)
    if same is not None:
        return _join_again(same, client_token=client_token)
    phrase, digest = _new_phrase(club_id=club.pk)
    now = _now()
    participant = Participant.objects.create(
        club=club,
        pseudonym=pseudonym,
        age_band=age_band,
        key=new_participant_key(),
        recovery_hash=digest,
        join_token_hash=token_hash,
        join_phrase_sealed=seal_phrase(phrase, client_token=client_token) if client_token else "",
        joined_at=now,
        last_seen_at=now,
        # News from before they joined is not news to them.
        notices_seen_upto=ProposalEvent.objects.aggregate(last=Max("pk"))["last"] or 0,
    )
    ClubSummary.touch(club.pk)
    return participant, phrase


def _new_phrase(*, club_id: int) -> tuple[str, str]:
    """A fresh recovery phrase and its hash (66 bits: a clash is all but impossible,
    and the unique hash column would refuse one)."""
    for _ in range(10):
        phrase = new_recovery_phrase()
        digest = phrase_hash(phrase, club_id=club_id)
        if not Participant.objects.filter(recovery_hash=digest).exists():
            break
    return phrase, digest


def participant_recover(*, club: Club, phrase: str) -> Participant:
    """The member of `club` whose recovery phrase this is. Phrases given before clubs'
    codes were asked for (four words, hashed alone) still work, in their own club only."""
    participant = Participant.objects.filter(
        club=club,
        recovery_hash__in=[phrase_hash(phrase, club_id=club.pk), legacy_phrase_hash(phrase)],
    ).first()
    if participant is None:
        raise ValidationError(
            "That club code and phrase don't go together. Check both and try again.",
            code="unknown_phrase",
        )
    return participant


@transaction.atomic
def participant_new_phrase(*, participant: Participant) -> str:
    """Gives the member a new recovery phrase, shown once; the old one stops working."""
    phrase, digest = _new_phrase(club_id=participant.club_id)
    participant.recovery_hash = digest
    participant.join_phrase_sealed = ""
    participant.save(update_fields=["recovery_hash", "join_phrase_sealed"])
    return phrase


def participant_visit(*, participant: Participant, gap: timedelta = timedelta(hours=1)) -> None:
    """Records a visit (retention counts from the last one).

    Visits closer together than `gap` count as one, so reloading a page writes nothing.
    """
    now = _now()
    if participant.join_phrase_sealed:
        # The member has gone on to their club: a second tap on Join no longer shows the phrase.
        Participant.objects.filter(pk=participant.pk).update(join_phrase_sealed="")
        participant.join_phrase_sealed = ""
    if participant.last_seen_at and now - participant.last_seen_at < gap:
        return
    Participant.objects.filter(pk=participant.pk).update(
        previous_seen_at=F("last_seen_at"), last_seen_at=now
    )
    participant.previous_seen_at, participant.last_seen_at = participant.last_seen_at, now


def notices_mark_seen(*, participant: Participant, upto: int) -> None:
    """The member has seen their answer notice up to event `upto`; it never goes back,
    and never past the news that exists (a forged `upto` cannot hide what comes next)."""
    last = ProposalEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    upto = min(max(upto, participant.notices_seen_upto), last)
    Participant.objects.filter(pk=participant.pk, notices_seen_upto__lt=upto).update(
        notices_seen_upto=upto
    )
    participant.notices_seen_upto = upto


@transaction.atomic
def participant_block(*, participant: Participant, by: User, blocked: bool = True) -> Participant:
    participant.is_blocked = blocked
    participant.blocked_at = _now() if blocked else None
    participant.save(update_fields=["is_blocked", "blocked_at"])
    ClubSummary.touch(participant.club_id)
    return participant


@transaction.atomic
def participant_delete(*, participant: Participant) -> None:
    """Deletes a young person's data. Their supports on open proposals go (counts
    drop); their proposals stay, shown as 'a former member'.

    Exact under concurrency: the participant's row is locked first, so a second request
    for the same person waits and then finds nothing to delete; the ideas' rows are
    locked in one order, so two people deleting at once cannot deadlock.
    """
    if not Participant.objects.select_for_update().filter(pk=participant.pk).exists():
        return  # already deleted by a request that went first
    open_ids = list(
        Support.objects.filter(
            participant=participant, proposal__state__in=rules.OPEN_STATES
        ).values_list("proposal_id", flat=True)
    )
    list(Proposal.objects.select_for_update().filter(pk__in=open_ids).order_by("pk").values("pk"))
    Proposal.objects.filter(pk__in=open_ids).update(support_count=F("support_count") - 1)
    # Supports on decided proposals are kept only as the decision's count.
    Support.objects.filter(participant=participant).delete()
    ClubSummary.touch(participant.club_id)
    participant.delete()


@transaction.atomic
def user_weekly_digest_set(*, user: User, on: bool) -> User:
    """A coach's choice of the Monday 'what needs you' email (reminders of things due
    in two days are not optional: they keep promises to young people)."""
    user.weekly_digest = on
    user.save(update_fields=["weekly_digest"])
    return user


# --- Rounds --------------------------------------------------------------------


def _clean_round(round_: Round) -> Round:
    if round_.aspect_id and round_.aspect.club_id != round_.club_id:
        raise ValidationError({"aspect": "Choose an aspect of this club."}, code="aspect_club")
    round_.full_clean()
    round_.save()
    return round_


@transaction.atomic
def round_create(
    *,
    club: Club,
    by: User,
    question: str,
    opens_on: date,
    closes_on: date,
    aspect: Aspect | None = None,
    description: str = "",
) -> Round:
    return _clean_round(
        Round(
            club=club,
            question=question.strip(),
            description=description.strip(),
            opens_on=opens_on,
            closes_on=closes_on,
            aspect=aspect,
            created_by=by,
        )
    )


@transaction.atomic
def round_update(*, round_: Round, **fields) -> Round:
    for name, value in fields.items():
        setattr(round_, name, value.strip() if isinstance(value, str) else value)
    return _clean_round(round_)


@transaction.atomic
def round_close(*, round_: Round, by: User) -> Round:
    if round_.closed_at is None:
        round_.closed_at = _now()
        round_.save(update_fields=["closed_at"])
    return round_


# --- Proposing and moderation ----------------------------------------------------


def _check_can_post(participant: Participant) -> None:
    if participant.is_blocked:
        raise ValidationError(
            "Your coach has paused posting for you. You can still read everything.",
            code="blocked",
        )


def _check_text(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise ValidationError({"title": "Give your idea a short title."}, code="required")
    if len(title) > 80:
        raise ValidationError({"title": "Keep the title to 80 characters."}, code="max_length")
    if len(text) > 500:
        raise ValidationError({"text": "Keep it to 500 characters."}, code="max_length")
    for value in (title, text):
        if "\x00" in value:
            raise ValidationError("Your text has a character we can't store.", code="null")
    return title, text


def proposal_submit(
    *,
    participant: Participant,
    title: str,
    text: str = "",
    aspect: Aspect | None = None,
    round_: Round | None = None,
    client_token: str = "",
) -> Proposal:
    """A young person's new idea; waits for a coach before anyone else sees it.

    The same `client_token` twice (a double tap) makes one idea: the second call
    hands back the first's.
    """
    # Stored cut to the column's length, so look it up the same way.
    client_token = (client_token or "")[:64]
    try:
        return _proposal_submit(
            participant=participant,
            title=title,
            text=text,
            aspect=aspect,
            round_=round_,
            client_token=client_token,
        )
    except IntegrityError:
        if not client_token:
            raise
        # A second tap raced the first past the check and lost at the unique
        # constraint; its transaction is rolled back, so hand back the stored one.
        # (Caught here rather than in a savepoint that every idea would pay for.)
        return Proposal.objects.get(author=participant, client_token=client_token)


@transaction.atomic
def _proposal_submit(
    *,
    participant: Participant,
    title: str,
    text: str,
    aspect: Aspect | None,
    round_: Round | None,
    client_token: str,
) -> Proposal:
    _check_can_post(participant)
    title, text = _check_text(title, text)
    club = participant.club
    if aspect is not None and aspect.club_id != club.pk:
        raise ValidationError({"aspect": "Choose something about your club."}, code="aspect_club")
    if round_ is not None:
        if round_.club_id != club.pk:
            raise ValidationError({"round": "Choose a question of your club."}, code="round_club")
        if not round_.is_open(timezone.localdate()):
            raise ValidationError(
                {"round": "That question has closed. You can still share your idea on its own."},
                code="round_closed",
            )
    # One query for both: is this a second tap, and how many ideas today?
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = Q(submitted_at__gte=today_start)
    wanted, aggregates = today, {"today": Count("pk", filter=today)}
    if client_token:
        same = Q(client_token=client_token)
        wanted, aggregates["same"] = today | same, Max("pk", filter=same)
    seen = participant.proposals.filter(wanted).aggregate(**aggregates)
    if seen.get("same"):
        return Proposal.objects.get(pk=seen["same"])
    limit = settings.COPRODUCE["PROPOSALS_PER_DAY"]
    if seen["today"] >= limit:
        raise ValidationError(
            "You've shared %(limit)s ideas today - that's the most for one day. "
            "Come back tomorrow with more!",
            code="daily_limit",
            params={"limit": limit},
        )
    proposal = Proposal(
        club=club,
        author=participant,
        aspect=aspect,
        aspect_status_at_submission=aspect.status if aspect else "",
        round=round_,
        title=title,
        text=text,
        client_token=client_token,
        state=states.next_state(Kind.SUBMITTED, ""),
        flagged_contact_details=has_contact_details(title, text),
        submitted_at=_now(),
    )
    proposal.save()
    ClubSummary.touch(club.pk)
    ProposalEvent.objects.create(
        proposal=proposal,
        kind=Kind.SUBMITTED,
        from_state="",
        to_state=proposal.state,
        actor_participant=participant,
        at=proposal.submitted_at,
        details={"flagged_contact_details": proposal.flagged_contact_details},
    )
    return proposal


@transaction.atomic
def proposal_resubmit(
    *,
    proposal: Proposal,
    participant: Participant,
    title: str,
    text: str = "",
    aspect: Aspect | None = None,
) -> Proposal:
    """The author edits a returned idea and sends it back to the coach."""
    _check_can_post(participant)
    proposal = _locked(proposal)
    if proposal.author_id != participant.pk:
        raise ValidationError("Only the author can change this idea.", code="not_author")
    title, text = _check_text(title, text)
    if aspect is not None and aspect.club_id != proposal.club_id:
        raise ValidationError({"aspect": "Choose something about your club."}, code="aspect_club")
    _transition(proposal=proposal, kind=Kind.RESUBMITTED, participant=participant)
    proposal.title, proposal.text, proposal.aspect = title, text, aspect
    proposal.aspect_status_at_submission = aspect.status if aspect else ""
    proposal.flagged_contact_details = has_contact_details(title, text)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_publish(*, proposal: Proposal, by: User) -> Proposal:
    proposal = _locked(proposal)
    event = _transition(proposal=proposal, kind=Kind.PUBLISHED, user=by)
    proposal.published_at = event.at
    proposal.save(update_fields=["state", "published_at", "updated_at"])
    return proposal


@transaction.atomic
def proposal_return(*, proposal: Proposal, by: User, reason: str) -> Proposal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Tell the author why, so they can change it."}, code="required"
        )
    proposal = _locked(proposal)
    _transition(proposal=proposal, kind=Kind.RETURNED, user=by, details={"reason": reason})
    proposal.return_reason = reason
    proposal.save(update_fields=["state", "return_reason", "updated_at"])
    return proposal


@transaction.atomic
def proposal_escalate(*, proposal: Proposal, by: User) -> Proposal:
    """A safeguarding concern: never published; only the fact and time are kept here."""
    proposal = _locked(proposal)
    event = _transition(proposal=proposal, kind=Kind.ESCALATED, user=by)
    proposal.escalated_at = event.at
    proposal.save(update_fields=["state", "escalated_at", "updated_at"])
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, participant: Participant) -> Proposal:
    proposal = _locked(proposal)
    if proposal.author_id != participant.pk:
        raise ValidationError("Only the author can withdraw this idea.", code="not_author")
    _transition(proposal=proposal, kind=Kind.WITHDRAWN, participant=participant)
    proposal.save(update_fields=["state", "updated_at"])
    return proposal


# --- Supporting ------------------------------------------------------------------


@transaction.atomic
def support_set(
    *, proposal: Proposal, participant: Participant, supporting: bool = True
) -> tuple[bool, int]:
    """Sets whether the participant supports the idea. Returns (supporting now, count).

    Idempotent: the same request twice (a double tap, a stale page in a second tab)
    leaves what the person asked for, never its reverse.
    """
    _check_can_post(participant)
    # The row locked, with only what the checks and the count need: until the
    # commit no one else can change its count, so the new one is known without
    # reading it back.
    proposal = (
        Proposal.objects.select_for_update()
        .only("club_id", "author_id", "state", "support_count")
        .get(pk=proposal.pk)
    )
    if proposal.club_id != participant.club_id:
        raise ValidationError("You can only support ideas in your club.", code="other_club")
    if proposal.author_id == participant.pk:
        raise ValidationError("It's your idea - others can support it.", code="own_proposal")
    if not rules.is_open(proposal.state):
        raise ValidationError(
            "This idea has been decided, so supports are closed.", code="not_open"
        )
    # The idea's row is locked, so no other request of this person can add or remove
    # their support between this check and the write.
    if supporting:
        mine = Support.objects.filter(proposal=proposal, participant=participant)
        step = 0 if mine.exists() else 1
        if step:
            Support.objects.create(proposal=proposal, participant=participant)
    else:
        deleted, _ = Support.objects.filter(proposal=proposal, participant=participant).delete()
        step = -1 if deleted else 0
    if step:
        Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + step)
        ClubSummary.touch(proposal.club_id)
    return supporting, proposal.support_count + step


# --- Acting on it ------------------------------------------------------------------


@transaction.atomic
def proposal_acknowledge(
    *, proposal: Proposal, by: User, decider: str, decide_by: date | None
) -> Proposal:
    """A coach has read it and says who decides and by when."""
    from feedback.models import Decider

    if decider not in Decider.values:
        raise ValidationError({"decider": "Say who decides."}, code="decider")
    if decide_by is None:
        raise ValidationError({"decide_by": "Say by when it will be decided."}, code="required")
    proposal = _locked(proposal)
    today = timezone.localdate()
    if decide_by < today:
        raise ValidationError({"decide_by": "Choose a date from today on."}, code="past")
    _check_club_can_keep(proposal.club, "decide_by", decide_by, today)
    event = _transition(
        proposal=proposal,
        kind=Kind.ACKNOWLEDGED,
        user=by,
        details={"decider": decider, "decide_by": decide_by.isoformat()},
    )
    proposal.acknowledged_at = proposal.acknowledged_at or event.at
    proposal.decider, proposal.decide_by = decider, decide_by
    proposal.save(update_fields=["state", "acknowledged_at", "decider", "decide_by", "updated_at"])
    return proposal


def _check_club_can_keep(club: Club, field: str, day: date, today: date) -> None:
    """Dates young people are given stay within what the club can still do (`rules`)."""
    if message := rules.too_late_message(club, field, day, today):
        raise ValidationError({field: ValidationError(message, code="after_funding")})


@transaction.atomic
def proposal_decide(
    *,
    proposal: Proposal,
    by: User,
    outcome: str,
    answer: str,
    reason: str = "",
    deferred_until: date | None = None,
    not_possible_aspect: Aspect | None = None,
    duplicate_of: Proposal | None = None,
    promised_by: date | None = None,
    change_aspect: Aspect | None = None,
    change_value: str = "",
    change_effective: date | None = None,
) -> Decision:
    """Records the club's decision and its public answer; keeps the supports at that moment.

    A decision is complete or refused: an adopted, adapted or trial idea either has its
    change recorded now (`change_*`: the idea is then done) or a promised-by date within
    the club's funding and sustain period; a deferral has its date, within the funding.
    """
    answer, reason = (answer or "").strip(), (reason or "").strip()
    change_value = (change_value or "").strip()
    has_change = bool(change_aspect or change_value or change_effective)
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose what you decided."
    if not answer:
        errors["answer"] = "Write an answer for the young people: they will read it."
    if outcome == Outcome.DEFERRED and deferred_until is None:
        errors["deferred_until"] = "Say when it will be looked at again."
    if outcome == Outcome.NOT_POSSIBLE and not_possible_aspect is None:
        errors["not_possible_aspect"] = "Name the fixed aspect that makes it not possible."
    if outcome == Outcome.NOT_ADOPTED and not rules.is_real_reason(reason, answer):
        errors["reason"] = "Give a real reason, at least one full sentence."
    if outcome == Outcome.DUPLICATE and duplicate_of is None:
        errors["duplicate_of"] = "Choose the idea this one duplicates."
    today = timezone.localdate()
    if outcome == Outcome.DEFERRED and deferred_until is not None and deferred_until <= today:
        errors["deferred_until"] = "Choose a date after today."
    if outcome in CHANGE_OUTCOMES and promised_by is not None and promised_by < today:
        errors["promised_by"] = "Choose a date from today on."
    if has_change and outcome not in CHANGE_OUTCOMES:
        errors["change_aspect"] = "A change is recorded only for adopted, adapted or trial ideas."
    elif has_change and not (change_aspect and change_value and change_effective):
        errors["change_aspect"] = (
            "To record the change, give the aspect, its new value and the date."
        )
    elif outcome in CHANGE_OUTCOMES and not has_change and promised_by is None:
        errors["promised_by"] = (
            "Say by when the change will happen, or record it now: "
            "the young people will read the date."
        )
    if errors:
        raise ValidationError(errors, code="invalid_decision")

    proposal = _locked(proposal)
    if outcome == Outcome.DEFERRED:
        _check_club_can_keep(proposal.club, "deferred_until", deferred_until, today)
    if outcome in CHANGE_OUTCOMES and promised_by is not None and not has_change:
        _check_club_can_keep(proposal.club, "promised_by", promised_by, today)
    if duplicate_of is not None:
        duplicate_of = _locked(duplicate_of)
    if not_possible_aspect is not None and not_possible_aspect.club_id != proposal.club_id:
        raise ValidationError(
            {"not_possible_aspect": "Choose an aspect of this club."}, code="aspect_club"
        )
    if duplicate_of is not None and (
        duplicate_of.club_id != proposal.club_id
        or duplicate_of.pk == proposal.pk
        # Members must be able to read the idea they are pointed to.
        or duplicate_of.published_at is None
        or duplicate_of.state == State.ESCALATED
    ):
        raise ValidationError(
            {"duplicate_of": "Choose another idea of this club."}, code="duplicate_club"
        )
    was_negotiable = False
    status_when_proposed = ""
    if outcome == Outcome.NOT_POSSIBLE:
        status_when_proposed = rules.aspect_status_at(not_possible_aspect, proposal.submitted_at)
        was_negotiable = status_when_proposed == AspectStatus.NEGOTIABLE

    event = _transition(
        proposal=proposal,
        kind=Kind.DECIDED,
        user=by,
        details={
            "outcome": outcome,
            "supports": proposal.support_count,
            "moving_goalposts": was_negotiable,
        },
    )
    decision = Decision.objects.create(
        proposal=proposal,
        club_id=proposal.club_id,
        outcome=outcome,
        answer=answer,
        reason=reason,
        deferred_until=deferred_until if outcome == Outcome.DEFERRED else None,
        promised_by=promised_by if outcome in CHANGE_OUTCOMES and not has_change else None,
        not_possible_aspect=not_possible_aspect if outcome == Outcome.NOT_POSSIBLE else None,
        aspect_status_when_proposed=status_when_proposed,
        moving_goalposts=was_negotiable,
        duplicate_of=duplicate_of if outcome == Outcome.DUPLICATE else None,
        supports_at_decision=proposal.support_count,
        decided_by=by,
        decided_at=event.at,
    )
    proposal.outcome, proposal.answer, proposal.decided_at = outcome, answer, event.at
    if proposal.first_decided_at is None:
        proposal.first_decided_at = event.at
    proposal.deferred_until = decision.deferred_until
    proposal.promised_by = decision.promised_by
    proposal.duplicate_of = decision.duplicate_of
    proposal.save()
    if outcome == Outcome.DUPLICATE:
        _merge_supports(source=proposal, target=duplicate_of, by=by)
    if has_change:
        change_record(
            aspect=change_aspect,
            by=by,
            new_value=change_value,
            effective_date=change_effective,
            proposals=[proposal],
        )
    push_answer(proposal=proposal)
    return decision


def _merge_supports(*, source: Proposal, target: Proposal, by: User) -> None:
    """Carries supporters (and the author) of a duplicate over, counting each person once."""
    target = _locked(target)
    already = set(target.supports.values_list("participant_id", flat=True))
    carried = [
        pid
        for pid in source.supports.values_list("participant_id", flat=True)
        if pid not in already and pid != target.author_id
    ]
    if (
        source.author_id
        and source.author_id not in already
        and source.author_id != target.author_id
    ):
        carried.append(source.author_id)
    carried = list(dict.fromkeys(carried))
    if not rules.is_open(target.state):
        # Supports on a decided idea are closed: nobody is carried over.
        carried = []
    if carried:
        Support.objects.bulk_create(
            [Support(proposal=target, participant_id=pid) for pid in carried],
            ignore_conflicts=True,
        )
        target.support_count = target.supports.count()
        target.save(update_fields=["support_count"])
    ProposalEvent.objects.create(
        proposal=source,
        kind=Kind.MERGED,
        from_state=source.state,
        to_state=source.state,
        actor_user=by,
        details={"into": target.pk, "supporters_carried": len(carried)},
    )


@transaction.atomic
def proposal_reopen(*, proposal: Proposal, by: User, note: str = "") -> Proposal:
    """Looks at a decided idea again (e.g. a deferral's date has come); it can be decided anew."""
    proposal = _locked(proposal)
    _transition(proposal=proposal, kind=Kind.REOPENED, user=by, details={"note": note.strip()})
    proposal.outcome, proposal.answer, proposal.decided_at = "", "", None
    proposal.deferred_until = proposal.promised_by = None
    proposal.duplicate_of = None
    proposal.save()
    return proposal


@transaction.atomic
def change_record(
    *,
    aspect: Aspect,
    by: User,
    new_value: str,
    effective_date: date,
    proposals: Iterable[Proposal] = (),
    note: str = "",
) -> AspectChange:
    """Records the actual change to a club made because of proposals; those become done."""
    proposals = [_locked(p) for p in proposals]
    for proposal in proposals:
        if proposal.club_id != aspect.club_id:
            raise ValidationError("Link only ideas of this club.", code="other_club")
        if proposal.state != State.DECIDED or proposal.outcome not in CHANGE_OUTCOMES:
            raise ValidationError(
                "Only adopted, adapted or trial ideas lead to a change.", code="not_adopted"
            )
    change = aspect_update(
        aspect=aspect,
        by=by,
        value=new_value,
        effective_date=effective_date,
        note=note,
        proposals=proposals,
    )
    if change is None:
        raise ValidationError(
            {"new_value": "That is already the current value: enter the new one."},
            code="unchanged",
        )
    for proposal in proposals:
        ProposalEvent.objects.create(
            proposal=proposal,
            kind=Kind.CHANGE_RECORDED,
            from_state=proposal.state,
            to_state=proposal.state,
            actor_user=by,
            details={
                "change": change.pk,
                "aspect": aspect.name,
                "new_value": change.new_value,
                "effective_date": effective_date.isoformat(),
            },
        )
        event = _transition(proposal=proposal, kind=Kind.DONE, user=by)
        proposal.done_at = event.at
        proposal.save(update_fields=["state", "done_at", "updated_at"])
    return change


@transaction.atomic
def listened_answer_record(
    *, proposal: Proposal, participant: Participant, answer: str, comment: str = ""
) -> ListenedAnswer:
    """The author's one answer to "Did you feel listened to?", after a decision."""
    _check_can_post(participant)
    proposal = _locked(proposal)
    if proposal.author_id != participant.pk:
        raise ValidationError("Only the author is asked this.", code="not_author")
    if proposal.decided_at is None:
        raise ValidationError("You can answer once your idea is decided.", code="not_decided")
    if ListenedAnswer.objects.filter(proposal=proposal).exists():
        raise ValidationError("You've already answered - thank you!", code="already")
    if answer not in ListenedAnswer.Answer.values:
        raise ValidationError({"answer": "Choose yes, partly or no."}, code="answer")
    comment = (comment or "").strip()
    if len(comment) > 500 or "\x00" in comment:
        raise ValidationError({"comment": "Keep it to 500 characters."}, code="max_length")
    listened = ListenedAnswer.objects.create(proposal=proposal, answer=answer, comment=comment)
    ClubSummary.touch(proposal.club_id)
    ProposalEvent.objects.create(
        proposal=proposal,
        kind=Kind.LISTENED,
        from_state=proposal.state,
        to_state=proposal.state,
        actor_participant=participant,
        details={"answer": answer},
    )
    return listened


# --- Safeguarding and learning ------------------------------------------------------


def concern_recipients(*, club: Club) -> tuple[str, list[str]]:
    """Who is emailed about a concern in `club`: ("coaches", their emails), or the
    partner's leads when the club has no active coach, or ("", []) when nobody can be."""
    coaches = list(
        club.coach_assignments.filter(user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if coaches:
        return "coaches", coaches
    leads = list(
        PartnerRole.objects.filter(
            partner_id=club.partner_id, role=PartnerRole.Role.LEAD, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return ("leads", leads) if leads else ("", [])


CONCERN_ALERT_ATTEMPTS = 5


def concern_alert_send(*, concern_id: int) -> str:
    """Emails a concern's alert (no words of the concern itself: they stay in Coproduce).

    A failed send is recorded on the concern ("Needs you" shows it) and tried again
    later, with a growing wait, where the task backend can defer; at most
    `CONCERN_ALERT_ATTEMPTS` times in all.
    """
    concern = Concern.objects.select_related("club").filter(pk=concern_id).first()
    if concern is None or concern.alerted_at is not None:
        return "nothing to send"
    alert_to, emails = concern_recipients(club=concern.club)
    if not emails:
        Concern.objects.filter(pk=concern.pk).update(alert_to="")
        return "nobody to tell"
    club = concern.club
    try:
        send_mail(
            subject=f"Concern reported in {club.name}",
            message=(
                f"A member of {club.name} has reported a concern.\n"
                f"Read it and act on it in Coproduce: {_site_url(reverse('feedback:needs-you'))}\n"
                "If a young person is in danger, call 999."
            ),
            from_email=None,
            recipient_list=emails,
        )
    except Exception as error:  # any failure of the mail server: record, retry
        attempts = concern.alert_attempts + 1
        Concern.objects.filter(pk=concern.pk).update(
            alert_to=alert_to, alert_attempts=attempts, alert_error=str(error)[:200]
        )
        if attempts < CONCERN_ALERT_ATTEMPTS:
            from feedback.tasks import concern_alert_send as task

            if task.get_backend().supports_defer:
                wait = timedelta(minutes=5 * 2 ** (attempts - 1))
                task.using(run_after=_now() + wait).enqueue(concern.pk)
        return "failed"
    Concern.objects.filter(pk=concern.pk).update(
        alert_to=alert_to, alerted_at=_now(), alert_error=""
    )
    return "sent"


def _site_url(path: str) -> str:
    """A full link for an email (the one link an email holds)."""
    return settings.SITE_URL.rstrip("/") + path


def concern_report(
    *, participant: Participant, text: str, proposal: Proposal | None = None, client_token: str = ""
) -> Concern:
    """Records a young person's concern and emails the club's coaches.

    The same `client_token` twice (a double tap) records one concern and sends one email.
    """
    client_token = (client_token or "")[:64]
    try:
        return _concern_report(
            participant=participant, text=text, proposal=proposal, client_token=client_token
        )
    except IntegrityError:
        if not client_token:
            raise
        # A racing second tap lost at the unique constraint, after its rollback.
        return Concern.objects.get(participant=participant, client_token=client_token)


@transaction.atomic
def _concern_report(
    *, participant: Participant, text: str, proposal: Proposal | None, client_token: str
) -> Concern:
    if client_token:
        same = Concern.objects.filter(participant=participant, client_token=client_token).first()
        if same is not None:
            return same
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Tell us what is wrong."}, code="required")
    if len(text) > 2000 or "\x00" in text:
        raise ValidationError({"text": "Keep it to 2,000 characters."}, code="max_length")
    if proposal is not None and proposal.club_id != participant.club_id:
        proposal = None
    alert_to, _emails = concern_recipients(club=participant.club)
    concern = Concern.objects.create(
        club=participant.club,
        participant=participant,
        proposal=proposal,
        text=text,
        alert_to=alert_to,
        client_token=client_token,
    )
    if alert_to:
        from feedback.tasks import concern_alert_send

        enqueue_with_transaction(concern_alert_send, concern.pk)
    return concern


@transaction.atomic
def concern_handle(*, concern: Concern, by: User, note: str = "") -> Concern:
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.handled_at is not None:
        raise ValidationError("This concern has already been handled.", code="already_handled")
    concern.handled_at = _now()
    concern.handled_by = by
    concern.handled_note = (note or "").strip()
    concern.save(update_fields=["handled_at", "handled_by", "handled_note"])
    return concern


@transaction.atomic
def learning_record(
    *,
    club: Club,
    by: User,
    getting: str = "",
    learning: str = "",
    acting: str = "",
    round_: Round | None = None,
    proposal: Proposal | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Learning:
    getting, learning, acting = (
        (getting or "").strip(),
        (learning or "").strip(),
        (acting or "").strip(),
    )
    if not (getting or learning or acting):
        raise ValidationError("Answer at least one of the three questions.", code="empty")
    if (round_ is not None and round_.club_id != club.pk) or (
        proposal is not None and proposal.club_id != club.pk
    ):
        raise ValidationError("Link only a question or idea of this club.", code="other_club")
    if period_start and period_end and period_end < period_start:
        raise ValidationError(
            {"period_end": "The period must end after it starts."}, code="period_order"
        )
    note = Learning(
        club=club,
        round=round_,
        proposal=proposal,
        getting=getting,
        learning=learning,
        acting=acting,
        period_start=period_start,
        period_end=period_end,
        recorded_by=by,
    )
    note.full_clean()
    note.save()
    return note


# --- Outcomes (#15): the activity check --------------------------------------------------


@transaction.atomic
def activity_answer_record(*, participant: Participant, days: int | None):
    """Keeps a member's answer to the activity check (`days` 0-7, or None: "I'd rather not
    say"). Only when the check is due (`rules.activity_check_due`): a second tap, or a
    replayed form, keeps the first answer and stores nothing more."""
    from feedback.models import ActivityAnswer

    if days is not None and not 0 <= days <= 7:
        raise ValidationError("Choose a number of days from 0 to 7.", code="days")
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    last = ActivityAnswer.objects.filter(participant=participant).order_by("-answered_at").first()
    if last is not None and not rules.activity_check_due(last.answered_at, _now()):
        return last
    answer = ActivityAnswer.objects.create(participant=participant, days=days, answered_at=_now())
    ClubSummary.touch(participant.club_id)  # the club's outcomes count it
    return answer
