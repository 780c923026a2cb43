"""Routes for a club's outcomes (#15): what its registers show, for coaches, leads and staff."""

from django.urls import path

from feedback.views import outcomes

urlpatterns = [
    path("clubs/<slug:slug>/outcomes/", outcomes.club_outcomes, name="club-outcomes"),
]

# The activity check, on the member's club page.
urlpatterns += [
    path("club/<slug:slug>/activity/", outcomes.activity_check, name="member-activity-check"),
]
