"""The resident's own page shows the photos of the result once the case is closed (docs/cases.md,
"The resident's page"): only photos marked "after handling", never the scene before, the
verifier's photos or PDFs; served without any metadata, and only under the request's token."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from luoshi.cases import services
from luoshi.cases.models import Attachment
from luoshi.cases.tests.factories import report, to_state
from luoshi.core.testing import picture

pytestmark = pytest.mark.django_db

#: Where the phone was when the photos were taken (EXIF GPS): staff see it, residents never.
HERE = (27.993, 120.699)


def photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture("JPEG", (40, 30), gps=HERE), content_type="image/jpeg")


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n", content_type="application/pdf")


def _page(case: Any) -> str:
    return Client().get(f"/cases/public/c/{case.tracking_no}/{case.public_token}/").content.decode()


def _shown(page: str) -> list[str]:
    """The photos the page links to, by token."""
    return re.findall(r'<a href="/cases/public/c/[^"]+/photos/([0-9a-f]+)/"', page)


def test_after_photos_of_a_case_closed_on_the_spot_show_without_their_location(w):
    case = report(w, code="05003", title="菜场门口占道经营", uploads=[photo("before-report.jpg")])
    assert case.category.is_public
    closed = services.case_handle_on_spot(
        actor=w.grid,
        case=case,
        comment="已劝导摊主退回店内经营",
        before=[photo("before.jpg")],
        after=[photo("after.jpg"), pdf("处置记录.pdf")],
    )
    after = Attachment.objects.get(case=closed, original_name="after.jpg")
    before = Attachment.objects.get(case=closed, original_name="before.jpg")
    # The stored copy is the evidence copy: staff keep where it was taken.
    with after.file.open("rb") as stored:
        assert Image.open(io.BytesIO(stored.read())).getexif().get_ifd(0x8825)

    page = _page(closed)
    assert _shown(page) == [after.token]
    assert "处置记录.pdf" not in page and before.token not in page and "before-report" not in page
    assert 'alt="处置结果照片 1"' in page

    base = f"/cases/public/c/{closed.tracking_no}/{closed.public_token}/photos"
    for url, side in [(f"{base}/{after.token}/", 40), (f"{base}/{after.token}/?size=small", 40)]:
        response = Client().get(url)
        assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg"), url
        shown = Image.open(io.BytesIO(response.content))
        assert shown.size[0] == side
        assert not shown.getexif() and "exif" not in shown.info, url
    # The scene before, a PDF, a wrong token: not found.
    pdf_token = Attachment.objects.get(case=closed, original_name="处置记录.pdf").token
    assert Client().get(f"{base}/{before.token}/").status_code == 404
    assert Client().get(f"{base}/{pdf_token}/").status_code == 404
    assert Client().get(f"/cases/public/c/{closed.tracking_no}/wrong/photos/{after.token}/").status_code == 404
    # The look-up by tracking number alone (anyone can guess one) shows no photo.
    tracked = Client().get("/cases/public/track/", {"tracking_no": closed.tracking_no}).content.decode()
    assert after.token not in tracked and 'data-testid="public-status"' in tracked


def test_reply_photos_show_once_the_case_is_closed_and_verifier_photos_never(w):
    case = to_state(w, "handling")
    services.case_reply(actor=w.staff, case=case, comment="已清运", files=[photo("after1.jpg")])
    case.refresh_from_db()
    reply = Attachment.objects.get(case=case, original_name="after1.jpg")
    base = f"/cases/public/c/{case.tracking_no}/{case.public_token}/photos"
    # Replied, not yet verified: the resident sees neither the reply nor its photos.
    assert _shown(_page(case)) == []
    assert Client().get(f"{base}/{reply.token}/").status_code == 404
    services.case_verify(actor=w.grid, case=case, files=[photo("check.jpg")])
    case.refresh_from_db()
    assert _shown(_page(case)) == [reply.token]
    check = Attachment.objects.get(case=case, original_name="check.jpg")
    assert Client().get(f"{base}/{check.token}/").status_code == 404
