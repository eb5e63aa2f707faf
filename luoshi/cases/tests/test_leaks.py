"""Nothing outside a user's scope shows through links, and personal data is masked by one rule (issue 15, finding 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from luoshi.cases.models import Case, DailyKind, DailyReport, KeyPerson, KeyPersonClass, MediationSession, Status
from luoshi.cases.tests.factories import report
from luoshi.org.models import Person, Position
from luoshi.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

OUTSIDE = "不在您范围内的案件"


def _page(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_merge_never_shows_the_title_of_a_case_outside_the_scope(w):
    mine = report(w, title="甲街道的井盖")
    theirs = report(w, actor=w.outsider, unit=w.units["b_community"], title="乙街道的秘密事项")
    Case.objects.filter(pk=mine.pk).update(status=Status.MERGED, duplicate_of=theirs, due_at=None, warn_at=None)
    page = _page(w.supervisor, f"/cases/{mine.pk}/")
    assert "乙街道的秘密事项" not in page and theirs.tracking_no not in page
    assert OUTSIDE in page
    # And the other way round: the original lists a duplicate the other township cannot see.
    Case.objects.filter(pk=mine.pk).update(duplicate_of=theirs)
    other_page = _page(w.other_supervisor, f"/cases/{theirs.pk}/")
    assert "甲街道的井盖" not in other_page and mine.tracking_no not in other_page
    assert OUTSIDE in other_page


def test_a_key_persons_linked_cases_outside_the_scope_show_no_title(w):
    kp = KeyPerson.objects.create(name="王某", unit=w.community_unit, classification=KeyPersonClass.values[0])
    inside = report(w, title="本街道的诉求")
    outside = report(w, actor=w.outsider, unit=w.units["b_community"], title="别的街道的诉求")
    kp.cases.add(inside, outside)
    page = _page(w.supervisor, f"/cases/keypersons/{kp.pk}/")
    assert "本街道的诉求" in page and inside.tracking_no in page
    assert "别的街道的诉求" not in page and outside.tracking_no not in page
    assert OUTSIDE in page


def test_mediation_parties_are_masked_for_whoever_sees_the_reporter_masked(w):
    case = report(w, reporter_name="张三丰", reporter_phone="13812345678")
    MediationSession.objects.create(
        case=case, held_on=dt.date(2026, 3, 2), mediators="调解员老李", parties="张三丰、李四", outcome="agreed",
        recorded_by=w.supervisor,
    )  # fmt: skip
    full = _page(w.supervisor, f"/cases/{case.pk}/")  # the command unit sees everything
    assert "张三丰、李四" in full
    masked = _page(w.viewer, f"/cases/{case.pk}/")  # the district viewer sees the reporter masked
    assert "张三丰" not in masked and "李四" not in masked
    assert "张**、李*" in masked


def test_the_cadre_board_names_cadres_only_to_those_who_may_open_the_registry(w):
    cadre = Person.objects.create(name="包保干部赵六")
    Position.objects.create(person=cadre, unit=w.community_unit, title="干部")
    KeyPerson.objects.create(name="王某", unit=w.community_unit, classification=KeyPersonClass.values[0], cadre=cadre)
    day = dt.date(2026, 4, 16)
    DailyReport.objects.create(
        kind=DailyKind.CADRE, unit=w.community_unit, person=cadre, report_date=day, summary="走访了王某，情绪稳定",
        filed_by=w.supervisor,
    )  # fmt: skip
    url = f"/cases/daily/?kind=cadre&day={day.isoformat()}"
    named = _page(w.supervisor, url)
    assert "包保干部赵六" in named and "情绪稳定" in named
    viewer = _page(w.viewer, url)
    assert "包保干部赵六" not in viewer and "情绪稳定" not in viewer
    assert "包*****" in viewer  # still listed (who filed and who is late), masked


def test_a_persons_log_hides_positions_in_other_townships(w):
    from luoshi.org import services as org_services

    person = Person.objects.create(name="调动干部")
    admin_a = user_with_role("admin", w.a)
    admin_b = user_with_role("admin", w.units["b"])
    org_services.position_create(actor=admin_a, person=person, unit=w.dept, title="科员")
    org_services.position_create(actor=admin_b, person=person, unit=w.units["b_community"], title="乙社区书记")
    page = _page(admin_a, f"/org/people/{person.pk}/")
    assert "科员" in page
    assert "乙社区书记" not in page and w.units["b_community"].name not in page
    assert "不在您范围内的职务" in page
    assert "乙社区书记" in _page(admin_b, f"/org/people/{person.pk}/")


@pytest.mark.parametrize("url", ["/tasks/import/", "/indicators/import/"])
def test_read_only_roles_cannot_start_an_import(w, url):
    client = Client()
    client.force_login(w.viewer)
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
