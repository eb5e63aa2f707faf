"""Excel import and export of a campaign's household ledger.

The export and the import share one set of columns, so a ledger can be exported,
filled in or corrected in Excel or WPS, and imported back. An import matches rows
to households by their number (宗号): a known number updates the household, a new
one adds it. The file is read whole and every row checked with the same rules the
services apply (models' constraints, dates not in the future, parcels of this
campaign, no number twice in the file); if any row is wrong nothing is written and
every bad row is reported, in Chinese, with its row number. Sizes and packing are
checked by :mod:`luoshi.core.uploads` before the workbook is opened; every exported
cell goes through :mod:`luoshi.core.cells`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from luoshi.accounts.types import Actor
from luoshi.core import audit, cells, uploads
from luoshi.core.errors import ValidationFailed
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Person
from luoshi.org.permissions import require
from luoshi.relocation.error_codes import RelocationErrorCode
from luoshi.relocation.models import Campaign, Household, HouseholdKind, Parcel, RelocationChoice
from luoshi.relocation.privacy import owner
from luoshi.relocation.selectors import cadre_choices
from luoshi.relocation.services import HOUSEHOLD_FIELDS, snapshot_household

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000
EXPORT_LIMIT = 50_000

# (key, header, required, example)
COLUMNS: list[tuple[str, str | Promise, bool, str]] = [
    ("number", gettext_lazy("Number"), True, "DX4-0001"),
    ("parcel", gettext_lazy("Parcel"), False, "东星4号地块"),
    ("kind", gettext_lazy("Kind"), False, "民房"),
    ("owner_name", gettext_lazy("Owner"), True, "王建国"),
    ("owner_id_no", gettext_lazy("ID number"), False, ""),
    ("phone", gettext_lazy("Phone"), False, ""),
    ("address", gettext_lazy("House location"), False, "东星路18号"),
    ("house_area", gettext_lazy("House area (m²)"), True, "452.30"),
    ("land_area", gettext_lazy("Land area (m²)"), False, "150.00"),
    ("signed_on", gettext_lazy("Signed on"), False, "2026-06-30"),
    ("compensation_agreed", gettext_lazy("Compensation agreed (yuan)"), False, "4387310"),
    ("compensation_paid", gettext_lazy("Compensation paid (yuan)"), False, "4387310"),
    ("relocation_choice", gettext_lazy("Relocation choice"), False, "货币补偿"),
    ("vacated_on", gettext_lazy("Vacated on"), False, "2026-07-05"),
    ("demolished_on", gettext_lazy("Demolished on"), False, "2026-08-12"),
    ("note", gettext_lazy("Note"), False, ""),
    ("cadre", gettext_lazy("Household's cadre"), False, "彭晨曦"),
]
DATE_FIELDS = ("signed_on", "vacated_on", "demolished_on")
AREA_FIELDS = ("house_area", "land_area")
MONEY_FIELDS = ("compensation_agreed", "compensation_paid")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _header_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for key, header, _required, _example in COLUMNS:
        mapping[key] = key
        for lang in ("en", "zh-hans"):
            with override(lang):
                mapping[str(header).strip().lower()] = key
                mapping[str(header).strip().lower() + "*"] = key
    return mapping


def _choices(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value, label in choices:
        mapping[value] = value
        for lang in ("en", "zh-hans"):
            with override(lang):
                mapping[str(label).strip().lower()] = value
    return mapping


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(str(value).strip())
    if not match:
        raise ValueError
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _decimal(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "").replace("，", "")
    if text == "":
        return None
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number.quantize(Decimal("0.01"))


# --- export -----------------------------------------------------------------------------------


def template() -> bytes:
    """An empty ledger with the headers (required ones marked) and one example row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Household ledger")
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FDE2E2")
    for col, (_key, header, required, example) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=f"{header}*" if required else str(header))
        cell.font = bold
        if required:
            cell.fill = required_fill
        ws.cell(row=2, column=col, value=cells.safe_value(example))
        ws.column_dimensions[get_column_letter(col)].width = 16
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_ledger(*, actor: Actor, campaign: Campaign, reveal: bool) -> bytes:
    """The campaign's ledger as .xlsx in the import's columns; owners masked unless ``reveal``.

    The export is written to the activity log (who took the ledger out, masked or not).
    """
    kinds = {v: str(label) for v, label in HouseholdKind.choices}
    reloc = {v: str(label) for v, label in RelocationChoice.choices if v}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Household ledger"))
    cells.append(ws, [str(header) for _k, header, _r, _e in COLUMNS])
    rows = Household.objects.filter(campaign=campaign).select_related("parcel", "cadre").order_by("number", "id")
    for h in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
        o = owner(h, reveal=reveal)
        cells.append(ws, [
            h.number, h.parcel.name if h.parcel else "", kinds.get(h.kind, h.kind), o.name, o.id_no, o.phone,
            h.address, h.house_area, h.land_area, h.signed_on, h.compensation_agreed, h.compensation_paid,
            reloc.get(h.relocation_choice, ""), h.vacated_on, h.demolished_on, h.note, h.cadre.name if h.cadre else "",
        ])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    audit.record(actor=actor, obj=campaign, verb="relocation.export", comment=_("unmasked") if reveal else _("masked"))
    return out.getvalue()


# --- import -----------------------------------------------------------------------------------


@dataclass
class RowResult:
    number: int  # the row's number in the sheet (2 is the first under the header)
    key: str = ""  # the household number (宗号)
    errors: list[str] = field(default_factory=list)
    household: Household | None = None
    is_new: bool = True


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    changed: int = 0  # known households the import actually changed

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(not r.errors for r in self.rows)

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def added(self) -> int:
        return sum(1 for r in self.rows if r.is_new)

    @property
    def matched(self) -> int:
        return sum(1 for r in self.rows if not r.is_new)


def _read(content: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    try:
        uploads.check_xlsx(content)
    except ValidationFailed as exc:
        return [], [str(exc.message)]
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        return [], [_("This is not an Excel .xlsx file, or it is damaged.")]
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return [], [_("The file is empty.")]
    names = _header_map()
    columns = {i: names[_text(c).lower()] for i, c in enumerate(header) if _text(c).lower() in names}
    missing = [str(h) for k, h, required, _e in COLUMNS if required and k not in columns.values()]
    if missing:
        return [], [_("Missing columns: %(names)s. Download the template.") % {"names": "、".join(missing)}]
    result: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        values = {key: row[i] if i < len(row) else None for i, key in columns.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        result.append((number, values))
        if len(result) > MAX_ROWS:
            wb.close()
            return [], [_("At most %(n)d households can be imported at once.") % {"n": MAX_ROWS}]
    wb.close()
    if not result:
        return [], [_("The file has no household rows.")]
    return result, []


def _check_row(
    number: int,
    values: dict[str, Any],
    *,
    campaign: Campaign,
    existing: dict[str, Household],
    parcels: dict[str, Parcel],
    seen: dict[str, int],
    cadres: dict[str, list[Person]],
) -> RowResult:
    row = RowResult(number=number, key=_text(values.get("number")))
    kinds, choices = _choices(HouseholdKind.choices), _choices(RelocationChoice.choices)
    fields: dict[str, Any] = {}
    label = {k: str(h) for k, h, _r, _e in COLUMNS}

    def bad(key: str, message: str | None = None) -> None:
        row.errors.append(
            message
            or _("%(column)s: cannot read “%(value)s”.") % {"column": label[key], "value": _text(values.get(key))}
        )

    for key, _header, required, _example in COLUMNS:
        if key == "cadre" and key not in values:  # a file without the column keeps the cadres as they are
            continue
        raw = values.get(key)
        text = _text(raw)
        if required and text == "":
            bad(key, _("%(column)s is required.") % {"column": label[key]})
            continue
        try:
            if key in DATE_FIELDS:
                fields[key] = _date(raw)
            elif key in AREA_FIELDS or key in MONEY_FIELDS:
                number_value = _decimal(raw)
                if key in ("land_area", "compensation_paid") and number_value is None:
                    number_value = Decimal("0")
                fields[key] = number_value
            elif key == "kind":
                fields[key] = kinds[text.lower()] if text else HouseholdKind.RESIDENCE
            elif key == "relocation_choice":
                fields[key] = choices[text.lower()] if text else ""
            elif key == "parcel":
                if text and text not in parcels:
                    bad(key, _("No parcel “%(name)s” in this campaign.") % {"name": text})
                    continue
                fields[key] = parcels.get(text)
            elif key == "cadre":
                named: list[Person | None] = list(cadres.get(text, [])) if text else [None]
                if len(named) != 1:
                    message = (
                        _("%(column)s: nobody named “%(name)s” holds a position in %(unit)s.")
                        if not named
                        else _(
                            "%(column)s: several people named “%(name)s” hold a position in %(unit)s; "
                            "set the cadre on the household's page."
                        )
                    )
                    bad(key, message % {"column": label[key], "name": text, "unit": campaign.unit.name})
                    continue
                fields[key] = named[0]
            else:
                fields[key] = text.upper() if key == "owner_id_no" else text
        except (ValueError, KeyError, InvalidOperation):
            bad(key)
    if row.key and row.key in seen:
        row.errors.append(_("The number %(no)s is also on row %(row)d.") % {"no": row.key, "row": seen[row.key]})
    elif row.key:
        seen[row.key] = number
    if row.errors:
        return row
    household = existing.get(row.key)
    row.is_new = household is None
    if household is None:
        household = Household(campaign=campaign)
    for key in HOUSEHOLD_FIELDS:
        if key in fields:
            setattr(household, key, fields[key])
    today = local_today()
    for key in DATE_FIELDS:
        day = getattr(household, key)
        if day is not None and day > today:
            row.errors.append(_("%(column)s is in the future.") % {"column": label[key]})
    if household.signed_on is not None and household.signed_on < campaign.launched_on:
        row.errors.append(
            _("The signing date is before the campaign was launched (%(date)s).")
            % {"date": campaign.launched_on.isoformat()}
        )
    try:
        household.full_clean(exclude=["campaign", "number"] if not row.is_new else ["campaign"], validate_unique=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            prefix = f"{label[key]}: " if key in label else ""
            row.errors.extend(prefix + str(m) for m in messages)
    row.household = household
    return row


def check_file(*, actor: Actor, campaign: Campaign, content: bytes) -> ImportResult:
    """Read and check every row of an uploaded ledger; write nothing."""
    require(actor, "relocation.ledger.edit", campaign)
    rows, file_errors = _read(content)
    if file_errors:
        return ImportResult(file_errors=file_errors)
    existing = {h.number: h for h in Household.objects.filter(campaign=campaign).select_related("parcel", "cadre")}
    parcels = {p.name: p for p in Parcel.objects.filter(campaign=campaign)}
    cadres: dict[str, list[Person]] = {}
    for person in cadre_choices(campaign):
        cadres.setdefault(person.name, []).append(person)
    seen: dict[str, int] = {}
    return ImportResult(
        rows=[
            _check_row(n, v, campaign=campaign, existing=existing, parcels=parcels, seen=seen, cadres=cadres)
            for n, v in rows
        ]
    )


@transaction.atomic
def import_ledger(*, actor: Actor, campaign: Campaign, content: bytes) -> ImportResult:
    """Add and update every household of the file, or none: a file with any bad row writes nothing
    and raises :class:`ValidationFailed` whose details name every bad row."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    result = check_file(actor=actor, campaign=locked, content=content)
    if not result.ok:
        details: dict[str, list[str]] = {str(r.number): r.errors for r in result.bad_rows}
        if result.file_errors:
            details["file"] = result.file_errors
        count = len(result.file_errors) + len(result.bad_rows)
        raise ValidationFailed(
            _("%(n)d rows of the file have errors; nothing was imported.") % {"n": count},
            code=RelocationErrorCode.IMPORT_INVALID,
            details=details,
        )
    now = timezone.now()
    new = [r.household for r in result.rows if r.is_new and r.household is not None]
    changed = [r.household for r in result.rows if not r.is_new and r.household is not None]
    originals = {
        h.pk: snapshot_household(h)
        for h in Household.objects.filter(pk__in=[h.pk for h in changed]).select_related("parcel", "cadre")
    }
    for h in new:
        h.created_at = h.updated_at = now
    Household.objects.bulk_create(new, batch_size=500)
    entries = [audit.Entry(obj=h, verb="create", changes=audit.diff({}, snapshot_household(h)), comment=_("import"))
               for h in new]  # fmt: skip
    updated = []
    for h in changed:
        changes = audit.diff(originals[h.pk], snapshot_household(h))
        if changes:
            h.version += 1
            h.updated_at = now
            updated.append(h)
            entries.append(audit.Entry(obj=h, verb="update", changes=changes, comment=_("import")))
    if updated:
        Household.objects.bulk_update(updated, [*HOUSEHOLD_FIELDS, "version", "updated_at"], batch_size=500)
    audit.record_many(actor=actor, entries=entries)
    result.changed = len(updated)
    audit.record(
        actor=actor,
        obj=locked,
        verb="relocation.import",
        comment=_("%(added)d added, %(updated)d updated") % {"added": len(new), "updated": len(updated)},
    )
    return result
