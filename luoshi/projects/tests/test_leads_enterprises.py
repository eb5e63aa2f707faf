"""招商 pipeline (leads → 在谈 → 签约 → 落地 → 投产, a signed lead becomes a project) and enterprises."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from luoshi.core import links
from luoshi.core.errors import Conflict, NotFound, ValidationFailed
from luoshi.projects import selectors, services
from luoshi.projects.models import Enterprise, Lead
from luoshi.projects.tests.factories import Scene

pytestmark = pytest.mark.django_db

CODE = "91110000600037341L"


def lead(s: Scene, **overrides: Any) -> Lead:
    values: dict[str, Any] = {
        "name": "新能源零部件基地", "unit": s.tree["dept"], "cadre": s.staff_person, "amount": "82000",
        "found_on": dt.date(2026, 1, 5), "investor": "某集团", "sector": "汽车零部件",
    }  # fmt: skip
    values.update(overrides)
    return services.lead_create(actor=values.pop("actor", s.staff), data=services.LeadData(**values))


def enterprise(s: Scene, code: str = CODE) -> Enterprise:
    return services.enterprise_create(
        actor=s.leader,
        data=services.EnterpriseData(name="凤山新材料", credit_code=code, unit=s.tree["a"], above_scale=True),
    )


def test_a_lead_goes_from_found_to_a_registry_project(s: Scene, fixed_today: dt.date) -> None:
    item = lead(s)
    with pytest.raises(Conflict):  # not signed yet
        services.lead_to_project(actor=s.staff, lead=item)
    item = services.lead_step(actor=s.staff, lead=item, action="talk", on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationFailed):  # a step dated before the one before it
        services.lead_step(actor=s.staff, lead=item, action="sign", on=dt.date(2026, 1, 20))
    item = services.lead_step(actor=s.staff, lead=item, action="sign", on=dt.date(2026, 3, 2))
    assert (item.stage, item.talks_on, item.signed_on) == ("signed", dt.date(2026, 2, 1), dt.date(2026, 3, 2))
    project = services.lead_to_project(actor=s.staff, lead=item)
    item.refresh_from_db()
    assert item.project == project
    assert (project.name, project.total_investment, project.stage, project.unit) == (
        "新能源零部件基地",
        Decimal("82000.00"),
        "signed",
        s.tree["dept"],
    )
    with pytest.raises(Conflict):  # one project per lead
        services.lead_to_project(actor=s.staff, lead=item)


def test_dropping_needs_a_reason_and_reviving_starts_over(s: Scene, fixed_today: dt.date) -> None:
    item = lead(s)
    with pytest.raises(ValidationFailed):
        services.lead_step(actor=s.staff, lead=item, action="drop")
    item = services.lead_step(actor=s.staff, lead=item, action="drop", comment="不符合产业导向")
    assert (item.stage, item.dropped_on) == ("dropped", fixed_today)
    with pytest.raises(Conflict):
        services.lead_step(actor=s.staff, lead=item, action="sign")
    item = services.lead_step(actor=s.staff, lead=item, action="revive", comment="重新接洽")
    assert (item.stage, item.dropped_on) == ("lead", None)


def test_any_cadre_may_own_a_lead_and_sees_it(s: Scene, fixed_today: dt.date) -> None:
    # 全员招商: the leader of 乙 owns a lead registered in 甲's department.
    item = lead(s, actor=s.leader, cadre=s.linked_person)
    assert selectors.access_lead(s.linked, item.pk) == item
    services.lead_step(actor=s.linked, lead=item, action="talk")
    with pytest.raises(NotFound):
        selectors.access_lead(s.outsider, item.pk)


def test_funnel_and_tallies(s: Scene, fixed_today: dt.date) -> None:
    a = lead(s, name="甲", amount="100")
    b = lead(s, name="乙", amount="200", cadre=s.leader_person, actor=s.leader)
    c = lead(s, name="丙", amount="400")
    lead(s, name="丁", amount="800")
    for item in (a, b, c):
        services.lead_step(actor=s.leader, lead=item, action="talk")
    for item in (a, b):
        services.lead_step(actor=s.leader, lead=item, action="sign")
    services.lead_step(actor=s.leader, lead=a, action="land")
    base = selectors.filtered_leads(s.leader)
    assert [(f.stage, f.count, f.amount) for f in selectors.funnel(base)] == [
        ("lead", 4, Decimal("1500.00")),
        ("talks", 3, Decimal("700.00")),
        ("signed", 2, Decimal("300.00")),
        ("landed", 1, Decimal("100.00")),
        ("operating", 0, Decimal("0")),
    ]
    by_unit, by_cadre = selectors.lead_tallies(base)
    assert [(t.name, t.leads, t.talks, t.signed, t.signed_amount, t.landed) for t in by_unit] == [
        ("甲街道", 4, 1, 2, Decimal("300.00"), 1)
    ]
    assert [(t.name, t.leads, t.signed, t.signed_amount) for t in by_cadre] == [
        ("书记甲", 1, 1, Decimal("200.00")),
        ("科员甲", 3, 1, Decimal("100.00")),
    ]


def test_a_referral_names_its_enterprise(s: Scene, fixed_today: dt.date) -> None:
    with pytest.raises(ValidationFailed) as exc:
        lead(s, source="referral")
    assert "referrer" in exc.value.details
    firm = enterprise(s)
    with pytest.raises(ValidationFailed) as exc:  # staff of a department do not see 甲's enterprise
        lead(s, source="referral", referrer=firm)
    assert "referrer" in exc.value.details
    item = lead(s, source="referral", referrer=firm, actor=s.leader)
    assert list(selectors.leads_referred_by(s.leader, firm)) == [item]


@pytest.mark.parametrize(
    ("code", "message"),
    [("91110000600037341M", "校验码"), ("9111000060003734", "18位"), ("91110000600037341I", "18位")],
)
def test_enterprise_credit_codes_are_checked(s: Scene, code: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        enterprise(s, code=code)
    assert message in str(exc.value.details["credit_code"])


def test_a_credit_code_is_registered_once(s: Scene) -> None:
    enterprise(s)
    with pytest.raises(ValidationFailed) as exc:
        enterprise(s, code=CODE.lower())
    assert "credit_code" in exc.value.details


def test_enterprise_requests_are_counted_from_the_case_loop(
    s: Scene, fixed_today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    filed: list[links.CaseRequest] = []

    class Fake:
        def file(self, *, actor: Any, request: links.CaseRequest) -> links.CaseRef:
            filed.append(request)
            return links.CaseRef(len(filed), f"YX2026{len(filed):05d}", request.title, "reported", "", False, "/c/")

        def counts(self, subjects: Any) -> dict[str, links.CaseCount]:
            return {f"enterprise:{CODE}": links.CaseCount(total=len(filed), closed=1)}

        def refs(self, subject: str, *, limit: int = 50) -> list[links.CaseRef]:
            return []

    monkeypatch.setattr(links, "_cases", Fake())
    firm = enterprise(s)
    services.enterprise_request(actor=s.leader, enterprise=firm, title="用工招聘对接")
    services.enterprise_request(actor=s.leader, enterprise=firm, title="水电报装")
    assert [r.category_code for r in filed] == ["08009", "08009"]
    assert filed[0].attributes == {"enterprise": CODE}
    assert selectors.request_counts([firm])[firm.pk] == links.CaseCount(total=2, closed=1)


def test_pages_and_api(s: Scene, fixed_today: dt.date) -> None:
    item = lead(s)
    firm = enterprise(s)
    c = Client()
    c.force_login(s.leader)
    for url in [
        "/projects/leads/",
        f"/projects/leads/{item.pk}/",
        "/projects/enterprises/",
        f"/projects/enterprises/{firm.pk}/",
    ]:
        assert c.get(url).status_code == 200, url
    response = c.post(f"/api/v1/projects/leads/{item.pk}/steps", {"action": "talk"}, content_type="application/json")
    assert response.json()["stage"] == "talks"
    response = c.post(f"/api/v1/projects/leads/{item.pk}/steps", {"action": "land"}, content_type="application/json")
    assert response.status_code == 409
    funnel = c.get("/api/v1/projects/leads-funnel").json()
    assert [f["count"] for f in funnel["funnel"]] == [1, 1, 0, 0, 0]
    bad = c.post(
        "/api/v1/projects/enterprises",
        {"name": "x", "credit_code": "91110000600037341M", "unit_id": s.tree["a"].pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "credit_code" in bad.json()["details"]


def test_requests_go_through_the_real_case_loop(s: Scene, fixed_today: dt.date) -> None:
    firm = enterprise(s)
    ref = services.enterprise_request(actor=s.leader, enterprise=firm, title="用工招聘对接", contact_name="王经理")
    assert ref.number and ref.status == "reported" and not ref.closed
    assert selectors.request_counts([firm])[firm.pk] == links.CaseCount(total=1, closed=0)
    assert [r.id for r in links.case_refs(f"enterprise:{CODE}")] == [ref.id]
    assert links.case_counts(["enterprise:nothing", "not a subject"]) == {}


def test_metrics_for_units_and_people(s: Scene, fixed_today: dt.date) -> None:
    from luoshi.core import metrics
    from luoshi.core.metrics import Period, Subject

    p = services.project_create(
        actor=s.leader,
        data=services.ProjectData(
            name="园区",
            unit=s.tree["dept"],
            total_investment="1000",
            annual_plan="500",
            plan_year=2026,
            stage="construction",
            leaders=[s.leader_person],
        ),
    )
    services.investment_record(actor=s.leader, project=p, month=dt.date(2026, 3, 1), amount="120")
    services.investment_record(actor=s.leader, project=p, month=dt.date(2026, 4, 1), amount="30")
    a, b = lead(s, name="甲", amount="100"), lead(s, name="乙", amount="300")
    for item in (a, b):
        services.lead_step(actor=s.leader, lead=item, action="talk", on=dt.date(2026, 3, 2))
    services.lead_step(actor=s.leader, lead=a, action="sign", on=dt.date(2026, 4, 3))
    town, other = Subject.unit(s.tree["a"]), Subject.unit(s.tree["b"])
    march, april = Period.month(2026, 3), Period.month(2026, 4)
    inv = metrics.compute("projects.investment_completed", [town, other, Subject.person(s.leader_person.pk)], march)
    assert [f.value for f in inv.values()] == [Decimal("120.00"), Decimal("0.00"), Decimal("120.00")]
    assert metrics.compute("projects.leads_signed", [town], april)[town].value == Decimal(1)
    assert metrics.compute("projects.leads_signed_amount", [town], april)[town].value == Decimal("100.00")
    assert metrics.compute("projects.leads_in_talks", [town], march)[town].value == Decimal(2)
    assert metrics.compute("projects.leads_in_talks", [town], april)[town].value == Decimal(1)
    assert metrics.compute("projects.leads_in_talks_amount", [town], april)[town].value == Decimal("300.00")
    assert [r.label for r in metrics.records("projects.leads_in_talks", town, april)] == ["乙"]


def test_records_behind_many_figures_at_once_match_one_by_one(
    s: Scene, fixed_today: dt.date, django_assert_max_num_queries: Any
) -> None:
    """Freezing an assessment run lists the records of every subject: the bulk listers give each
    subject what the one-subject listers give, in a fixed number of queries."""
    from luoshi.core import metrics
    from luoshi.core.metrics import Period, Subject

    def project(name: str, unit: str, leaders: list[Any]) -> Any:
        return services.project_create(
            actor=s.leader,
            data=services.ProjectData(
                name=name, unit=s.tree[unit], total_investment="1000", annual_plan="500", plan_year=2026,
                stage="construction", leaders=leaders,
            ),
        )  # fmt: skip

    park, road = project("园区", "dept", [s.leader_person]), project("道路", "a", [s.leader_person, s.linked_person])
    services.investment_record(actor=s.leader, project=park, month=dt.date(2026, 3, 1), amount="120")
    services.investment_record(actor=s.leader, project=road, month=dt.date(2026, 3, 1), amount="80")
    services.investment_record(actor=s.leader, project=road, month=dt.date(2026, 4, 1), amount="50")
    first, second = lead(s, name="甲", amount="100"), lead(s, name="乙", amount="300")
    for item in (first, second):
        services.lead_step(actor=s.leader, lead=item, action="talk", on=dt.date(2026, 3, 2))
    town, dept, other = Subject.unit(s.tree["a"]), Subject.unit(s.tree["dept"]), Subject.unit(s.tree["b"])
    subjects = [town, dept, other, Subject.person(s.leader_person.pk), Subject.person(s.linked_person.pk)]
    q1 = Period.half(2026, 1)
    for key in ("projects.investment_completed", "projects.leads_in_talks", "projects.leads_signed"):
        with django_assert_max_num_queries(3):
            bulk = metrics.records_bulk(key, subjects, q1)
        one_by_one = {subject: metrics.records(key, subject, q1) for subject in subjects}
        assert bulk == one_by_one, key
    names = [[r.label.split(" ", 1)[-1] for r in bulk_list] for bulk_list in (
        metrics.records_bulk("projects.investment_completed", subjects, q1)[x] for x in subjects
    )]  # fmt: skip
    assert names == [["道路", "园区"], ["园区"], [], ["道路", "园区"], ["道路"]]
    assert [r.note for r in metrics.records_bulk("projects.investment_completed", [town], q1)[town]] == [
        "130.00 万元",
        "120.00 万元",
    ]


def test_enterprise_requests_closed_are_counted_for_the_unit_and_its_parents(
    s: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    from luoshi.core import metrics
    from luoshi.core.metrics import Period, Subject

    asked: list[tuple[str, dt.datetime, dt.datetime]] = []

    class Fake:
        def closed_by_unit(self, subject_code: str, start_at: dt.datetime, end_at: dt.datetime) -> dict[str, int]:
            asked.append((subject_code, start_at, end_at))
            return {s.tree["dept"].path: 3, s.tree["b"].path: 1}

    monkeypatch.setattr(links, "_cases", Fake())
    tree = s.tree
    subjects = [Subject.unit(tree[k]) for k in ("district", "a", "dept", "b", "community")]
    march = Period.month(2026, 3)
    found = metrics.compute("projects.enterprise_requests_closed", subjects, march)
    assert {k: found[Subject.unit(tree[k])].value for k in ("district", "a", "dept", "b", "community")} == {
        "district": Decimal(4),
        "a": Decimal(3),
        "dept": Decimal(3),
        "b": Decimal(1),
        "community": Decimal(0),
    }
    assert asked == [("enterprise", march.start_at, march.end_at)]


def test_api_edits_an_enterprise_with_its_version(s: Scene, fixed_today: dt.date) -> None:
    import json

    firm = enterprise(s)
    c = Client()
    c.force_login(s.leader)
    url = f"/api/v1/projects/enterprises/{firm.pk}"
    payload = {
        "name": "凤山新材料股份", "credit_code": CODE, "unit_id": s.tree["a"].pk, "sector": "新材料",
        "above_scale": True, "version": firm.version,
    }  # fmt: skip
    response = c.put(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "凤山新材料股份" and response.json()["version"] == firm.version + 1
    # The same version again is a conflict; a bad credit code is refused with the field named.
    stale = c.put(url, json.dumps(payload), content_type="application/json")
    assert stale.status_code == 409
    bad = {**payload, "credit_code": "91110000600037341X", "version": firm.version + 1}
    response = c.put(url, json.dumps(bad), content_type="application/json")
    assert response.status_code == 400 and "credit_code" in response.json()["details"]
    outsider = Client()
    outsider.force_login(s.outsider)
    assert outsider.put(url, json.dumps(payload), content_type="application/json").status_code == 404
