"""The 企业服务（小微管家） category asks for the enterprise's unified social credit code.

The answer links a case to an enterprise of the projects app (through luoshi.core.links),
so an enterprise's requests are counted from the case loop. ``load_categories`` adds only
what is missing, so this is safe on any database.
"""

from typing import Any

from django.db import migrations


def add_question(apps: Any, schema_editor: Any) -> None:
    from luoshi.cases.catalogue import load_categories

    load_categories(apps.get_model("cases", "Category"), apps.get_model("cases", "CategoryAttribute"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_intake_indexes")]

    operations = [migrations.RunPython(add_question, migrations.RunPython.noop)]
