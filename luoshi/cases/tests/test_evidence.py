"""Evidence in the loop (issue 14, finding 2): photos and files with a reply, a verification, a
send-back and closing on the spot (自行处置), stored with the step and shown on the timeline; the
bounds of the one upload check; and who may close on the spot."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi.cases import services
from luoshi.cases.models import Attachment, Outcome, Status
from luoshi.cases.tests.factories import report, to_state
from luoshi.core.errors import LuoshiError
from luoshi.core.testing import picture

pytestmark = pytest.mark.django_db


def photo(name: str = "xianchang.jpg", fmt: str = "JPEG") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture(fmt), content_type="image/jpeg")


def _post(client: Client, case: Any, action: str, data: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
    body = {"action": action, "version": case.version, **data, **(files or {})}
    return client.post(f"/cases/{case.pk}/act/", body)


# --- Pages: photos sent with a step, on the timeline with alt text --------------------------------------


def test_a_reply_with_photos_shows_them_on_the_timeline(w):
    case = to_state(w, "handling")
    client = Client()
    client.force_login(w.staff)
    response = _post(
        client,
        case,
        "reply",
        {"comment": "已清运"},
        {"reply-photos": [photo("after1.jpg"), photo("after2.png", "PNG")]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = case.events.get(action="reply")
    files = list(Attachment.objects.filter(event=event).order_by("id"))
    assert [(a.original_name, a.phase, a.case_id) for a in files] == [
        ("after1.jpg", "after", case.pk),
        ("after2.png", "after", case.pk),
    ]
    client.force_login(w.supervisor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    timeline = page.split('data-testid="timeline"')[1]
    assert 'data-testid="evidence-reply"' in timeline
    assert 'alt="处置后：after1.jpg"' in timeline and 'alt="处置后：after2.png"' in timeline
    assert client.get(f"/cases/{case.pk}/files/{files[0].token}/").status_code == 200
    api = client.get(f"/api/v1/cases/{case.pk}").json()
    reply = next(e for e in api["events"] if e["action"] == "reply")
    assert [(a["name"], a["phase"]) for a in reply["attachments"]] == [("after1.jpg", "after"), ("after2.png", "after")]
    assert reply["attachments"][0]["url"] == f"/cases/{case.pk}/files/{files[0].token}/"


def test_verify_and_send_back_take_photos_too(w):
    case = to_state(w, "handled")
    client = Client()
    client.force_login(w.grid)
    response = _post(client, case, "send_back", {"comment": "还有垃圾"}, {"send_back-photos": [photo("still.jpg")]})
    assert response.status_code == 302
    assert Attachment.objects.filter(event__action="send_back", original_name="still.jpg").exists()
    case.refresh_from_db()
    services.case_reply(actor=w.staff, case=case, comment="已彻底清理")
    case.refresh_from_db()
    response = _post(client, case, "verify", {}, {"verify-photos": [photo("check.jpg")]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert Attachment.objects.get(original_name="check.jpg").event.action == "verify"


# --- The bounds of the upload check, refused with a Chinese message and nothing changed --------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        # not a picture or PDF, whatever the name says
        ([SimpleUploadedFile("fake.jpg", b"MZ\x90\x00 a program", content_type="image/jpeg")], "不是照片"),
        ([SimpleUploadedFile("notes.txt", "整改说明".encode(), content_type="text/plain")], "不是照片"),
        # ten files: one more than a step takes
        ([photo(f"p{i}.jpg") for i in range(10)], "最多"),
    ],
)
def test_bad_files_are_refused_with_the_reason(w, files, message):
    case = to_state(w, "handling")
    client = Client()
    client.force_login(w.staff)
    response = _post(client, case, "reply", {"comment": "已清运"}, {"reply-photos": files})
    assert response.status_code == 400
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.HANDLING
    assert not Attachment.objects.filter(case=case).exists()


def test_a_file_over_the_size_limit_is_refused(w, settings):
    settings.LUOSHI_UPLOAD_MAX_BYTES = 200
    case = to_state(w, "handling")
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 400, content_type="application/pdf")
    with pytest.raises(LuoshiError) as refused:
        services.case_reply(actor=w.staff, case=case, comment="已清运", files=[big])
    assert refused.value.code == "file_size"
    assert "big.pdf" in str(refused.value.message) and "MB" in str(refused.value.message)
    case.refresh_from_db()
    assert case.status == Status.HANDLING
    ok = SimpleUploadedFile("ok.pdf", b"%PDF-1.4\n" + b"0" * 100, content_type="application/pdf")  # 109 bytes
    services.case_reply(actor=w.staff, case=case, comment="已清运", files=[ok])
    assert Attachment.objects.filter(case=case, original_name="ok.pdf", content_type="application/pdf").exists()


# --- Closing on the spot (自行处置) -------------------------------------------------------------------------


def test_a_grid_worker_closes_a_simple_case_on_the_spot(w):
    case = report(w, code="05003", title="菜场门口占道经营", uploads=[photo("before.jpg")])
    closed = services.case_handle_on_spot(
        actor=w.grid, case=case, comment="已劝导摊主退回店内经营", after=[photo("after.jpg")]
    )
    assert (closed.status, closed.outcome, closed.handling_unit_id) == (Status.CLOSED, Outcome.RESOLVED, w.grid_unit.pk)
    assert (closed.replied_by_id, closed.public_reply) == (w.grid.pk, "已劝导摊主退回店内经营")
    event = closed.events.get(action="handle_on_spot")
    assert event.is_public and event.to_status == Status.CLOSED
    assert [(a.original_name, a.phase) for a in event.attachments.all()] == [("after.jpg", "after")]
    # The rater rule: the worker who closed it does not record the resident's rating.
    with pytest.raises(LuoshiError) as refused:
        services.case_rate(actor=w.grid, case=closed, rating="satisfied")
    assert refused.value.code == "rate_own_work"
    assert services.case_rate(actor=w.supervisor, case=closed, rating="satisfied").status == Status.RATED


@pytest.mark.parametrize(
    ("before", "after", "code"),
    [
        ([], [], "after_photo_required"),
        ([], ["after.jpg"], "before_photo_required"),  # the report had no photo either
        (["before.jpg"], [], "after_photo_required"),
    ],
)
def test_closing_on_the_spot_needs_photos_before_and_after(w, before, after, code):
    case = report(w, code="05003")
    with pytest.raises(LuoshiError) as refused:
        services.case_handle_on_spot(
            actor=w.grid,
            case=case,
            comment="已处理",
            before=[photo(n) for n in before],
            after=[photo(n) for n in after],
        )
    assert (refused.value.status, refused.value.code) == (400, code)
    case.refresh_from_db()
    assert case.status == Status.REPORTED


@pytest.mark.parametrize(
    ("code", "who", "status", "error"),
    [
        ("05003", "grid", 200, None),  # 占道经营: allowed
        ("01006", "community", 200, None),  # 乱堆物堆料: allowed, community staff of the place too
        ("05004", "grid", 409, "not_on_the_spot"),  # 机动车乱停放: goes to the command unit
        ("06001", "grid", 409, "not_on_the_spot"),  # 井盖缺失: needs a repair unit
        ("05003", "supervisor", 403, "transition_forbidden"),  # not a field worker of the place
        ("05003", "staff", 404, "not_found"),  # a department does not see a case not yet dispatched to it
        ("05003", "viewer", 403, "transition_forbidden"),
    ],
)
def test_who_may_close_on_the_spot_through_the_api(w, code, who, status, error):
    user = getattr(w, who)
    case = report(w, code=code, uploads=[] if who == "grid" else [photo("report.jpg")])  # the scene before
    client = Client()
    client.force_login(w.grid)
    before = client.post("/api/v1/cases/evidence", {"files": [photo("b.jpg")]})
    assert before.status_code == 201, before.content
    client.force_login(user)
    after = client.post("/api/v1/cases/evidence", {"files": [photo("a.jpg")]})
    tokens = [a["token"] for a in after.json()] if after.status_code == 201 else []
    before_tokens = [before.json()[0]["token"]] if who == "grid" else []
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"action": "handle_on_spot", "comment": "已处理", "attachments": tokens, "before_attachments": before_tokens},
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    if error:
        assert response.json()["code"] == error
    else:
        body = response.json()
        assert body["status"] == "closed"
        event = next(e for e in body["events"] if e["action"] == "handle_on_spot")
        assert sorted(a["phase"] for a in event["attachments"]) == (["after", "before"] if who == "grid" else ["after"])


def test_an_upload_token_is_used_once_and_only_by_its_uploader(w):
    client = Client()
    client.force_login(w.staff)
    token = client.post("/api/v1/cases/evidence", {"files": [photo()]}).json()[0]["token"]
    case = to_state(w, "handling")
    client.force_login(w.leader)  # a handler too, but not the uploader
    stolen = client.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"action": "reply", "comment": "已清运", "attachments": [token]},
        content_type="application/json",
    )
    assert (stolen.status_code, stolen.json()["code"]) == (400, "unknown_attachment")
    client.force_login(w.staff)
    used = client.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"action": "reply", "comment": "已清运", "attachments": [token]},
        content_type="application/json",
    )
    assert used.status_code == 200, used.content
    again = to_state(w, "handling")
    reused = client.post(
        f"/api/v1/cases/{again.pk}/transitions",
        {"action": "reply", "comment": "已清运", "attachments": [token]},
        content_type="application/json",
    )
    assert (reused.status_code, reused.json()["code"]) == (400, "unknown_attachment")


def test_the_evidence_upload_refuses_read_only_roles_and_bad_files(w):
    client = Client()
    client.force_login(w.viewer)
    refused = client.post("/api/v1/cases/evidence", {"files": [photo()]})
    assert (refused.status_code, refused.json()["code"]) == (403, "read_only")
    client.force_login(w.grid)
    bad = client.post("/api/v1/cases/evidence", {"files": [SimpleUploadedFile("x.jpg", b"not a picture at all")]})
    assert bad.status_code == 400 and "不是照片" in bad.json()["message"]
    too_many = client.post("/api/v1/cases/evidence", {"files": [photo(f"{i}.jpg") for i in range(10)]})
    assert (too_many.status_code, too_many.json()["code"]) == (400, "too_many_files")
