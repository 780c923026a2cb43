"""Admin for clubs: declarative; aspect history is read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from clubs.models import (
    Aspect,
    AspectChange,
    Club,
    ClubCoach,
    CoachChange,
    District,
    Partner,
    PartnerRole,
    User,
)


class ReadOnlyAdminMixin:
    """For append-only records: visible in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_county_staff", "is_staff", "is_active"]
    list_filter = ["is_county_staff", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name"]}),
        (
            "Roles",
            {"fields": ["is_active", "is_county_staff", "is_staff", "is_superuser", "groups"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "county", "valid_from", "valid_to"]
    list_filter = ["county"]
    search_fields = ["name", "ons_code", "county"]


class PartnerRoleInline(admin.TabularInline):
    model = PartnerRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]
    inlines = [PartnerRoleInline]


class AspectInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Shown, never edited here: an aspect's changes go through `clubs.services.aspect_update`
    (the club's page), which records each one as an AspectChange the indicators read."""

    model = Aspect
    extra = 0
    fields = ["kind", "label", "value", "status", "room", "reason", "order"]
    readonly_fields = fields


class ClubCoachInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Shown, never edited here: coaches are assigned on the club's coaches page, through
    `clubs.services.coach_assign` (a coach of the club's own partner only)."""

    model = ClubCoach
    extra = 0
    fields = ["user"]
    readonly_fields = fields


@admin.register(Club)
class ClubAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "district", "stage", "activity", "is_active"]
    list_filter = ["stage", "district", "is_active"]
    search_fields = ["name", "slug", "partner__name", "activity"]
    list_select_related = ["partner", "district"]
    readonly_fields = ["join_code", "join_code_rotated_at", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ClubCoachInline, AspectInline]


@admin.register(PartnerRole)
class PartnerRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "partner__name"]
    list_select_related = ["user", "partner"]


@admin.register(AspectChange)
class AspectChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["aspect", "club", "old_value", "new_value", "new_status", "effective_date"]
    list_filter = ["new_status"]
    search_fields = ["club__name", "new_value"]
    list_select_related = ["aspect", "club"]


@admin.register(CoachChange)
class CoachChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["club", "coach", "action", "by", "at"]
    list_filter = ["action"]
    search_fields = ["club__name", "coach__email", "by__email"]
    list_select_related = ["club", "coach", "by"]
