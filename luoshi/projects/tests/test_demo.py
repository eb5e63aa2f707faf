"""The demo's 小微管家 (seed 003: 113 requests): filed over the past months, most closed through the case
loop's own services, and counted by the computed indicator 协调解决企业问题 in the months they closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_demo_closes_most_enterprise_requests_and_the_indicator_counts_them(
    demo_org: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from luoshi.cases import demo as cases_demo
    from luoshi.cases import sla
    from luoshi.cases.models import Case, CaseEvent
    from luoshi.core import workdays
    from luoshi.indicators import demo as indicators_demo
    from luoshi.indicators.models import IndicatorValue, Source
    from luoshi.projects import demo as projects_demo

    # The other cases of the demo are not this test's subject: a few are enough for the routes.
    monkeypatch.setattr(cases_demo, "CASES_PER_TOWNSHIP", 2)
    monkeypatch.setattr(cases_demo, "CASES_IN_CHENGDONG", 10)
    cases_demo.load()
    projects_demo.load()
    result = cases_demo.load_enterprise_followup()
    requests = Case.objects.filter(attributes__has_key="enterprise")
    assert requests.count() == 113 == result["enterprise_requests"]
    # Filed over the past eleven months, in office hours; nine in ten settled, the rest still in hand.
    first = requests.order_by("reported_at").first()
    assert first is not None and timezone.now() - first.reported_at > dt.timedelta(days=320)
    closed = requests.filter(status="closed")
    assert 95 <= closed.count() == result["closed"] <= 108
    assert set(requests.exclude(status="closed").values_list("status", flat=True)) <= {
        "accepted", "dispatched", "handling", "handled",
    }  # fmt: skip
    # Each closed request went accept → dispatch → start → reply → verify, in that order and apart in
    # time, replied by the 小微管家 officer and verified by someone else.
    sample = closed.order_by("pk").first()
    assert sample is not None
    timeline = list(CaseEvent.objects.filter(case=sample).order_by("created_at", "pk"))
    assert [e.action for e in timeline] == ["report", "accept", "dispatch", "start", "reply", "verify"]
    assert timeline[-1].created_at - timeline[0].created_at > dt.timedelta(hours=24)
    assert sample.replied_by is not None and sample.replied_by.username == "yx_xwgj"
    assert timeline[-1].actor is not None and timeline[-1].actor.username == "admin"
    assert sample.handling_unit is not None and sample.handling_unit.name == "经济发展办公室"
    # Most were answered inside the category's three working days, a few late: the walk of 2026-12-05
    # found 服务之星 cited for 按时办结 on 6 of 28 requests, every reply 1 to 9 days after filing.
    cal = workdays.calendar()
    replied = [(c.dispatched_at, c.replied_at) for c in requests.filter(replied_at__isnull=False)]
    late = [r for d, r in replied if d is not None and r is not None and r >= sla.deadline(d, 3, 0, cal).due_at]
    assert 1 <= len(late) <= len(replied) // 4, (len(late), len(replied))
    # Loaded once: a second run changes nothing.
    assert cases_demo.load_enterprise_followup() == {"enterprise_requests": 0}

    # 协调解决企业问题 (a cumulative indicator) is computed from them: for 永兴街道, each month's value is the
    # requests closed from 1 January to the end of that month; before this change it read 0.
    indicators_demo.load_computed()
    year, last_month = indicators_demo.demo_period()
    values = {
        v.month: v
        for v in IndicatorValue.objects.filter(unit__code="YX", indicator__code="enterprise_problems_solved", year=year)
    }
    assert set(values) == set(range(1, last_month + 1))
    assert {v.source for v in values.values()} == {Source.COMPUTED}
    local = timezone.get_current_timezone()
    new_year = dt.datetime(year, 1, 1, tzinfo=local)
    for month, value in values.items():
        end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=local)
        assert value.value == closed.filter(closed_at__gte=new_year, closed_at__lt=end).count(), month
    # About three a month settled: by the last month of the demo year, dozens.
    assert values[last_month].value >= 3 * (last_month - 1)


def test_the_demo_leads_history_is_dated_as_each_step_was_taken(
    demo_org: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each lead's history (the activity log the lead page shows) is dated on the lead's own dates,
    not at the moment the demo was loaded."""
    from luoshi.cases import demo as cases_demo
    from luoshi.core.models import ActivityLog
    from luoshi.core.timeutil import today
    from luoshi.projects import demo as projects_demo
    from luoshi.projects.models import Lead

    monkeypatch.setattr(cases_demo, "CASES_PER_TOWNSHIP", 2)
    monkeypatch.setattr(cases_demo, "CASES_IN_CHENGDONG", 10)
    cases_demo.load()
    projects_demo.load()
    day = dt.timedelta(days=1)
    # The first signed lead: found 200 days ago, in talks 50 days later, signed 40 days after that.
    first = Lead.objects.get(name="新能源汽车零部件制造基地")
    assert (today() - first.found_on, first.talks_on, first.signed_on) == (
        200 * day,
        first.found_on + 50 * day,
        first.found_on + 90 * day,
    )
    # The dropped one: found 120 days ago, dropped 45 days later.
    dropped = Lead.objects.get(name="化工原料仓储项目")
    assert (today() - dropped.found_on, dropped.dropped_on) == (120 * day, dropped.found_on + 45 * day)

    def history(lead: Lead) -> dict[str, dt.date]:
        return {e.verb: timezone.localtime(e.created_at).date() for e in ActivityLog.objects.for_object(lead)}

    assert history(first) == {"create": first.found_on, "lead.talk": first.talks_on, "lead.sign": first.signed_on}
    assert history(dropped) == {"create": dropped.found_on, "lead.drop": dropped.dropped_on}
    for lead in Lead.objects.all():
        dates = {"create": lead.found_on, "lead.talk": lead.talks_on, "lead.sign": lead.signed_on}
        assert history(lead) == {verb: on for verb, on in dates.items() if on} | (
            {"lead.drop": lead.dropped_on} if lead.dropped_on else {}
        ), lead.name
        assert timezone.localtime(lead.created_at).date() == lead.found_on
        # In office hours, and never at the moment the demo was loaded.
        assert all(9 <= timezone.localtime(e.created_at).hour <= 16 for e in ActivityLog.objects.for_object(lead))
    assert Lead.objects.count() == 22
    # Loading again changes nothing.
    assert projects_demo.load()["created"] == 0
    assert ActivityLog.objects.filter(verb__startswith="lead.").count() == 10 * 2 + 8 + 1
