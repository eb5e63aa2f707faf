"""The default awards (六比六争先, 冲刺单项冠军) and 红黑榜 rules: see luoshi/awards/defaults.py."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from luoshi.awards.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("awards", "AwardType"), apps.get_model("awards", "ListRule"))


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
