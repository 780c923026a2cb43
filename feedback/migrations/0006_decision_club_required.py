import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from 0005: PostgreSQL refuses to alter a table with the foreign key checks of
    # the rows 0005 filled still pending in the same transaction.
    dependencies = [("feedback", "0005_decision_club")]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="club",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="clubs.club",
            ),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["club", "decided_at"], name="decision_club_decided_at"),
        ),
    ]
