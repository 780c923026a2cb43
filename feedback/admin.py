"""Admin for young people's voice. Events, decisions and listened-to answers are read-only."""

from django.contrib import admin

from clubs.admin import ReadOnlyAdminMixin
from feedback import services
from feedback.models import (
    Concern,
    Decision,
    Learning,
    ListenedAnswer,
    Participant,
    Proposal,
    ProposalEvent,
    Round,
    Support,
)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "club", "age_band", "is_blocked", "joined_at"]
    list_filter = ["age_band", "is_blocked"]
    search_fields = ["pseudonym", "club__name"]
    list_select_related = ["club"]
    exclude = ["key", "recovery_hash", "join_token_hash", "join_phrase_sealed"]
    # Blocking goes through the service (it sets blocked_at): the actions below.
    readonly_fields = ["is_blocked", "blocked_at"]
    actions = ["block", "unblock"]

    @admin.action(description="Block the selected members")
    def block(self, request, queryset):
        for participant in queryset:
            services.participant_block(participant=participant, by=request.user, blocked=True)

    @admin.action(description="Unblock the selected members")
    def unblock(self, request, queryset):
        for participant in queryset:
            services.participant_block(participant=participant, by=request.user, blocked=False)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["question", "club", "opens_on", "closes_on", "closed_at"]
    search_fields = ["question", "club__name"]
    list_select_related = ["club"]


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProposalEvent
    extra = 0
    fields = ["kind", "from_state", "to_state", "actor_user", "actor_participant", "at", "details"]
    readonly_fields = fields


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Proposals change state only through the app's services, which log every step."""

    list_display = ["title", "club", "state", "outcome", "support_count", "submitted_at"]
    list_filter = ["state", "outcome", "flagged_contact_details"]
    search_fields = ["title", "club__name"]
    list_select_related = ["club"]
    inlines = [EventInline]


@admin.register(ProposalEvent)
class ProposalEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["proposal", "kind", "from_state", "to_state", "at"]
    list_filter = ["kind"]
    list_select_related = ["proposal"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["proposal", "outcome", "moving_goalposts", "supports_at_decision", "decided_at"]
    list_filter = ["outcome", "moving_goalposts"]
    list_select_related = ["proposal"]


@admin.register(ListenedAnswer)
class ListenedAnswerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["proposal", "answer", "at"]
    list_filter = ["answer"]


@admin.register(Support)
class SupportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["proposal", "participant", "created_at"]
    list_select_related = ["proposal", "participant"]


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["club", "reported_at", "handled_at"]
    list_select_related = ["club"]
    readonly_fields = ["club", "participant", "proposal", "text", "reported_at"]


@admin.register(Learning)
class LearningAdmin(admin.ModelAdmin):
    list_display = ["club", "recorded_by", "recorded_at"]
    list_select_related = ["club", "recorded_by"]
