"""Photos and files sent with a workflow step (答复, 核查结案, 回退, 自行处置), kept with the step.

A page sends the files with the step itself; the API uploads them first
(:func:`evidence_upload`, which answers a token per file) and names the tokens in the step.
Either way every file passes the one check in :mod:`luoshi.core.uploads` (a photo or a PDF by
content, at most the attachment size, at most :data:`~luoshi.core.uploads.MAX_FILES_PER_STEP`
at a time) before anything is changed, and is stored pointing at the step's timeline entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import Attachment, Case, EvidencePhase
from luoshi.cases.permissions import require_report
from luoshi.cases.services._common import _Step, _user
from luoshi.cases.services.intake import attachment_store
from luoshi.core import uploads
from luoshi.core.errors import ValidationFailed

#: What a step's evidence may be: a fresh upload (page) or a token from :func:`evidence_upload` (API).
Evidence = Any


def check_evidence(items: Sequence[Evidence], *, field: str = "files") -> None:
    """Refuse too many files, or any that is not a whole photo or PDF within the size limit."""
    uploads.check_count(items, field=field)
    for item in items:
        if not isinstance(item, Attachment):
            uploads.check_photo_or_pdf(item, field=field)


def claim(actor: Actor, tokens: Sequence[str], *, field: str = "attachments") -> list[Attachment]:
    """The files ``actor`` uploaded for a step and has not used yet, by token (API)."""
    wanted = [str(t).strip() for t in tokens if str(t).strip()]
    uploads.check_count(wanted, field=field)
    if not wanted:
        return []
    user = _user(actor)
    mine = (
        Attachment.objects.filter(token__in=wanted, case__isnull=True, patrol__isnull=True, uploaded_by=user)
        if user
        else []
    )
    found = {a.token: a for a in mine}
    unknown = [t for t in wanted if t not in found]
    if unknown:
        message = _("Unknown or already used file token: %(token)s") % {"token": unknown[0][:40]}
        raise ValidationFailed(message, code=CaseErrorCode.UNKNOWN_ATTACHMENT, details={field: [message]})
    return [found[t] for t in wanted]


def attach(step: _Step, items: Sequence[Evidence], phase: str = "") -> list[Attachment]:
    """Keep ``items`` with the step just finished (its timeline entry), already checked."""
    stored = []
    for item in items:
        if isinstance(item, Attachment):
            item.case, item.event, item.phase = step.case, step.event, phase
            item.save(update_fields=["case", "event", "phase"])
            stored.append(item)
        else:
            stored.append(
                attachment_store(
                    actor=step.actor, upload=item, case=step.case, event=step.event, phase=phase, field="files"
                )
            )
    return stored


@transaction.atomic
def evidence_upload(*, actor: Actor, files: Sequence[Any]) -> list[Attachment]:
    """API: keep photos or files for a step still to come; the answer's tokens name them in the step."""
    require_report(actor)
    if not files:
        message = _("Choose at least one photo or file.")
        raise ValidationFailed(message, code=CaseErrorCode.FILES_REQUIRED, details={"files": [message]})
    check_evidence(files)
    return [attachment_store(actor=actor, upload=f, field="files") for f in files]


def photos_before(case: Case) -> int:
    """How many photos or files show the scene before handling: those sent with the report, and
    any sent as "before" with a step."""
    return case.attachments.filter(Q(event__isnull=True) | Q(phase=EvidencePhase.BEFORE)).count()
