"""Services: roll-up, progress, reminders, scheduled checks, attachments, notifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.core.errors import Conflict, Forbidden, ValidationFailed
from luoshi.core.models import ActivityLog
from luoshi.core.testing import picture
from luoshi.notifications.models import Notification
from luoshi.tasks import services
from luoshi.tasks.models import Attachment, EventKind, Status, TaskEvent
from luoshi.tasks.tests.helpers import fresh, make_task
from luoshi.tasks.workflow import Action

pytestmark = pytest.mark.django_db


def accept(s, task):
    return services.task_transition(actor=s.staff, task=fresh(task), action=Action.ACCEPT)


def test_assigning_notifies_the_unit_and_writes_timeline_and_audit(s, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = make_task(s)
    assert set(Notification.objects.filter(kind="task.assign").values_list("recipient__username", flat=True)) == {
        "staff", "staff2"
    }  # fmt: skip
    assert list(TaskEvent.objects.filter(task=task).values_list("kind", "action")) == [
        ("create", ""), ("transition", "assign")
    ]  # fmt: skip
    assert ActivityLog.objects.for_object(task).filter(verb="task.assign").exists()


def test_progress_rolls_up_from_subtasks_to_task_category_and_goal(s, fixed_today):
    goal = services.goal_create(actor=s.supervisor, owner_unit=s.tree["a"], year=2026, title="三大攻坚行动")
    category = services.category_create(actor=s.supervisor, goal=goal, name="项目攻坚")
    project = services.category_create(actor=s.supervisor, goal=goal, name="福街建设", parent=category)
    parent = make_task(s, category=project, goal=goal)
    sub1 = make_task(s, parent=parent, weight=Decimal(3), title="子任务一")
    sub2 = make_task(s, parent=parent, weight=Decimal(1), title="子任务二")
    for sub in (sub1, sub2):
        accept(s, sub)
    services.task_report_progress(actor=s.staff, task=fresh(sub1), percent=100, text="完成")
    services.task_report_progress(actor=s.staff, task=fresh(sub2), percent=20, text="推进中")
    assert fresh(parent).progress == Decimal("80.00")  # (100*3 + 20*1) / 4
    project.refresh_from_db()
    category.refresh_from_db()
    goal.refresh_from_db()
    assert project.progress == category.progress == goal.progress == Decimal("80.00")


def test_progress_needs_the_doing_unit_and_the_right_state(s, fixed_today):
    task = make_task(s)
    with pytest.raises(Conflict):
        services.task_report_progress(actor=s.staff, task=task, percent=10, text="x")
    accept(s, task)
    with pytest.raises(Forbidden):
        services.task_report_progress(actor=s.supervisor, task=fresh(task), percent=10, text="x")
    with pytest.raises(ValidationFailed):
        services.task_report_progress(actor=s.staff, task=fresh(task), percent=10, text="  ")
    with pytest.raises(ValidationFailed):
        services.task_report_progress(
            actor=s.staff, task=fresh(task), percent=10, text="x", reported_on=fixed_today + dt.timedelta(days=1)
        )


def test_attachments_are_checked_for_type_size_and_content(s, settings, tmp_path, fixed_today):
    settings.MEDIA_ROOT = tmp_path
    settings.LUOSHI_UPLOAD_MAX_BYTES = 1000
    task = make_task(s)
    accept(s, task)
    bad = SimpleUploadedFile("run.exe", b"MZ" * 10)
    with pytest.raises(ValidationFailed):
        services.task_report_progress(actor=s.staff, task=fresh(task), percent=10, text="x", files=[bad])
    big = SimpleUploadedFile("photo.jpg", b"x" * 2000)
    with pytest.raises(ValidationFailed):
        services.task_report_progress(actor=s.staff, task=fresh(task), percent=10, text="x", files=[big])
    for name, content in [
        ("photo.jpg", b"MZ" + b"x" * 100),  # a program renamed to .jpg
        ("report.pdf", b"PK\x03\x04" + b"x" * 100),  # an archive renamed to .pdf
        ("notes.txt", b"abc\x00\x01\x02" * 10),  # binary content named .txt
        ("empty.pdf", b""),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            services.task_report_progress(
                actor=s.staff, task=fresh(task), percent=10, text="x", files=[SimpleUploadedFile(name, content)]
            )
        assert name in str(caught.value.message)
    assert not Attachment.objects.exists() and fresh(task).reported_progress == 0
    for name, content in [
        ("方案.pdf", b"%PDF-1.7\n" + b"x" * 100),
        ("台账.xlsx", b"PK\x03\x04" + b"x" * 100),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 100),
        ("说明.txt", "已完成三条巷道".encode() * 5),
    ]:
        services.task_add_attachments(actor=s.staff, task=fresh(task), files=[SimpleUploadedFile(name, content)])
    ok = SimpleUploadedFile("现场照片.jpg", picture("JPEG"))
    report = services.task_report_progress(actor=s.staff, task=fresh(task), percent=10, text="x", files=[ok])
    assert report.attachments.get().name == "现场照片.jpg"


def test_reminder_counts_and_notifies(s, django_capture_on_commit_callbacks):
    task = make_task(s)
    with pytest.raises(Forbidden):
        services.task_remind(actor=s.staff, task=task)
    services.task_remind(actor=s.supervisor, task=task, comment="请抓紧")
    assert fresh(task).reminder_count == 1
    assert Notification.objects.filter(kind="task.reminder", recipient=s.staff).exists()


def test_daily_checks_mark_overdue_missed_reports_and_due_soon_once(s):
    start = dt.date(2026, 4, 1)
    task = make_task(s, start_date=start, deadline=dt.date(2026, 4, 30))
    services.task_transition(actor=s.staff, task=fresh(task), action=Action.ACCEPT)
    from luoshi.tasks.models import Task

    Task.objects.filter(pk=task.pk).update(next_report_due=dt.date(2026, 4, 8))
    # Two weeks without a report, deadline two working days away.
    result = services.run_daily_checks(today=dt.date(2026, 4, 28))
    task = fresh(task)
    assert result.reports_missed == 3 and task.missed_reports == 3
    assert task.next_report_due == dt.date(2026, 4, 29)
    # The recorded misses keep counting in the light after the job moved the due date on.
    assert task.reports_outstanding == 3 and task.light == "red"
    assert "reports_missing" in services.light_for(task, today=dt.date(2026, 4, 28)).reasons
    assert result.due_soon_notified == 1
    again = services.run_daily_checks(today=dt.date(2026, 4, 28))
    assert (again.reports_missed, again.due_soon_notified, again.became_overdue) == (0, 0, 0)
    later = services.run_daily_checks(today=dt.date(2026, 5, 6))
    task = fresh(task)
    assert later.became_overdue == 1 and task.is_overdue and task.light == "red"
    assert TaskEvent.objects.filter(task=task, kind=EventKind.OVERDUE).count() == 1
    services.run_daily_checks(today=dt.date(2026, 5, 7))
    assert TaskEvent.objects.filter(task=task, kind=EventKind.OVERDUE).count() == 1


def test_signing_off_late_is_recorded(s):
    task = make_task(s, start_date=dt.date(2025, 1, 6), deadline=dt.date(2025, 2, 28))
    accept(s, task)
    services.task_transition(actor=s.staff, task=fresh(task), action=Action.SUBMIT, comment="已整改完毕")
    services.task_transition(actor=s.resp_leader, task=fresh(task), action=Action.SIGN_OFF, comment="同意销号")
    task = fresh(task)
    assert task.status == Status.DONE and task.closed_on_time is False and task.light == ""
    assert task.progress == 100


def test_editing_the_deadline_after_assignment_goes_through_extension(s):
    task = make_task(s)
    with pytest.raises(Conflict):
        services.task_update(actor=s.supervisor, task=task, version=task.version, deadline=dt.date(2026, 8, 1))
    services.task_update(actor=s.supervisor, task=fresh(task), version=fresh(task).version, title="新标题")
    assert fresh(task).title == "新标题"
    with pytest.raises(Forbidden):
        services.task_update(actor=s.staff, task=fresh(task), version=None, title="改")


def test_milestones(s):
    task = make_task(s)
    m = services.milestone_add(actor=s.staff, task=task, title="完成签约", due_date=dt.date(2026, 5, 1))
    services.milestone_set_done(actor=s.staff, milestone=m, done=True)
    m.refresh_from_db()
    assert m.done and m.done_by == s.staff
    assert TaskEvent.objects.filter(task=task, kind=EventKind.MILESTONE, action="done").exists()


def test_a_report_clears_outstanding_misses_but_the_record_stays(s, fixed_today):
    from luoshi.tasks.models import Task

    task = make_task(s, start_date=dt.date(2026, 4, 1), deadline=dt.date(2026, 6, 30))
    services.task_transition(actor=s.staff, task=fresh(task), action=Action.ACCEPT)
    Task.objects.filter(pk=task.pk).update(next_report_due=dt.date(2026, 4, 3))
    services.run_daily_checks(today=fixed_today)
    task = fresh(task)
    assert (task.missed_reports, task.reports_outstanding, task.light) == (2, 2, "red")
    services.task_report_progress(actor=s.staff, task=task, percent=25, text="已完成摸底")
    task = fresh(task)
    assert (task.missed_reports, task.reports_outstanding) == (2, 0)
    assert task.light == "green" and task.next_report_due == fixed_today + dt.timedelta(days=7)
