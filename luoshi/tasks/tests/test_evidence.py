"""Evidence with the steps of a task (issue 14, finding 2): the unit's files on submission, the
reviewer's on sign-off (销号) or return, kept with the step and listed under it on the timeline;
the bounds of the one upload check; and the API's way of naming earlier uploads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.core.errors import LuoshiError
from luoshi.core.testing import picture
from luoshi.tasks import services
from luoshi.tasks.models import Attachment, Status, TaskEvent
from luoshi.tasks.tests.helpers import fresh, make_task
from luoshi.tasks.workflow import Action

pytestmark = pytest.mark.django_db


def photo(name: str = "xianchang.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture("JPEG"), content_type="image/jpeg")


def doc(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n", content_type="application/pdf")


def _in_progress(s: Any) -> Any:
    task = make_task(s)
    services.task_transition(actor=s.staff, task=fresh(task), action=Action.ACCEPT)
    return fresh(task)


def _files_of(task: Any, action: str) -> list[str]:
    step = TaskEvent.objects.get(task=task, action=action)
    return [a.name for a in Attachment.objects.filter(event=step).order_by("id")]


def test_submission_and_sign_off_carry_files_shown_on_the_timeline(client, s):
    task = _in_progress(s)
    client.force_login(s.staff)
    response = client.post(
        f"/tasks/{task.pk}/transition/",
        {"action": "submit", "comment": "已完成 4 条，第 5 条下周", "version": task.version,
         "attachments": [photo("zhenggai.jpg"), doc()]},
    )  # fmt: skip
    assert response.status_code == 302
    task = fresh(task)
    assert task.status == Status.PENDING_REVIEW
    assert _files_of(task, "submit") == ["zhenggai.jpg", "整改报告.pdf"]

    client.force_login(s.resp_leader)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    sign_off = page.split('data-action="sign_off"')[1].split("</form>")[0]
    assert 'type="file" name="attachments"' in sign_off and 'enctype="multipart/form-data"' in page
    client.post(
        f"/tasks/{task.pk}/transition/",
        {"action": "sign_off", "comment": "现场核查合格，同意销号", "version": task.version,
         "attachments": [photo("hecha.jpg")]},
    )  # fmt: skip
    task = fresh(task)
    assert task.status == Status.DONE
    assert _files_of(task, "sign_off") == ["hecha.jpg"]
    timeline = client.get(f"/tasks/{task.pk}/").content.decode().split('data-testid="timeline"')[1]
    submitted = timeline.split('data-testid="files-of-submit"')[1].split("</ul>")[0]
    signed_off = timeline.split('data-testid="files-of-sign_off"')[1].split("</ul>")[0]
    # Photos are thumbnails linking to the picture; other files are chips with their name and size.
    pdf = Attachment.objects.get(task=task, name="整改报告.pdf")
    jpg = Attachment.objects.get(task=task, name="hecha.jpg")
    chip = f'<a href="/tasks/files/{pdf.pk}/" class="file-chip">整改报告.pdf</a> <span class="small muted">'
    assert chip in submitted
    assert f'<img src="/tasks/files/{jpg.pk}/" alt="hecha.jpg"' in signed_off
    assert 'alt="zhenggai.jpg"' in submitted and "<img" not in submitted.split("file-chip")[1]
    # The picture opens in the browser; the document downloads.
    shown = client.get(f"/tasks/files/{jpg.pk}/")
    assert (shown["Content-Type"], shown["Content-Disposition"].split(";")[0]) == ("image/jpeg", "inline")
    assert b"".join(shown.streaming_content)[:2] == b"\xff\xd8"
    saved = client.get(f"/tasks/files/{pdf.pk}/")
    assert saved["Content-Disposition"].startswith("attachment")
    api = client.get(f"/api/v1/tasks/{task.pk}").json()
    signed = next(e for e in api["timeline"] if e["action"] == "sign_off")
    assert [a["name"] for a in signed["attachments"]] == ["hecha.jpg"]


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")], "file_content"),
        ([SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")], "file_type"),
        ([photo(f"p{i}.jpg") for i in range(10)], "too_many_files"),
    ],
)
def test_bad_files_stop_the_step_with_the_reason(s, files, code):
    task = _in_progress(s)
    with pytest.raises(LuoshiError) as refused:
        services.task_transition(actor=s.staff, task=task, action=Action.SUBMIT, comment="完成", files=files)
    assert (refused.value.status, refused.value.code) == (400, code)
    assert refused.value.message  # in Chinese through the catalogue
    task = fresh(task)
    assert task.status == Status.IN_PROGRESS
    assert not Attachment.objects.filter(task=task).exists()


def test_a_file_over_the_size_limit_is_refused(s, settings):
    settings.LUOSHI_UPLOAD_MAX_BYTES = 100
    task = _in_progress(s)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 200, content_type="application/pdf")
    with pytest.raises(LuoshiError) as refused:
        services.task_transition(actor=s.staff, task=task, action=Action.SUBMIT, comment="完成", files=[big])
    assert refused.value.code == "file_size" and "big.pdf" in str(refused.value.message)
    with pytest.raises(LuoshiError) as refused:
        services.task_report_progress(actor=s.staff, task=task, percent=50, text="过半", files=[big])
    assert refused.value.code == "file_size"
    assert fresh(task).status == Status.IN_PROGRESS


def test_files_go_only_with_the_steps_that_take_them(s):
    task = _in_progress(s)
    with pytest.raises(LuoshiError) as refused:
        services.task_transition(actor=s.supervisor, task=task, action=Action.SUSPEND, comment="暂缓", files=[doc()])
    assert refused.value.code == "no_files_here"
    assert fresh(task).status == Status.IN_PROGRESS


def test_the_api_names_files_uploaded_before(client, s):
    task = _in_progress(s)
    client.force_login(s.staff)
    uploaded = client.post(f"/api/v1/tasks/{task.pk}/attachments", {"files": [doc("验收表.pdf")]}).json()
    file_id = uploaded[0]["id"]
    client.force_login(s.supervisor)  # someone else's upload is not theirs to name
    other = client.post(
        f"/api/v1/tasks/{task.pk}/transitions",
        {"action": "suspend", "comment": "暂缓", "attachment_ids": [file_id]},
        content_type="application/json",
    )
    assert (other.status_code, other.json()["code"]) == (400, "no_files_here")
    client.force_login(s.staff)
    done = client.post(
        f"/api/v1/tasks/{task.pk}/transitions",
        {"action": "submit", "comment": "完成", "attachment_ids": [file_id], "version": fresh(task).version},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    step = next(e for e in done.json()["timeline"] if e["action"] == "submit")
    assert [a["name"] for a in step["attachments"]] == ["验收表.pdf"]
    client.force_login(s.resp_leader)
    reused = client.post(
        f"/api/v1/tasks/{task.pk}/transitions",
        {"action": "return", "comment": "不合格", "attachment_ids": [file_id]},
        content_type="application/json",
    )
    assert (reused.status_code, reused.json()["code"]) == (400, "unknown_attachment")
