from typing import Any

from django.db import migrations

#: 协调解决企业问题 is counted from the enterprise requests closed in the case loop (小微管家, 一数一源).
CODE = "enterprise_problems_solved"
METRIC = "projects.enterprise_requests_closed"


def bind(apps: Any, schema_editor: Any) -> None:
    apps.get_model("indicators", "Indicator").objects.filter(code=CODE, metric="").update(metric=METRIC)


def unbind(apps: Any, schema_editor: Any) -> None:
    apps.get_model("indicators", "Indicator").objects.filter(code=CODE, metric=METRIC).update(metric="")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0007_computed_from_metrics")]

    operations = [migrations.RunPython(bind, unbind)]
