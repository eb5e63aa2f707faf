"""Consultation meetings (会商) and 形象进度 photos."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from luoshi.core.errors import ValidationFailed
from luoshi.projects import selectors, services
from luoshi.projects.models import ProgressEntry, ProgressPhoto, Project
from luoshi.projects.tests.factories import Scene

pytestmark = pytest.mark.django_db


def project(s: Scene, name: str = "安置房") -> Project:
    return services.project_create(
        actor=s.leader,
        data=services.ProjectData(
            name=name, unit=s.tree["dept"], total_investment="1000", annual_plan="500", plan_year=2026,
            stage="construction", leaders=[s.leader_person],
        ),
    )  # fmt: skip


def jpeg_with_gps() -> bytes:
    picture = Image.new("RGB", (800, 600), (200, 120, 40))
    exif = Image.Exif()
    gps = {1: "N", 2: (28.0, 0.0, 0.0), 3: "E", 4: (120.0, 42.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_are_checked_by_content_and_kept_with_and_without_location(
    s: Scene, fixed_today: dt.date, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    p = project(s)
    good = SimpleUploadedFile("site.jpg", jpeg_with_gps(), content_type="image/jpeg")
    entry = services.progress_add(actor=s.staff, project=p, text="主体施工至三层", photos=[good])
    (photo,) = ProgressPhoto.objects.filter(entry=entry)
    assert (float(photo.lat or 0), float(photo.lng or 0)) == (28.0, 120.7)
    assert b"Exif" in photo.evidence.read()[:64]
    assert b"Exif" not in photo.public.read()[:64]
    with Image.open(photo.thumbnail) as thumb:
        assert max(thumb.size) == 320
    # A program named .jpg refuses the whole entry: nothing is half-saved.
    fake = SimpleUploadedFile("site2.jpg", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        services.progress_add(actor=s.staff, project=p, text="再报", photos=[good, fake])
    assert "photos" in exc.value.details
    assert ProgressEntry.objects.count() == 1


def test_the_evidence_copy_is_for_reporters_only(s: Scene, fixed_today: dt.date, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    p = project(s)
    good = SimpleUploadedFile("site.jpg", jpeg_with_gps(), content_type="image/jpeg")
    entry = services.progress_add(actor=s.staff, project=p, text="基础完成", photos=[good])
    photo = entry.photos.get()
    staff, viewer, outsider = Client(), Client(), Client()
    staff.force_login(s.staff)
    viewer.force_login(s.viewer)
    outsider.force_login(s.outsider)
    assert staff.get(f"/projects/photos/{photo.pk}/evidence/").status_code == 200
    assert viewer.get(f"/projects/photos/{photo.pk}/thumb/").status_code == 200
    assert viewer.get(f"/projects/photos/{photo.pk}/evidence/").status_code == 404
    assert outsider.get(f"/projects/photos/{photo.pk}/thumb/").status_code == 404
    body = staff.get(f"/projects/{p.pk}/").content.decode()
    assert f"/projects/photos/{photo.pk}/thumb/" in body


def test_the_next_meeting_lists_what_was_settled_and_what_was_not(s: Scene, fixed_today: dt.date) -> None:
    p, q = project(s), project(s, "产业园")
    first = services.meeting_create(
        actor=s.leader, unit=s.tree["a"], date=dt.date(2026, 3, 20), title="第一次会商", projects=[p, q],
        chair=s.leader_person,
    )  # fmt: skip
    kept = services.meeting_problem_add(
        actor=s.leader, meeting=first, project=p, kind="utilities", title="电杆迁移", unit=s.tree["dept"],
        due_date=dt.date(2026, 4, 30),
    )  # fmt: skip
    done = services.meeting_problem_add(
        actor=s.leader, meeting=first, project=q, kind="land", title="用地报批", unit=s.tree["dept"],
        due_date=dt.date(2026, 4, 30),
    )  # fmt: skip
    services.problem_settle(actor=s.leader, problem=done, comment="已报批")
    second = services.meeting_create(
        actor=s.leader, unit=s.tree["a"], date=dt.date(2026, 4, 10), title="第二次会商", projects=[p]
    )
    review = selectors.meeting_review(second)
    assert review.previous == first
    assert [r.problem.title for r in review.settled] == ["用地报批"]
    assert [r.problem.title for r in review.unsettled] == ["电杆迁移"]
    assert kept.meeting == first
    with pytest.raises(ValidationFailed):  # q was not discussed at the second meeting
        services.meeting_problem_add(
            actor=s.leader, meeting=second, project=q, kind="other", title="x", unit=s.tree["dept"],
            due_date=dt.date(2026, 4, 30),
        )  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.meeting_create(actor=s.leader, unit=s.tree["a"], date=dt.date(2026, 4, 17), title="明天", projects=[p])
    c = Client()
    c.force_login(s.leader)
    body = c.get(f"/projects/meetings/{second.pk}/").content.decode()
    assert "用地报批" in body and "电杆迁移" in body
    assert c.get("/projects/meetings/").status_code == 200


def test_meetings_api(s: Scene, fixed_today: dt.date) -> None:
    p = project(s)
    c = Client()
    c.force_login(s.leader)
    body = {"unit_id": s.tree["a"].pk, "date": "2026-04-10", "title": "会商", "project_ids": [p.pk]}
    response = c.post("/api/v1/projects/meetings", body, content_type="application/json")
    assert response.status_code == 201, response.content
    mid = response.json()["id"]
    problem = {
        "project_id": p.pk,
        "kind": "land",
        "title": "用地",
        "unit_id": s.tree["dept"].pk,
        "due_date": "2026-05-01",
    }
    response = c.post(f"/api/v1/projects/meetings/{mid}/problems", problem, content_type="application/json")
    assert [r["title"] for r in response.json()["raised"]] == ["用地"]
    assert c.get("/api/v1/projects/meetings").json()["count"] == 1
    outsider = Client()
    outsider.force_login(s.outsider)
    assert outsider.get(f"/api/v1/projects/meetings/{mid}").status_code == 404


def test_api_adds_a_progress_entry_with_photos_and_refuses_a_fake_one(
    s: Scene, fixed_today: dt.date, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    p = project(s)
    c = Client()
    c.force_login(s.staff)
    url = f"/api/v1/projects/{p.pk}/progress/photos"
    good = SimpleUploadedFile("site.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = c.post(url, {"text": "主体施工至三层", "date": "2026-04-01", "photos": [good]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "主体施工至三层" and body["date"] == "2026-04-01"
    (photo,) = body["photos"]
    assert photo["url"].endswith("/full/") and photo["thumbnail_url"].endswith("/thumb/")
    assert c.get(photo["url"]).status_code == 200
    # A program under a picture's name: 400 with the reason, nothing saved.
    fake = SimpleUploadedFile("site2.jpg", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/jpeg")
    response = c.post(url, {"text": "再报", "photos": [fake]})
    assert response.status_code == 400 and "photos" in response.json()["details"]
    assert ProgressEntry.objects.filter(project=p).count() == 1
    # Outsiders do not see the project; a viewer may not report on it.
    outsider = Client()
    outsider.force_login(s.outsider)
    assert outsider.post(url, {"text": "x", "photos": [good]}).status_code == 404
    viewer = Client()
    viewer.force_login(s.viewer)
    good.seek(0)
    assert viewer.post(url, {"text": "x", "photos": [good]}).status_code == 403
