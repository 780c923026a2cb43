"""Routes for indicators and dashboards (partner leads, Energise Me staff)."""

urlpatterns: list = []
