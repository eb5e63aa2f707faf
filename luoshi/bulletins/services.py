"""Every write on bulletins: build a draft, edit it, move it through the workflow, issue it.

A draft is built from the record **as of** its date: each section comes from a
provider of :mod:`luoshi.core.bulletin_sections`, which reads only what existed
before the end of that day, so building it again later gives the same content.
Issuing gives the next 发文字号 of the issuing unit and year (a counter row
updated under a row lock, plus a unique constraint), freezes the sections,
stores the .docx and the .xlsx annex, notifies the users of the units it is
addressed to, and then renders the PDF once (stored beside the .docx).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor, signed_in
from luoshi.bulletins import annex, document, pdf, workflow
from luoshi.bulletins.error_codes import BulletinErrorCode
from luoshi.bulletins.models import Bulletin, BulletinEvent, Issuer, Kind, Schedule, Section, Sequence, Status
from luoshi.core import audit
from luoshi.core import bulletin_sections as bs
from luoshi.core.bounds import date_in_range
from luoshi.core.errors import ErrorCode, Forbidden, ValidationFailed
from luoshi.core.versioning import check_version, lock
from luoshi.notifications.services import notify
from luoshi.org.models import RoleGrant, Unit, UnitKind
from luoshi.org.permissions import require
from luoshi.org.scope import scope_for

log = logging.getLogger(__name__)

MAX_TEXT = 4000
MAX_SECTIONS = 30
#: Kinds of unit a bulletin is addressed to by default: the places and offices right below.
RECIPIENT_KINDS = (
    UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.COMMUNITY, UnitKind.VILLAGE,
    UnitKind.DEPARTMENT, UnitKind.TASK_FORCE,
)  # fmt: skip
ADDRESSEE_GROUPS = [
    ((UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT), "各镇（街道）"),
    ((UnitKind.COMMUNITY, UnitKind.VILLAGE), "各社区（村）"),
    ((UnitKind.DEPARTMENT,), "各部门"),
    ((UnitKind.TASK_FORCE,), "各工作组"),
]


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_tz())


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def window(bulletin: Bulletin) -> tuple[dt.datetime, dt.datetime]:
    """``since`` (start of the first day) and ``until`` (end of the as-of day), aware."""
    return day_start(bulletin.period_start), day_start(bulletin.as_of + dt.timedelta(days=1))


def default_period_start(kind: str, unit: Unit, as_of: dt.date) -> dt.date:
    """Weekly: the day after the last issued weekly bulletin of the unit (within a month), else the 7 days
    up to the date; monthly and ranking: the month up to the date; special: the 30 days up to the date."""
    if kind in (Kind.MONTHLY, Kind.RANKING):
        return as_of.replace(day=1)
    if kind == Kind.SPECIAL:  # one matter: the 30 days up to the date, whatever was issued before
        return as_of - dt.timedelta(days=29)
    last = (
        Bulletin.objects.filter(unit=unit, kind=kind, status=Status.ISSUED, as_of__lt=as_of)
        .filter(as_of__gte=as_of - dt.timedelta(days=31))
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if last is not None:
        return last + dt.timedelta(days=1)
    return as_of - dt.timedelta(days=6)


def default_title(kind: str, as_of: dt.date, subject: str = "") -> str:
    year, week, _day = as_of.isocalendar()
    if kind == Kind.WEEKLY:
        return f"关于{year}年第{week}周督查督办工作情况的通报"
    if kind == Kind.MONTHLY:
        return f"关于{as_of.year}年{as_of.month}月督查督办工作情况的通报"
    if kind == Kind.RANKING:
        return f"关于{as_of.year}年{as_of.month}月工作实绩擂台比拼情况的通报"
    return f"关于{subject or '有关事项'}的专项通报"


def issuer_for(unit: Unit) -> Issuer:
    issuer = Issuer.objects.filter(unit=unit).first()
    if issuer is None:
        short = unit.name[:2]
        issuer = Issuer.objects.create(
            unit=unit, body=f"{unit.name}督查督办工作领导小组办公室", prefix=f"{short}督", printer=f"{unit.name}督查办"
        )
    return issuer


def default_recipients(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=unit, is_active=True, kind__in=RECIPIENT_KINDS).order_by("sort_order", "pk"))


def addressees(units: list[Unit]) -> str:
    if not units:
        return ""
    if len(units) <= 4:
        return "，".join(u.name for u in units)
    kinds = {u.kind for u in units}
    parts = [label for group, label in ADDRESSEE_GROUPS if kinds & set(group)]
    return "、".join(parts) or "各有关单位"


def _login(actor: Actor | None) -> User | None:
    """The login who acted, or None for the system (a schedule) or an anonymous caller."""
    return actor if isinstance(actor, User) else None


def _build(provider: bs.SectionProvider, unit: Unit, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    with translation.override("zh-hans"):
        return provider.build(unit, since, until).as_dict()


def _event(bulletin: Bulletin, actor: Actor | None, action: str, before: str, after: str, comment: str = "") -> None:
    BulletinEvent.objects.create(
        bulletin=bulletin, action=action, from_status=before, to_status=after,
        actor=_login(actor), comment=comment,
    )  # fmt: skip


@dataclass
class DraftData:
    kind: str
    unit: Unit
    as_of: dt.date
    period_start: dt.date | None = None
    subject: str = ""
    text: str = ""
    section_keys: list[str] | None = None  # the sections of a special bulletin


def create_draft(*, actor: Actor | None, data: DraftData, schedule: Schedule | None = None) -> Bulletin:
    """Build a draft bulletin from the record as of ``data.as_of`` (the whole day)."""
    if actor is not None:
        require(actor, "bulletin.create", data.unit)
    if data.kind not in Kind.values:
        raise ValidationFailed(_("Choose a kind of bulletin."), code=BulletinErrorCode.BAD_KIND)
    date_in_range(data.as_of)
    if data.as_of > timezone.localdate():
        message = _("A bulletin reports what has happened: its date cannot be in the future.")
        raise ValidationFailed(message, code=BulletinErrorCode.FUTURE_DATE)
    if data.kind == Kind.SPECIAL and not data.subject.strip():
        raise ValidationFailed(_("A special bulletin needs its matter."), code=BulletinErrorCode.SUBJECT_REQUIRED)
    if len(data.subject) > 120 or len(data.text) > MAX_TEXT:
        raise ValidationFailed(_("The text is too long."), code=BulletinErrorCode.TOO_LONG)
    start = data.period_start or default_period_start(data.kind, data.unit, data.as_of)
    if start > data.as_of or (data.as_of - start).days > 366:
        raise ValidationFailed(
            _("The period must start on or before the bulletin's date and span at most a year."),
            code=BulletinErrorCode.INVALID_PERIOD,
        )
    providers = bs.providers_for(data.kind)
    if data.kind == Kind.SPECIAL and data.section_keys is not None:
        providers = [p for p in providers if p.key in set(data.section_keys)]
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            kind=data.kind, unit=data.unit, as_of=data.as_of, period_start=start, subject=data.subject.strip(),
            title=default_title(data.kind, data.as_of, data.subject.strip()), created_by=_login(actor),
            schedule=schedule,
        )  # fmt: skip
        bulletin.recipients.set(default_recipients(data.unit))
        since, until = window(bulletin)
        position = 1
        if data.text.strip():
            Section.objects.create(
                bulletin=bulletin,
                key="text.1",
                title=_title_zh(gettext_lazy("Overall situation")),
                position=position,
                text=data.text.strip(),
            )
            position += 1
        with bs.build_session():
            for provider in providers:
                Section.objects.create(
                    bulletin=bulletin, key=provider.key, title=_title_zh(provider.title), position=position,
                    content=_build(provider, data.unit, since, until),
                )  # fmt: skip
                position += 1
        _event(bulletin, actor, "create", "", Status.DRAFT)
        audit.record(actor=actor, obj=bulletin, verb="bulletin.create")
    return bulletin


def _title_zh(title: Any) -> str:
    with translation.override("zh-hans"):
        return str(title)[:80]


def rebuild(*, actor: Actor, bulletin: Bulletin) -> Bulletin:
    """Build the content of every data section again (same date, same period); edits stay."""
    _require_draft_editor(actor, bulletin)
    since, until = window(bulletin)
    with transaction.atomic(), bs.build_session():
        for section in bulletin.sections.all():
            provider = bs.provider(section.key)
            if provider is not None:
                section.content = _build(provider, bulletin.unit, since, until)
                section.save(update_fields=["content"])
    return bulletin


def _require_draft_editor(actor: Actor, bulletin: Bulletin) -> None:
    require(actor, "bulletin.edit", bulletin)
    if bulletin.status not in workflow.EDITABLE:
        raise ValidationFailed(
            _("Only a draft can be changed; this bulletin is frozen."), code=BulletinErrorCode.FROZEN
        )


@dataclass
class SectionEdit:
    pk: int
    position: int
    included: bool
    text: str


@dataclass
class Edit:
    title: str
    cc: str
    recipient_ids: list[int]
    sections: list[SectionEdit]
    new_title: str = ""
    new_text: str = ""


def edit(*, actor: Actor, bulletin: Bulletin, data: Edit, version: int | None) -> Bulletin:
    """Reorder, drop and add text to sections; change the title, addressees and 抄送; add a text section."""
    _require_draft_editor(actor, bulletin)
    errors: dict[str, list[str]] = {}
    if not data.title.strip() or len(data.title) > 120:
        errors["title"] = [_("Give the bulletin a title of at most 120 characters.")]
    if len(data.cc) > 200:
        errors["cc"] = [_("At most 200 characters.")]
    for s in data.sections:
        if len(s.text) > MAX_TEXT:
            errors[f"text_{s.pk}"] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
    if (data.new_text and len(data.new_text) > MAX_TEXT) or len(data.new_title) > 80:
        errors["new_text"] = [_("The new section is too long.")]
    if data.new_text.strip() and not data.new_title.strip():
        errors["new_title"] = [_("Give the new section a heading.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), code=ErrorCode.INVALID, details=errors)
    with transaction.atomic():
        locked = lock(Bulletin, bulletin.pk)
        check_version(locked, version)
        sections = {s.pk: s for s in locked.sections.all()}
        for s in data.sections:
            section = sections.get(s.pk)
            if section is None:
                continue
            section.position, section.included, section.text = max(0, min(s.position, 999)), s.included, s.text.strip()
            section.save(update_fields=["position", "included", "text"])
        if data.new_title.strip():
            if len(sections) >= MAX_SECTIONS:
                raise ValidationFailed(
                    _("A bulletin has at most %(n)d sections.") % {"n": MAX_SECTIONS}, code=BulletinErrorCode.TOO_MANY
                )
            n = 1 + sum(1 for s in sections.values() if s.key.startswith("text."))
            while any(s.key == f"text.{n}" for s in sections.values()):
                n += 1
            Section.objects.create(
                bulletin=locked, key=f"text.{n}", title=data.new_title.strip(), text=data.new_text.strip(),
                position=1 + max((s.position for s in sections.values()), default=0),
            )  # fmt: skip
        allowed = {u.pk for u in default_recipients(locked.unit)} | set(locked.recipients.values_list("pk", flat=True))
        locked.recipients.set([pk for pk in data.recipient_ids if pk in allowed])
        locked.title, locked.cc = data.title.strip(), data.cc.strip()
        locked.version = F("version") + 1
        locked.save(update_fields=["title", "cc", "version", "updated_at"])
        locked.refresh_from_db()
        audit.record(actor=actor, obj=locked, verb="bulletin.edit")
    return locked


def _doc_data(bulletin: Bulletin, sign_day: dt.date) -> document.DocData:
    issuer = issuer_for(bulletin.unit)
    sections = [s for s in bulletin.sections.all() if s.included]
    annexes = [a for s in sections for a in bs.SectionContent.from_dict(s.content or {}).annexes]
    kind_intro = {
        Kind.WEEKLY: "现将{period}督查督办工作情况通报如下：",
        Kind.MONTHLY: "现将{period}督查督办工作情况通报如下：",
        Kind.RANKING: "现将{period}工作实绩擂台比拼情况通报如下：",
        Kind.SPECIAL: "现将{subject}有关情况通报如下：",
    }[Kind(bulletin.kind)]
    period = f"{cn_date(bulletin.period_start)}至{cn_date(bulletin.as_of)}"
    return document.DocData(
        body=issuer.body,
        doc_number=bulletin.doc_number,
        title=bulletin.title,
        addressees=addressees(list(bulletin.recipients.order_by("sort_order", "pk"))),
        intro=[kind_intro.format(period=period, subject=bulletin.subject)],
        sections=[document.DocSection(s.title, s.text, bs.SectionContent.from_dict(s.content or {})) for s in sections],
        sign_date=cn_date(sign_day),
        cc=bulletin.cc,
        printer=issuer.printer,
        annex_note="通报明细表（电子表格）" if annexes else "",
        draft=bulletin.status != Status.ISSUED,
    )


def render_docx(bulletin: Bulletin, sign_day: dt.date | None = None) -> bytes:
    return document.render(_doc_data(bulletin, sign_day or bulletin.issued_on or timezone.localdate()))


def render_xlsx(bulletin: Bulletin) -> bytes | None:
    pairs = []
    for s in bulletin.sections.all():
        if s.included:
            for a in bs.SectionContent.from_dict(s.content or {}).annexes:
                pairs.append((s.title, a))
    return annex.render(pairs)


def next_number(unit: Unit, year: int) -> int:
    """The next 发文字号 of ``unit`` in ``year``: the counter row is updated in place (a row lock)."""
    Sequence.objects.get_or_create(unit=unit, year=year)
    Sequence.objects.filter(unit=unit, year=year).update(last=F("last") + 1)
    return Sequence.objects.filter(unit=unit, year=year).values_list("last", flat=True).get()


def act(
    *,
    actor: Actor,
    bulletin: Bulletin,
    action: str,
    comment: str = "",
    version: int | None = None,
    issue_day: dt.date | None = None,
) -> Bulletin:
    """Take one step of the workflow table; issuing numbers, freezes, stores and notifies."""
    require(actor, "bulletin.view", bulletin)
    row = workflow.transition(bulletin.status, action)
    if not (scope_for(actor).roles_at(bulletin.unit) & row.roles):
        raise Forbidden(code=BulletinErrorCode.TRANSITION_FORBIDDEN)
    if row.needs_comment and not comment.strip():
        raise ValidationFailed(_("Say why (a comment is required)."), code=BulletinErrorCode.COMMENT_REQUIRED)
    if len(comment) > MAX_TEXT:
        raise ValidationFailed(_("The comment is too long."), code=BulletinErrorCode.TOO_LONG)
    with transaction.atomic():
        locked = lock(Bulletin, bulletin.pk)
        check_version(locked, version)
        workflow.transition(locked.status, action)
        before = locked.status
        if action == workflow.ISSUE:
            _issue(actor, locked, issue_day or timezone.localdate())
        locked.status = row.target
        locked.version = F("version") + 1
        locked.save()
        locked.refresh_from_db()
        _event(locked, actor, action, before, locked.status, comment.strip())
        audit.record(actor=actor, obj=locked, verb=f"bulletin.{action}", comment=comment.strip())
        if action == workflow.ISSUE:
            _notify_recipients(locked)
        elif action == workflow.SUBMIT:
            _notify_reviewers(locked)
    if action == workflow.ISSUE and getattr(settings, "LUOSHI_BULLETIN_PDF", True):
        render_pdf(locked)
    return locked


def _issue(actor: Actor, bulletin: Bulletin, today: dt.date) -> None:
    issuer = issuer_for(bulletin.unit)
    seq = next_number(bulletin.unit, today.year)
    bulletin.doc_year, bulletin.doc_seq = today.year, seq
    bulletin.doc_number = f"{issuer.prefix}〔{today.year}〕{seq}号"
    bulletin.issued_on, bulletin.issued_at = today, timezone.now()
    bulletin.issued_by = _login(actor)
    bulletin.status = Status.ISSUED
    stem = f"{bulletin.unit_id}-{today.year}-{seq:03d}"
    bulletin.docx.save(f"{stem}.docx", ContentFile(render_docx(bulletin, today)), save=False)
    xlsx = render_xlsx(bulletin)
    if xlsx is not None:
        bulletin.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)


def render_pdf(bulletin: Bulletin) -> bool:
    """Render and store the PDF of an issued bulletin once; a failure is recorded and retried by the worker.

    The 版记 goes on an even page (GB/T 9704): when the text ends on an odd page, the stored .docx is
    replaced by the same document with the 版记 on a page of its own (``pdf.record_on_even_page``)."""
    if bulletin.status != Status.ISSUED or not bulletin.docx or bulletin.pdf:
        return False
    with bulletin.docx.open("rb") as handle:
        data = handle.read()
    try:
        docx, rendered = pdf.record_on_even_page(data)
    except pdf.RenderFailed as exc:
        log.warning("bulletin %s: %s", bulletin.pk, exc)
        Bulletin.objects.filter(pk=bulletin.pk).update(pdf_error=str(exc)[:200])
        return False
    stem = bulletin.docx.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if docx != data:
        name = bulletin.docx.name
        bulletin.docx.delete(save=False)
        bulletin.docx.save(name.rsplit("/", 1)[-1], ContentFile(docx), save=False)
    bulletin.pdf.save(f"{stem}.pdf", ContentFile(rendered), save=False)
    Bulletin.objects.filter(pk=bulletin.pk).update(docx=bulletin.docx.name, pdf=bulletin.pdf.name, pdf_error="")
    return True


def render_pending_pdfs(limit: int = 5) -> int:
    """Worker job: PDFs that could not be rendered at issue time (LibreOffice missing or busy)."""
    done = 0
    for bulletin in (
        Bulletin.objects.filter(status=Status.ISSUED, pdf="").exclude(docx="").order_by("issued_at")[:limit]
    ):
        done += int(render_pdf(bulletin))
    return done


def _notify_recipients(bulletin: Bulletin) -> None:
    users = [
        g.user
        for g in RoleGrant.objects.filter(unit__in=bulletin.recipients.all(), user__is_active=True).select_related(
            "user"
        )
    ]
    with translation.override("zh-hans"):
        notify(
            recipients=users, kind="bulletin.issued", title=f"{bulletin.doc_number} {bulletin.title}"[:200],
            body=_("A bulletin addressed to your unit was issued."),
            url=reverse("bulletins:detail", args=[bulletin.pk]), obj=bulletin,
        )  # fmt: skip


def _notify_reviewers(bulletin: Bulletin) -> None:
    grants = RoleGrant.objects.filter(
        unit_id__in=[*bulletin.unit.ancestor_ids, bulletin.unit_id],
        role__in=sorted(str(r) for r in workflow.REVIEWERS if r != "admin"),
        user__is_active=True,
    ).select_related("user")
    with translation.override("zh-hans"):
        notify(
            recipients=[g.user for g in grants], kind="bulletin.review", title=bulletin.title,
            body=_("A bulletin waits for your review."), url=reverse("bulletins:detail", args=[bulletin.pk]),
            obj=bulletin,
        )  # fmt: skip


# --- schedules ----------------------------------------------------------------------------------


def scheduled_as_of(kind: str, today: dt.date) -> dt.date:
    """Weekly: last Sunday (the week before); monthly: the last day of the month before."""
    if kind == Kind.MONTHLY:
        return today.replace(day=1) - dt.timedelta(days=1)
    return today - dt.timedelta(days=today.weekday() + 1)


def run_schedules(now: dt.datetime | None = None) -> int:
    """Worker job: make the drafts that are due (once per schedule and day); idempotent."""
    moment = (now or timezone.now()).astimezone(local_tz())
    today = moment.date()
    made = 0
    for schedule in Schedule.objects.filter(is_active=True).select_related("unit"):
        due = today.day == 1 if schedule.kind == Kind.MONTHLY else today.weekday() == schedule.weekday
        if not due or moment.hour < schedule.hour or schedule.last_run_on == today:
            continue
        with transaction.atomic():
            claimed = Schedule.objects.filter(pk=schedule.pk).exclude(last_run_on=today).update(last_run_on=today)
            if not claimed:
                continue
            as_of = scheduled_as_of(schedule.kind, today)
            create_draft(
                actor=None, data=DraftData(kind=schedule.kind, unit=schedule.unit, as_of=as_of), schedule=schedule
            )
            made += 1
    return made


#: Kinds a schedule may make (a special or ranking bulletin is made by hand).
SCHEDULED_KINDS = (Kind.WEEKLY, Kind.MONTHLY)


@dataclass
class ScheduleData:
    unit: Unit
    kind: str
    weekday: int
    hour: int
    is_active: bool = True


def _check_schedule(actor: Actor, data: ScheduleData, schedule: Schedule | None) -> None:
    require(actor, "bulletin.create", data.unit)
    errors: dict[str, list[str]] = {}
    if data.kind not in SCHEDULED_KINDS:
        errors["kind"] = [_("A schedule makes weekly or monthly bulletins.")]
    if not 0 <= data.weekday <= 6:
        errors["weekday"] = [_("Choose a day of the week.")]
    if not 0 <= data.hour <= 23:
        errors["hour"] = [_("Enter an hour from 0 to 23.")]
    if not errors:
        taken = Schedule.objects.filter(unit=data.unit, kind=data.kind)
        if schedule is not None:
            taken = taken.exclude(pk=schedule.pk)
        if taken.exists():
            errors["kind"] = [_("This unit has a schedule for this kind already; change that one.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), code=ErrorCode.INVALID, details=errors)


def schedule_create(*, actor: Actor, data: ScheduleData) -> Schedule:
    """A supervisor (or administrator) of the unit schedules its weekly or monthly bulletin."""
    _check_schedule(actor, data, None)
    with transaction.atomic():
        schedule = Schedule.objects.create(
            unit=data.unit, kind=data.kind, weekday=data.weekday if data.kind == Kind.WEEKLY else 0,
            hour=data.hour, is_active=data.is_active, created_by=signed_in(actor),
        )  # fmt: skip
        audit.record(actor=actor, obj=schedule, verb="bulletin.schedule")
    return schedule


def schedule_update(*, actor: Actor, schedule: Schedule, data: ScheduleData) -> Schedule:
    """Change a schedule's unit, kind, day, hour or whether it runs (paused schedules make nothing)."""
    require(actor, "bulletin.create", schedule.unit)
    _check_schedule(actor, data, schedule)
    with transaction.atomic():
        locked = lock(Schedule, schedule.pk)
        locked.unit, locked.kind, locked.hour, locked.is_active = data.unit, data.kind, data.hour, data.is_active
        locked.weekday = data.weekday if data.kind == Kind.WEEKLY else 0
        locked.save(update_fields=["unit", "kind", "weekday", "hour", "is_active"])
        audit.record(actor=actor, obj=locked, verb="bulletin.schedule")
    return locked


def schedule_set_active(*, actor: Actor, schedule: Schedule, active: bool) -> Schedule:
    """Pause or resume a schedule."""
    require(actor, "bulletin.create", schedule.unit)
    with transaction.atomic():
        locked = lock(Schedule, schedule.pk)
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit.record(actor=actor, obj=locked, verb="bulletin.schedule_resume" if active else "bulletin.schedule_pause")
    return locked
