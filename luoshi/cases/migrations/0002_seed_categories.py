from django.db import migrations


def seed(apps, schema_editor):
    from luoshi.cases.catalogue import load_categories

    load_categories(apps.get_model("cases", "Category"), apps.get_model("cases", "CategoryAttribute"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
