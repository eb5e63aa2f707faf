"""Case services: intake, each workflow step, errors (403/404/409), SLA clock, sweeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from luoshi.cases import services
from luoshi.cases.models import (
    Case,
    CaseEvent,
    Channel,
    ExtensionStatus,
    Outcome,
    Stage,
    Status,
    SupervisionCard,
)
from luoshi.cases.tests.factories import category, report, to_state
from luoshi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from luoshi.core.models import ActivityLog
from luoshi.core.testing import picture
from luoshi.notifications.models import Notification
from luoshi.org.models import Role
from luoshi.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_grid_report_gets_a_tracking_number_an_owner_and_an_accept_clock(w):
    case = report(w)
    year = timezone.localdate().year
    assert case.tracking_no == f"{year}-TA-00001"
    assert case.status == Status.REPORTED
    assert case.township == w.a
    assert case.owner_unit == w.a
    assert case.stage == Stage.ACCEPT
    assert case.due_at is not None and case.warn_at is not None
    assert case.warn_at <= case.due_at
    assert CaseEvent.objects.filter(case=case, action="report").count() == 1
    assert ActivityLog.objects.filter(verb="case_report", object_id=str(case.pk)).exists()
    # Ordinary cases wait in the inbox; urgent ones also notify the township's supervisor.
    assert not Notification.objects.filter(recipient=w.supervisor, kind="case_new").exists()
    report(w, urgent=True)
    assert Notification.objects.filter(recipient=w.supervisor, kind="case_new").count() == 1


def test_intake_writes_the_same_rows_as_the_orm_would(w):
    """Intake writes its three rows with plain INSERTs (luoshi.cases.rows): check them field by field."""
    from luoshi.core import audit

    case = report(w, lat=27.95, lng=120.61, attributes={"楼层": "3"}, address="东门 1 号")
    stored = Case.objects.get(pk=case.pk)
    for field in Case._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(case, field.attname), field.name
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.from_status, event.to_status, event.is_public, event.data) == (
        "report",
        "",
        Status.REPORTED,
        True,
        {},
    )
    assert event.actor == w.grid and event.unit_name == w.grid_unit.name and event.created_at == case.reported_at
    entry = ActivityLog.objects.get(verb="case_report", object_id=str(case.pk))
    assert entry.actor == w.grid and entry.object_repr == str(case)[:200]
    assert entry.changes == audit.diff({}, audit.snapshot(stored, services.AUDIT_FIELDS))
    assert entry.changes["status"] == {"before": None, "after": str(Status.REPORTED.label)}


def test_tracking_numbers_count_per_township_and_year(w):
    first, second = report(w), report(w)
    other = report(w, actor=w.outsider, unit=w.units["b_community"])
    assert first.tracking_no.endswith("-TA-00001")
    assert second.tracking_no.endswith("-TA-00002")
    assert other.tracking_no.endswith("-TB-00001")


def test_tracking_numbers_keep_counting_past_five_digits(w):
    """The PostgreSQL single-statement intake formats the number in SQL: it must match f"{n:05d}"."""
    from luoshi.cases.models import TrackingSequence

    first = report(w)
    assert first.tracking_no.endswith("-TA-00001")
    TrackingSequence.objects.filter(code="TA").update(last=99998)
    numbers = [report(w).tracking_no for _ in range(3)]
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["99999", "100000", "100001"]
    stored = Case.objects.get(pk=report(w, urgent=True).pk)
    assert stored.tracking_no.endswith("-TA-100002")
    entry = ActivityLog.objects.get(verb="case_report", object_id=str(stored.pk))
    assert entry.object_repr == str(stored)[:200]
    assert CaseEvent.objects.filter(case=stored, action="report").count() == 1


def test_intake_on_postgresql_is_one_statement(w):
    """Number, case, timeline and activity log in one round trip (the township's number row exists)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    report(w)  # creates the number row; fills the per-process caches
    with CaptureQueriesContext(connection) as queries:
        case = report(w)
    # The test factory looks the category up by its code; the intake itself writes with one statement.
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith('SELECT "cases_category"')]
    assert len(writes) == 1 and writes[0].startswith("WITH seq AS (UPDATE")
    assert case.tracking_no.endswith("-TA-00002")
    assert Case.objects.get(pk=case.pk).tracking_no == case.tracking_no


def test_intake_outside_ones_scope_is_not_found_and_bad_places_are_refused(w):
    with pytest.raises(NotFound):
        report(w, actor=w.outsider)
    with pytest.raises(ValidationFailed):
        report(w, actor=w.supervisor, unit=w.dept)
    with pytest.raises(ValidationFailed):
        report(w, code="01")  # a major category
    with pytest.raises(ValidationFailed):
        report(w, title="", description="")


def test_residents_may_only_report_public_categories(w):
    case = services.case_report(
        actor=None, channel=Channel.WEB, category=category("01001"), unit=w.community_unit, title="垃圾"
    )
    assert case.reported_by is None
    with pytest.raises(NotFound):
        services.case_report(
            actor=None, channel=Channel.WEB, category=category("07002"), unit=w.community_unit, title="纠纷"
        )
    with pytest.raises(Forbidden):
        services.case_report(
            actor=None, channel=Channel.HOTLINE, category=category("01001"), unit=w.community_unit, title="x"
        )


def test_the_whole_loop_from_report_to_rating(w):
    case = report(w)
    case = services.case_accept(actor=w.supervisor, case=case, version=case.version)
    case = services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.dept, co_units=[w.dept2])
    assert case.status == Status.DISPATCHED
    assert case.stage == Stage.HANDLE
    assert Notification.objects.filter(recipient=w.staff, kind="case_dispatched").exists()
    assert Notification.objects.filter(recipient=w.staff2, kind="case_co_unit").exists()
    case = services.case_start(actor=w.staff, case=case)
    case = services.case_co_reply(actor=w.staff2, case=case, comment="已配合清运")
    case = services.case_reply(actor=w.staff, case=case, comment="垃圾已清理完毕")
    assert case.status == Status.HANDLED
    assert case.stage == Stage.VERIFY
    # The grid worker who reported checks on site.
    case = services.case_verify(actor=w.grid, case=case)
    assert case.status == Status.CLOSED
    assert case.outcome == Outcome.RESOLVED
    assert case.handle_seconds is not None
    assert case.due_at is None
    case = services.case_rate(actor=None, case=case, rating="satisfied", token=case.public_token, comment="很快")
    assert case.status == Status.RATED
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["report", "accept", "dispatch", "start", "co_reply", "reply", "verify", "rate"]
    assert ActivityLog.objects.filter(object_id=str(case.pk), verb__startswith="case_").count() == 8


def test_wrong_state_is_a_conflict_and_wrong_role_is_forbidden(w):
    case = report(w)
    with pytest.raises(Conflict):
        services.case_reply(actor=w.staff, case=case, comment="x")
    with pytest.raises(Forbidden):
        services.case_accept(actor=w.grid, case=case)
    with pytest.raises(Forbidden):
        services.case_accept(actor=w.other_supervisor, case=case)


def test_a_stale_version_is_a_conflict(w):
    case = report(w)
    stale = case.version
    services.case_accept(actor=w.supervisor, case=case, version=stale)
    with pytest.raises(Conflict) as err:
        services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.dept, version=stale)
    assert err.value.code == "stale"


def test_dispatch_needs_a_unit_under_the_command_unit(w):
    case = to_state(w, "accepted")
    with pytest.raises(NotFound):
        services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.units["district"])
    with pytest.raises(NotFound):
        services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.units["b_community"])
    district_sup = user_with_role(Role.SUPERVISOR, w.units["district"], username="dsup")
    with pytest.raises(ValidationFailed):
        services.case_dispatch(actor=district_sup, case=case, handling_unit=w.units["b_community"])


def test_dispatch_without_a_unit_uses_the_category_default(w):
    case = to_state(w, "accepted", code="07002")  # disputes go to the community where they happen
    case = services.case_dispatch(actor=w.supervisor, case=case)
    assert case.handling_unit == w.community_unit


def test_the_replier_cannot_verify_their_own_work(w):
    case = report(w, actor=w.supervisor, unit=w.a)
    case = services.case_accept(actor=w.supervisor, case=case)
    case = services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.a)
    case = services.case_start(actor=w.leader, case=case)
    case = services.case_reply(actor=w.leader, case=case, comment="done")
    with pytest.raises(Forbidden):
        services.case_verify(actor=w.leader, case=case)
    services.case_verify(actor=w.supervisor, case=case)


def test_send_back_restarts_the_handling_clock(w):
    case = to_state(w, "handled")
    case = services.case_send_back(actor=w.supervisor, case=case, comment="没清干净")
    assert case.status == Status.HANDLING
    assert case.stage == Stage.HANDLE
    with pytest.raises(ValidationFailed):
        services.case_send_back(actor=w.supervisor, case=to_state(w, "handled"), comment="  ")


def test_return_reassign_and_refer_up(w):
    case = to_state(w, "dispatched")
    case = services.case_return(actor=w.staff, case=case, comment="不属于本科室")
    assert case.status == Status.ACCEPTED
    assert case.handling_unit is None
    case = services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.dept2)
    case = services.case_reassign(actor=w.supervisor, case=case, handling_unit=w.dept, comment="改派")
    assert case.handling_unit == w.dept
    other = report(w)
    other = services.case_refer_up(actor=w.supervisor, case=other, comment="需区里协调")
    assert other.status == Status.REPORTED
    assert other.owner_unit == w.units["district"]
    # The township supervisor can no longer accept; it belongs to the district now.
    with pytest.raises(Forbidden):
        services.case_accept(actor=w.supervisor, case=other)


def test_decline_and_close_unresolved_keep_an_honest_reason(w):
    declined = services.case_decline(actor=w.supervisor, case=report(w), comment="重复举报，已在处理")
    assert declined.status == Status.CLOSED
    assert declined.outcome == Outcome.DECLINED
    case = services.case_close_unresolved(actor=w.leader, case=to_state(w, "handling"), comment="涉及历史遗留问题")
    assert case.outcome == Outcome.UNRESOLVED
    assert case.public_reply == "涉及历史遗留问题"


def test_extension_request_and_approval_move_the_due_time(w):
    case = to_state(w, "handling")
    due = case.due_at
    request = services.case_request_extension(actor=w.staff, case=case, days=3, comment="需采购材料")
    with pytest.raises(Conflict):
        services.case_request_extension(actor=w.staff, case=case, days=2, comment="again")
    with pytest.raises(Forbidden):
        services.case_decide_extension(actor=w.staff, case=case, approve=True)
    case = services.case_decide_extension(actor=w.supervisor, case=case, approve=True, days=2, comment="同意2天")
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED
    assert request.approved_days == 2
    assert case.extension_days == 2
    assert case.due_at is not None and due is not None
    assert case.due_at > due
    with pytest.raises(Conflict):
        services.case_decide_extension(actor=w.supervisor, case=case, approve=False)


def test_pending_extensions_expire_when_the_stage_ends(w):
    case = to_state(w, "handling")
    request = services.case_request_extension(actor=w.staff, case=case, days=3, comment="x")
    services.case_reply(actor=w.staff, case=case, comment="done")
    request.refresh_from_db()
    assert request.status == ExtensionStatus.EXPIRED


def test_supervision_cards_carry_points_against_the_handling_unit(w, settings):
    case = to_state(w, "handling")
    yellow = services.case_supervise(actor=w.supervisor, case=case, level="yellow", comment="抓紧")
    assert (yellow.unit, yellow.points) == (w.dept, -5)
    settings.LUOSHI_CASE_CARD_POINTS = {"red": -20}
    red = services.case_supervise(actor=w.leader, case=case, level="red")
    assert red.points == -20
    assert Notification.objects.filter(recipient=w.staff, kind="case_card").count() == 2
    with pytest.raises(Forbidden):
        services.case_supervise(actor=w.staff, case=case, level="yellow")
    with pytest.raises(ValidationFailed):
        services.case_supervise(actor=w.supervisor, case=case, level="purple")
    assert SupervisionCard.objects.count() == 2


def test_merge_needs_an_original_and_the_duplicate_follows_it(w):
    original = report(w)
    duplicate = report(w)
    with pytest.raises(ValidationFailed):
        services.case_merge(actor=w.supervisor, case=duplicate, original=duplicate)
    duplicate = services.case_merge(actor=w.supervisor, case=duplicate, original=original, comment="同一处")
    assert duplicate.status == Status.MERGED
    assert duplicate.duplicate_of == original
    assert duplicate.due_at is None
    third = report(w)
    with pytest.raises(ValidationFailed):
        services.case_merge(actor=w.supervisor, case=third, original=duplicate)
    original = services.case_accept(actor=w.supervisor, case=original)
    original = services.case_dispatch(actor=w.supervisor, case=original, handling_unit=w.dept)
    original = services.case_start(actor=w.staff, case=original)
    original = services.case_reply(actor=w.staff, case=original, comment="ok")
    services.case_verify(actor=w.supervisor, case=original)
    assert CaseEvent.objects.filter(case=duplicate, action="follow_original").exists()


def test_resident_rating_needs_the_token_and_unsatisfied_asks_for_a_return_visit(w):
    case = to_state(w, "closed")
    with pytest.raises(NotFound):
        services.case_rate(actor=None, case=case, rating="satisfied", token="wrong")
    with pytest.raises(ValidationFailed):
        services.case_rate(actor=None, case=case, rating="meh", token=case.public_token)
    case = services.case_rate(actor=None, case=case, rating="unsatisfied", token=case.public_token, comment="没修好")
    assert case.needs_return_visit
    assert Notification.objects.filter(recipient=w.supervisor, kind="case_unsatisfied").exists()
    # 回访 is the command unit's: the community where it happened may not record it (issue 14).
    with pytest.raises(Forbidden):
        services.case_return_visit(actor=w.community, case=case, comment="电话回访", method="phone")
    visit = services.case_return_visit(actor=w.supervisor, case=case, comment="电话回访，已约定复查", method="phone")
    case.refresh_from_db()
    assert not case.needs_return_visit
    assert visit.visited_by == w.supervisor
    assert case.rating == "unsatisfied"  # a visit without a rating leaves the resident's word as it was
    case = services.case_reopen(actor=w.supervisor, case=case, comment="群众不满意，重新办理")
    assert case.status == Status.ACCEPTED
    assert case.outcome == ""
    assert case.rating == ""


def test_unsatisfied_can_reopen_automatically(w, settings):
    settings.LUOSHI_CASE_UNSATISFIED_REOPENS = True
    case = to_state(w, "closed")
    case = services.case_rate(actor=None, case=case, rating="unsatisfied", token=case.public_token)
    assert case.status == Status.ACCEPTED


def test_mediation_only_on_disputes_and_agreement_needs_text(w):
    dispute = to_state(w, "handling", code="07002")
    today = timezone.localdate()
    with pytest.raises(ValidationFailed):
        services.case_mediate(
            actor=w.staff, case=dispute, held_on=today, mediators="调解员", parties="甲、乙", outcome="agreed"
        )
    services.case_mediate(
        actor=w.staff,
        case=dispute,
        held_on=today,
        mediators="老王、老李",
        parties="101室、201室",
        outcome="agreed",
        agreement="201室每晚十点后不再装修",
    )
    dispute.refresh_from_db()
    assert dispute.mediation_result == "agreed"
    with pytest.raises(Conflict) as refused:  # not a dispute: refused before anything is read (refusals.py)
        services.case_mediate(
            actor=w.staff,
            case=to_state(w, "handling"),
            held_on=today,
            mediators="a",
            parties="b",
            outcome="failed",
        )
    assert refused.value.code == "not_dispute"


def test_notes_by_anyone_active_but_not_district_viewers(w):
    case = report(w)
    services.case_note(actor=w.community, case=case, comment="居民又来电话催")
    with pytest.raises(Forbidden):
        services.case_note(actor=w.viewer, case=case, comment="x")


def test_sla_sweep_notifies_once_per_colour(w):
    case = to_state(w, "handling")
    Case.objects.filter(pk=case.pk).update(warn_at=timezone.now() - dt.timedelta(hours=1))
    assert services.sla_sweep() == {"yellow": 1, "red": 0}
    assert services.sla_sweep() == {"yellow": 0, "red": 0}
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.sla_sweep() == {"yellow": 0, "red": 1}
    assert services.sla_sweep() == {"yellow": 0, "red": 0}
    case.refresh_from_db()
    assert case.was_overdue
    kinds = set(Notification.objects.filter(recipient=w.staff).values_list("kind", flat=True))
    assert {"case_sla_yellow", "case_sla_red"} <= kinds


def test_leaving_a_stage_late_marks_the_case_overdue(w):
    case = to_state(w, "handling")
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    case = services.case_reply(actor=w.staff, case=case, comment="迟了")
    assert case.was_overdue


def test_district_supervisor_may_supervise_a_township_case(w):
    district_sup = user_with_role(Role.SUPERVISOR, w.units["district"], username="dsup")
    case = to_state(w, "dispatched")
    services.case_supervise(actor=district_sup, case=case, level="normal", comment="请加快")


def test_attachments_must_be_photos_or_pdf(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("a.jpg", picture("JPEG"), content_type="image/jpeg")
    case = report(w, uploads=[photo])
    assert case.attachments.count() == 1
    bad = SimpleUploadedFile("a.exe", b"MZ" + b"0" * 100)
    with pytest.raises(ValidationFailed):
        report(w, uploads=[bad])


def test_grid_boundaries_import_is_all_or_nothing(w):
    from luoshi.accounts.models import User
    from luoshi.cases import selectors
    from luoshi.cases.models import GridBoundary

    admin = User.objects.create_superuser("gadmin", password="x" * 12)
    ring = [[120.0, 28.0], [120.1, 28.0], [120.1, 28.1], [120.0, 28.1], [120.0, 28.0]]
    good = {"type": "Feature", "properties": {"code": "TA01G1"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    bad = {"type": "Feature", "properties": {"code": "NOPE"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    open_ring = {
        "type": "Feature",
        "properties": {"code": "TA01G1"},
        "geometry": {"type": "Polygon", "coordinates": [ring[:-1]]},
    }
    with pytest.raises(ValidationFailed) as err:
        services.grid_boundaries_import(
            actor=admin, data={"type": "FeatureCollection", "features": [good, bad, open_ring]}
        )
    assert set(err.value.details) == {"#2 NOPE", "#3 TA01G1"}
    assert not GridBoundary.objects.exists()
    with pytest.raises(ValidationFailed):  # a supervisor is not an administrator: the feature is refused
        services.grid_boundaries_import(actor=w.supervisor, data={"type": "FeatureCollection", "features": [good]})
    assert services.grid_boundaries_import(actor=admin, data={"type": "FeatureCollection", "features": [good]}) == 1
    assert selectors.grid_at(28.05, 120.05) == w.grid_unit
    assert selectors.grid_at(28.2, 120.05) is None


def test_daily_reports_and_reminders(w, settings):
    import datetime as dt

    from luoshi.cases.models import DailyReport

    with pytest.raises(ValidationFailed):
        services.daily_report_file(actor=w.community, kind="screening", unit=w.community_unit)
    with pytest.raises(NotFound):
        services.daily_report_file(actor=w.staff, kind="screening", unit=w.community_unit, nothing_to_report=True)
    services.daily_report_file(actor=w.community, kind="screening", unit=w.community_unit, nothing_to_report=True)
    services.daily_report_file(
        actor=w.community, kind="screening", unit=w.community_unit, summary="纠纷1起", issues_found=1
    )
    assert DailyReport.objects.count() == 1  # filing again corrects today's report
    with pytest.raises(Forbidden):
        services.daily_report_file(actor=w.community, kind="cadre", unit=w.community_unit, nothing_to_report=True)
    # Reminders: only after the hour on a working day, once per day.
    monday_evening = dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    settings.LUOSHI_DAILY_REPORT_REMIND_HOUR = 16
    first = services.daily_report_reminders(now=monday_evening)
    assert first["assessment"] >= 1  # the townships have not assessed that day
    assert services.daily_report_reminders(now=monday_evening) == {"screening": 0, "assessment": 0, "cadre": 0}
    morning = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert services.daily_report_reminders(now=morning) == {"screening": 0, "assessment": 0, "cadre": 0}


def test_sqlite_intakes_take_turns_on_a_file_lock(tmp_path, monkeypatch):
    """rows.write_turn: while one intake writes, another process cannot take the lock file."""
    import fcntl
    import os
    from types import SimpleNamespace

    from luoshi.cases import rows

    name = str(tmp_path / "cases.sqlite3")
    fake = SimpleNamespace(vendor="sqlite", in_atomic_block=False, settings_dict={"NAME": name})
    monkeypatch.setattr(rows, "connection", fake)

    def free() -> bool:
        fd = os.open(f"{name}-intake.lock", os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)

    with rows.write_turn():
        assert not free()
    assert free()
    fake.vendor = "postgresql"
    with rows.write_turn():  # nothing to queue for on other databases
        assert free()
