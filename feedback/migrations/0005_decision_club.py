import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_club(apps, schema_editor):
    Decision = apps.get_model("feedback", "Decision")
    Proposal = apps.get_model("feedback", "Proposal")
    club = Proposal.objects.filter(pk=OuterRef("proposal_id")).values("club_id")[:1]
    Decision.objects.update(club_id=Subquery(club))


class Migration(migrations.Migration):
    dependencies = [
        ("clubs", "0005_district_county"),
        ("feedback", "0004_record_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="club",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="clubs.club",
            ),
        ),
        migrations.RunPython(fill_club, migrations.RunPython.noop),
    ]
