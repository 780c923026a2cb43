"""A new club's aspects used to start as "can change" with no value, room or reason, so
an aspect nobody had declared read as negotiable. They are "not decided yet" now.

- Aspects still in that blank starting state (negotiable, no value, room or reason, and
  no recorded change) become undeclared.
- The first recorded change of an aspect that started that way said the status before
  it was "negotiable": that was the blank default, not a declaration, so its old status
  becomes undeclared. Nothing else in the history changes.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def forwards(apps, schema_editor):
    Aspect = apps.get_model("clubs", "Aspect")
    AspectChange = apps.get_model("clubs", "AspectChange")
    blank = Q(status="negotiable", value="", room="", reason="")
    Aspect.objects.filter(blank).exclude(
        Exists(AspectChange.objects.filter(aspect=OuterRef("pk")))
    ).update(status="undeclared")
    earlier = AspectChange.objects.filter(aspect=OuterRef("aspect")).filter(
        Q(recorded_at__lt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__lt=OuterRef("pk"))
    )
    AspectChange.objects.filter(
        old_status="negotiable", old_value="", old_room="", old_reason=""
    ).exclude(Exists(earlier)).update(old_status="undeclared")


def backwards(apps, schema_editor):
    Aspect = apps.get_model("clubs", "Aspect")
    AspectChange = apps.get_model("clubs", "AspectChange")
    Aspect.objects.filter(status="undeclared").update(status="negotiable", reason="")
    AspectChange.objects.filter(old_status="undeclared").update(old_status="negotiable")
    AspectChange.objects.filter(new_status="undeclared").update(new_status="negotiable")


class Migration(migrations.Migration):
    dependencies = [("clubs", "0006_aspect_undeclared")]

    operations = [migrations.RunPython(forwards, backwards)]
