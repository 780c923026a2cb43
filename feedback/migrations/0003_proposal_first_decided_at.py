from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def fill_first_decided_at(apps, schema_editor):
    Proposal = apps.get_model("feedback", "Proposal")
    Decision = apps.get_model("feedback", "Decision")
    first = (
        Decision.objects.filter(proposal=OuterRef("pk"))
        .order_by("decided_at", "id")
        .values("decided_at")[:1]
    )
    decided = Exists(Decision.objects.filter(proposal=OuterRef("pk")))
    Proposal.objects.filter(decided).update(first_decided_at=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_indexes_for_scale")]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="first_decided_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_first_decided_at, migrations.RunPython.noop),
    ]
