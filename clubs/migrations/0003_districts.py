"""Loads the 14 districts of Hampshire and the Isle of Wight with their ONS codes."""

from django.db import migrations

DISTRICTS = [
    ("Basingstoke and Deane", "E07000084"),
    ("East Hampshire", "E07000085"),
    ("Eastleigh", "E07000086"),
    ("Fareham", "E07000087"),
    ("Gosport", "E07000088"),
    ("Hart", "E07000089"),
    ("Havant", "E07000090"),
    ("New Forest", "E07000091"),
    ("Rushmoor", "E07000092"),
    ("Test Valley", "E07000093"),
    ("Winchester", "E07000094"),
    ("Portsmouth", "E06000044"),
    ("Southampton", "E06000045"),
    ("Isle of Wight", "E06000046"),
]


def load(apps, schema_editor):
    District = apps.get_model("clubs", "District")
    for name, code in DISTRICTS:
        District.objects.update_or_create(ons_code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("clubs", "District").objects.filter(
        ons_code__in=[code for _, code in DISTRICTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("clubs", "0002_initial")]

    operations = [migrations.RunPython(load, unload)]
