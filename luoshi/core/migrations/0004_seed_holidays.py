from django.db import migrations


def seed(apps, schema_editor):
    from luoshi.core.workdays import load_seed

    CalendarDay = apps.get_model("core", "CalendarDay")
    holidays, workdays = load_seed()
    rows = [CalendarDay(date=d, is_working_day=False, name=n, source=s) for d, n, s in holidays]
    rows += [CalendarDay(date=d, is_working_day=True, name=n, source=s) for d, n, s in workdays]
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([r for r in rows if r.date not in existing])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendarday")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
