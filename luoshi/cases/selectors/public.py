"""What a resident sees of the result on their own tracking page: the photos of the work done.

Only photos the handler marked as showing the result (处置后照片: sent with 答复 or with 自行处置 as
“after handling”) are shown, and only once the case is closed (as the reply itself). Photos of
the scene before handling, the verifier's check photos and PDFs stay internal: they may show
people, homes or papers with personal data. The page that shows them is the one opened with the
request's secret token (not the look-up by tracking number alone, which anyone can guess), and
each picture is served re-encoded with no metadata at all (no GPS location, no camera data; see
:func:`public_picture`). docs/cases.md, "The resident's page".
"""

from __future__ import annotations

from django.db.models import QuerySet

from luoshi.cases.models import Attachment, Case, EvidencePhase, Status
from luoshi.core import uploads
from luoshi.core.errors import NotFound

#: Statuses in which the resident sees the result (the reply and its photos).
SHOWN_WHEN = (Status.CLOSED, Status.RATED)


def public_photos(source: Case) -> QuerySet[Attachment]:
    """The result photos of ``source`` (the case whose status counts) a resident may see."""
    if source.status not in SHOWN_WHEN:
        return Attachment.objects.none()
    return Attachment.objects.filter(
        case=source, phase=EvidencePhase.AFTER, event__isnull=False, content_type__startswith="image/"
    ).order_by("id")


def public_picture(source: Case, token: str, *, small: bool = False) -> tuple[bytes, str]:
    """One result photo as the public may see it: re-encoded, upright, without any metadata
    (the stored copy is the evidence copy, which keeps the camera's GPS location for staff)."""
    item = public_photos(source).filter(token=token).first()
    if item is None:
        raise NotFound()
    with item.file.open("rb") as stored:
        data = stored.read()
    image = uploads.check_image(data, max_bytes=len(data) + 1)
    return (image.thumbnail if small else image.public), image.content_type
