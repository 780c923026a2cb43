"""Club summaries' briefs now keep each club's months (`dashboards.monthly_counts`), so the
county dashboard's trend is added up from them. Summaries saved before lack them: mark
every one out of date, so it is computed again when next read (they are a cache of
`compute()`, nothing is lost)."""

from django.db import migrations


def out_of_date(apps, schema_editor):
    apps.get_model("feedback", "ClubSummary").objects.update(data_version=-1)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0015_clubsummary")]

    operations = [migrations.RunPython(out_of_date, migrations.RunPython.noop)]
