"""Routes for coaches and partner leads: moderation, answers, changes, rounds, learning."""

from django.urls import path

from feedback.views import coaches

club = "clubs/<slug:slug>/"
proposal = club + "proposals/<int:pk>/"

urlpatterns = [
    path("coach/needs-you/", coaches.needs_you, name="needs-you"),
    path("coach/weekly-email/", coaches.weekly_digest, name="weekly-digest"),
    path("coach/moderation/", coaches.moderation, name="moderation"),
    path(proposal, coaches.proposal_detail, name="coach-proposal"),
    path(proposal + "publish/", coaches.proposal_publish, name="coach-proposal-publish"),
    path(proposal + "return/", coaches.proposal_return, name="coach-proposal-return"),
    path(proposal + "escalate/", coaches.proposal_escalate, name="coach-proposal-escalate"),
    path(
        proposal + "acknowledge/", coaches.proposal_acknowledge, name="coach-proposal-acknowledge"
    ),
    path(proposal + "decide/", coaches.proposal_decide, name="coach-proposal-decide"),
    path(proposal + "change/", coaches.proposal_change, name="coach-proposal-change"),
    path(proposal + "reopen/", coaches.proposal_reopen, name="coach-proposal-reopen"),
    path(club + "concerns/<int:pk>/handle/", coaches.concern_handle, name="concern-handle"),
    path(club + "rounds/", coaches.rounds, name="rounds"),
    path(club + "rounds/<int:pk>/edit/", coaches.round_edit, name="round-edit"),
    path(club + "rounds/<int:pk>/close/", coaches.round_close, name="round-close"),
    path(club + "participants/", coaches.participants, name="participants"),
    path(
        club + "participants/<int:pk>/block/",
        coaches.participant_block,
        name="participant-block",
    ),
    path(club + "learning/new/", coaches.learning_new, name="learning-new"),
    path(club + "record/", coaches.club_record, name="club-record"),
]
