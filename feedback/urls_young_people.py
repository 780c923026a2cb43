"""Routes for young people (participants): joining, their club, ideas, their data."""

from django.urls import path

from feedback.views import young_people as v

urlpatterns = [
    path("join/", v.join, name="join"),
    path("join/recover/", v.join_recover, name="join-recover"),
    path("join/<str:code>/", v.join_code, name="join-code"),
    path("my/", v.my_clubs, name="my-clubs-member"),
    path("club/<slug:slug>/", v.member_home, name="member-home"),
    path("club/<slug:slug>/news/seen/", v.notices_seen, name="member-notices-seen"),
    path("club/<slug:slug>/new-phrase/", v.member_new_phrase, name="member-new-phrase"),
    path("club/<slug:slug>/push/", v.push_subscribe, name="member-push-subscribe"),
    path("club/<slug:slug>/push/off/", v.push_unsubscribe, name="member-push-unsubscribe"),
    path("sw.js", v.service_worker, name="service-worker"),
    path("manifest.webmanifest", v.manifest, name="manifest"),
    path("club/<slug:slug>/propose/", v.member_propose, name="member-propose"),
    path("club/<slug:slug>/ideas/<int:pk>/", v.proposal_detail, name="proposal-detail"),
    path("club/<slug:slug>/ideas/<int:pk>/edit/", v.proposal_edit, name="proposal-edit"),
    path(
        "club/<slug:slug>/ideas/<int:pk>/withdraw/", v.proposal_withdraw, name="proposal-withdraw"
    ),
    path("club/<slug:slug>/ideas/<int:pk>/support/", v.proposal_support, name="proposal-support"),
    path(
        "club/<slug:slug>/ideas/<int:pk>/support/withdraw/",
        v.proposal_unsupport,
        name="proposal-unsupport",
    ),
    path(
        "club/<slug:slug>/ideas/<int:pk>/listened/", v.proposal_listened, name="proposal-listened"
    ),
    path("club/<slug:slug>/concern/", v.member_concern, name="member-concern"),
    path("club/<slug:slug>/my-data/", v.my_data, name="member-my-data"),
    path("club/<slug:slug>/my-data/download/", v.my_data_download, name="member-my-data-download"),
    path("club/<slug:slug>/my-data/delete/", v.my_data_delete, name="member-my-data-delete"),
]
