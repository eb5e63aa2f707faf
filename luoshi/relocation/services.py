"""Every write to campaigns, parcels and the household ledger.

Keyword-only, one transaction each, permission through :mod:`luoshi.org.permissions`,
every change in the activity log. Figures are never written: they are read from
the ledger (see :mod:`luoshi.relocation.figures`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.core import audit, links
from luoshi.core.errors import Conflict, ValidationFailed
from luoshi.core.masking import mask_id_no, mask_name, mask_phone
from luoshi.core.timeutil import today as local_today
from luoshi.core.versioning import check_version, lock
from luoshi.org.models import Unit
from luoshi.org.permissions import require
from luoshi.relocation import selectors, workflow
from luoshi.relocation.error_codes import RelocationErrorCode
from luoshi.relocation.models import Campaign, Household, Parcel, Stage
from luoshi.relocation.permissions import campaign_roles

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{1,23}$")

CAMPAIGN_FIELDS = (
    "name",
    "kind",
    "team",
    "description",
    "launched_on",
    "signing_starts_on",
    "signing_deadline",
    "clearance_deadline",
    "compensation_standard",
    "is_public",
    "project_id",
)
PARCEL_FIELDS = ("name", "land_area", "lat", "lng", "boundary", "transferred_on", "sort_order")
HOUSEHOLD_FIELDS = (
    "number",
    "parcel",
    "kind",
    "owner_name",
    "owner_id_no",
    "phone",
    "address",
    "house_area",
    "land_area",
    "signed_on",
    "compensation_agreed",
    "compensation_paid",
    "relocation_choice",
    "vacated_on",
    "demolished_on",
    "note",
    "cadre",
)
#: Personal fields: the activity log keeps them masked, like the lists do.
PERSONAL = {"owner_name": mask_name, "owner_id_no": mask_id_no, "phone": mask_phone}
MAX_BOUNDARY_POINTS = 500


def _invalid(error: ValidationError) -> ValidationFailed:
    details = (
        {key: [str(m) for m in msgs] for key, msgs in error.message_dict.items()}
        if hasattr(error, "error_dict")
        else {"__all__": [str(m) for m in error.messages]}
    )
    first = next(iter(details.values()))[0] if details else _("Some of the data is not valid.")
    return ValidationFailed(first, details=details)


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise _invalid(error) from None


def snapshot_household(household: Household) -> dict[str, Any]:
    """What the activity log keeps of a household (personal fields masked)."""
    return _snapshot(household, HOUSEHOLD_FIELDS)


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    values = audit.snapshot(obj, fields)
    for name, mask in PERSONAL.items():
        if values.get(name):
            values[name] = mask(str(values[name]))
    return values


def _not_in_future(obj: Any, names: tuple[str, ...]) -> None:
    today = local_today()
    errors = {
        name: [_("This date is in the future: record a step on the day it happened.")]
        for name in names
        if getattr(obj, name) is not None and getattr(obj, name) > today
    }
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)


def _known(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(_("Unknown field: %(name)s") % {"name": ", ".join(sorted(unknown))})


def _apply(
    *, actor: Actor, obj: Any, fields: dict[str, Any], names: tuple[str, ...], check: Callable[[Any], None]
) -> Any:
    """Set ``fields`` on the locked ``obj``, check it, and save and log it if anything changed."""
    before = _snapshot(obj, names)
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)
    check(obj)
    changes = audit.diff(before, _snapshot(obj, names))
    if changes:
        obj.version += 1
        obj.save()
        audit.record(actor=actor, obj=obj, verb="update", changes=changes)
    return obj


# --- campaigns ------------------------------------------------------------------------------


def _check_project(actor: Actor, campaign: Campaign) -> None:
    """A linked key project must be one the actor may see (through ``core.links``; no project app, no link)."""
    if campaign.project_id is not None and not links.project_visible(actor, campaign.project_id):
        message = _("No such key project in your scope.")
        raise ValidationFailed(message, details={"project_id": [message]})


def _check_campaign(campaign: Campaign) -> None:
    if not CODE_RE.match(campaign.code or ""):
        raise ValidationFailed(
            _("A code is 2 to 24 letters, digits or hyphens, starting with a letter or digit."),
            details={"code": [_("A code is 2 to 24 letters, digits or hyphens, starting with a letter or digit.")]},
        )
    if not campaign.team.is_descendant_of(campaign.unit):
        raise ValidationFailed(
            _("The task force must be the township itself or one of its units."),
            details={"team": [_("The task force must be the township itself or one of its units.")]},
        )
    _full_clean(campaign)


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    unit: Unit,
    team: Unit,
    code: str,
    name: str,
    launched_on: dt.date,
    signing_starts_on: dt.date,
    signing_deadline: dt.date,
    clearance_deadline: dt.date,
    kind: str = "expropriation",
    description: str = "",
    compensation_standard: str = "",
    is_public: bool = False,
    project_id: int | None = None,
) -> Campaign:
    require(actor, "relocation.campaign.create", unit)
    campaign = Campaign(
        unit=unit,
        team=team,
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        launched_on=launched_on,
        signing_starts_on=signing_starts_on,
        signing_deadline=signing_deadline,
        clearance_deadline=clearance_deadline,
        description=description.strip(),
        compensation_standard=compensation_standard.strip(),
        is_public=is_public,
        project_id=project_id,
        stage_since=local_today(),
        created_by=actor if isinstance(actor, User) else None,
    )
    _check_campaign(campaign)
    _check_project(actor, campaign)
    campaign.save()
    audit.record(actor=actor, obj=campaign, verb="create", changes=audit.diff({}, _snapshot(campaign, CAMPAIGN_FIELDS)))
    return campaign


@transaction.atomic
def campaign_update(*, actor: Actor, campaign: Campaign, version: int | None = None, **fields: Any) -> Campaign:
    _known(fields, CAMPAIGN_FIELDS)
    locked = lock(Campaign.objects.select_related("unit", "team"), campaign.pk)
    require(actor, "relocation.campaign.edit", locked)
    check_version(locked, version)
    before_project = locked.project_id

    def check(obj: Campaign) -> None:
        _check_campaign(obj)
        if obj.project_id != before_project:
            _check_project(actor, obj)

    return _apply(actor=actor, obj=locked, fields=fields, names=CAMPAIGN_FIELDS, check=check)


def _needs_met(needs: str, campaign: Campaign) -> None:
    if needs == workflow.Needs.NOTHING:
        return
    f = selectors.campaign_figures(campaign)
    if needs == workflow.Needs.HOUSEHOLDS and f.households == 0:
        raise Conflict(
            _("Enter the households in the ledger before signing starts."), code=RelocationErrorCode.LEDGER_EMPTY
        )
    if needs == workflow.Needs.ONE_SIGNED and f.signed == 0:
        raise Conflict(_("No household has signed yet."), code=RelocationErrorCode.NONE_SIGNED)
    if needs == workflow.Needs.ONE_VACATED and f.vacated == 0:
        raise Conflict(_("No household has vacated yet."), code=RelocationErrorCode.NONE_VACATED)
    if needs == workflow.Needs.ALL_DEMOLISHED and not f.cleared:
        raise Conflict(
            _("The land is not clear yet: %(n)d of %(total)d households are not demolished.")
            % {"n": f.households - f.demolished, "total": f.households},
            code=RelocationErrorCode.NOT_CLEARED,
        )


@transaction.atomic
def campaign_transition(
    *, actor: Actor, campaign: Campaign, action: str, comment: str = "", version: int | None = None
) -> Campaign:
    locked = lock(Campaign.objects.select_related("unit", "team"), campaign.pk)
    require(actor, "relocation.campaign.view", locked)
    check_version(locked, version)
    transition = workflow.require(locked.stage, action, campaign_roles(actor, locked))
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise ValidationFailed(_("Please say why."), details={"comment": [_("Please say why.")]})
    if len(comment) > 2000:
        raise ValidationFailed(_("The comment is too long (at most 2000 characters)."))
    _needs_met(transition.needs, locked)
    before = locked.get_stage_display()
    locked.stage = transition.target
    locked.stage_since = local_today()
    locked.version += 1
    locked.save(update_fields=["stage", "stage_since", "version", "updated_at"])
    audit.record(
        actor=actor,
        obj=locked,
        verb=f"relocation.{action}",
        changes={"stage": {"before": before, "after": locked.get_stage_display()}},
        comment=comment,
    )
    return locked


# --- parcels --------------------------------------------------------------------------------


def _check_boundary(boundary: Any) -> list[list[float]]:
    message = _("A boundary is a list of up to 500 [latitude, longitude] pairs.")
    if boundary in (None, ""):
        return []
    if not isinstance(boundary, list) or len(boundary) > MAX_BOUNDARY_POINTS:
        raise ValidationFailed(message, details={"boundary": [message]})
    points: list[list[float]] = []
    for point in boundary:
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise ValidationFailed(message, details={"boundary": [message]})
        try:
            lat, lng = float(point[0]), float(point[1])
        except (TypeError, ValueError):
            raise ValidationFailed(message, details={"boundary": [message]}) from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationFailed(message, details={"boundary": [message]})
        points.append([round(lat, 6), round(lng, 6)])
    if points and len(points) < 3:
        raise ValidationFailed(message, details={"boundary": [message]})
    return points


#: A map point's places (the columns keep six: about 10 cm); the API rounds longer ones.
COORDINATE = Decimal("0.000001")


def _check_parcel(parcel: Parcel) -> None:
    parcel.boundary = _check_boundary(parcel.boundary)
    for name in ("lat", "lng"):
        value = getattr(parcel, name)
        if value is not None:
            setattr(parcel, name, Decimal(value).quantize(COORDINATE, rounding=ROUND_HALF_UP))
    if (parcel.lat is not None and not -90 <= parcel.lat <= 90) or (
        parcel.lng is not None and not -180 <= parcel.lng <= 180
    ):
        raise ValidationFailed(
            _("The map point is not on the earth."), details={"lat": [_("The map point is not on the earth.")]}
        )
    _not_in_future(parcel, ("transferred_on",))
    _full_clean(parcel)


@transaction.atomic
def parcel_create(*, actor: Actor, campaign: Campaign, name: str, **fields: Any) -> Parcel:
    require(actor, "relocation.ledger.edit", campaign)
    _known(fields, PARCEL_FIELDS)
    parcel = Parcel(campaign=campaign, name=name.strip(), **fields)
    _check_parcel(parcel)
    parcel.save()
    audit.record(actor=actor, obj=parcel, verb="create", changes=audit.diff({}, _snapshot(parcel, PARCEL_FIELDS)))
    return parcel


@transaction.atomic
def parcel_update(*, actor: Actor, parcel: Parcel, version: int | None = None, **fields: Any) -> Parcel:
    _known(fields, PARCEL_FIELDS)
    locked = lock(Parcel.objects.select_related("campaign__team", "campaign__unit"), parcel.pk)
    require(actor, "relocation.ledger.edit", locked.campaign)
    check_version(locked, version)
    return _apply(actor=actor, obj=locked, fields=fields, names=PARCEL_FIELDS, check=_check_parcel)


# --- households -----------------------------------------------------------------------------


def _check_household(household: Household, campaign: Campaign) -> None:
    if household.parcel is not None and household.parcel.campaign_id != campaign.pk:
        raise ValidationFailed(
            _("That parcel belongs to another campaign."),
            details={"parcel": [_("That parcel belongs to another campaign.")]},
        )
    _not_in_future(household, ("signed_on", "vacated_on", "demolished_on"))
    if household.signed_on is not None and household.signed_on < campaign.launched_on:
        message = _("The signing date is before the campaign was launched (%(date)s).") % {
            "date": campaign.launched_on.isoformat()
        }
        raise ValidationFailed(message, details={"signed_on": [message]})
    if household.cadre_id is not None and not selectors.cadre_choices(campaign).filter(pk=household.cadre_id).exists():
        message = _("The responsible cadre must hold a position in %(unit)s.") % {"unit": campaign.unit.name}
        raise ValidationFailed(message, details={"cadre": [message]})
    if household.compensation_paid is None:
        household.compensation_paid = Decimal("0")
    _full_clean(household)


def _clean_household_fields(fields: dict[str, Any]) -> dict[str, Any]:
    _known(fields, HOUSEHOLD_FIELDS)
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
            if name == "owner_id_no":
                value = value.upper()
        cleaned[name] = value
    return cleaned


@transaction.atomic
def household_create(*, actor: Actor, campaign: Campaign, **fields: Any) -> Household:
    require(actor, "relocation.ledger.edit", campaign)
    household = Household(campaign=campaign, **_clean_household_fields(fields))
    _check_household(household, campaign)
    household.save()
    audit.record(
        actor=actor, obj=household, verb="create", changes=audit.diff({}, _snapshot(household, HOUSEHOLD_FIELDS))
    )
    return household


@transaction.atomic
def household_update(*, actor: Actor, household: Household, version: int | None = None, **fields: Any) -> Household:
    """Change a ledger entry: record a step (signed, vacated, demolished), a payment, or a correction."""
    cleaned = _clean_household_fields(fields)
    locked = lock(Household.objects.select_related("parcel", "cadre"), household.pk)
    campaign = Campaign.objects.select_related("unit", "team").get(pk=locked.campaign_id)
    require(actor, "relocation.ledger.edit", campaign)
    check_version(locked, version)
    before = _snapshot(locked, HOUSEHOLD_FIELDS)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    _check_household(locked, campaign)
    changes = audit.diff(before, _snapshot(locked, HOUSEHOLD_FIELDS))
    if changes:
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        audit.record(actor=actor, obj=locked, verb="update", changes=changes)
    return locked


@transaction.atomic
def household_delete(*, actor: Actor, household: Household) -> None:
    """Remove an entry made by mistake; a household that has signed stays on the ledger."""
    locked = lock(Household.objects.all(), household.pk)
    campaign = Campaign.objects.select_related("unit", "team").get(pk=locked.campaign_id)
    require(actor, "relocation.ledger.edit", campaign)
    if locked.signed_on is not None:
        raise Conflict(
            _("A household that has signed cannot be removed from the ledger."),
            code=RelocationErrorCode.HOUSEHOLD_SIGNED,
        )
    audit.record(actor=actor, obj=locked, verb="delete", changes=audit.diff(_snapshot(locked, HOUSEHOLD_FIELDS), {}))
    locked.delete()


def household_open(*, actor: Actor, campaign: Campaign, pk: int | str) -> tuple[Household, bool]:
    """Read one household for its page and log the opening (every opening is recorded).

    Returns the household and whether ``actor`` sees the owner's data unmasked.
    """
    from luoshi.org.permissions import can

    household = selectors.access_household(campaign, pk)
    reveal = can(actor, "relocation.household.reveal", campaign)
    audit.record(actor=actor, obj=household, verb="view", comment=_("unmasked") if reveal else _("masked"))
    return household, reveal


# --- the daily watch ------------------------------------------------------------------------

#: Warn this many days before the signing deadline while households are unsigned.
SIGNING_WARN_DAYS = 3
#: Warn this many days before the 净地 target while houses stand.
CLEARANCE_WARN_DAYS = 7
WATCH_KIND = "relocation.deadline"


def _watch_reason(campaign: Campaign) -> str:
    f, s = campaign.figures, campaign.schedule  # type: ignore[attr-defined]
    if not f.all_signed and f.households:
        if s.signing_days_left < 0:
            return _("%(n)d households unsigned, the signing deadline passed %(days)d days ago.") % {
                "n": f.pending,
                "days": -s.signing_days_left,
            }
        if s.signing_days_left <= SIGNING_WARN_DAYS or s.lagging:
            return _("%(n)d households unsigned (%(rate)s%% signed), %(days)d days to the signing deadline.") % {
                "n": f.pending,
                "rate": f.signing_rate,
                "days": s.signing_days_left,
            }
    if f.households and not f.cleared and s.clearance_days_left <= CLEARANCE_WARN_DAYS:
        return _("%(n)d houses still stand, %(days)d days to the cleared-land date.") % {
            "n": f.households - f.demolished,
            "days": s.clearance_days_left,
        }
    return ""


def _watchers(campaign: Campaign) -> list[Any]:
    from luoshi.org.models import RoleGrant
    from luoshi.relocation.permissions import COMMANDERS, TEAM_STAFF

    grants = RoleGrant.objects.filter(
        Q(unit=campaign.team, role__in=TEAM_STAFF) | Q(unit=campaign.unit, role__in=COMMANDERS),
        user__is_active=True,
    ).select_related("user")
    return list({g.user_id: g.user for g in grants}.values())


@transaction.atomic
def deadline_watch(*, today: dt.date | None = None) -> int:
    """Tell the task force and the township's commanders, once a day, about campaigns whose signing
    lags or is near or past its deadline, and whose houses still stand near the 净地 target.

    Returns the number of campaigns warned about. Running it twice on one day warns once.
    """
    from luoshi.notifications.models import Notification
    from luoshi.notifications.services import notify

    day = today or local_today()
    campaigns = list(Campaign.objects.exclude(stage__in=[Stage.CLEARED, Stage.WRAP_UP]).select_related("unit", "team"))
    selectors.with_figures(campaigns, day, brief=True)
    since = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    warned = set(
        Notification.objects.filter(kind=WATCH_KIND, created_at__gte=since).values_list("object_id", flat=True)
    )
    count = 0
    for campaign in campaigns:
        reason = _watch_reason(campaign)
        if not reason or str(campaign.pk) in warned:
            continue
        notify(
            recipients=_watchers(campaign),
            kind=WATCH_KIND,
            title=_("Land acquisition: %(name)s") % {"name": campaign.name},
            body=reason,
            url=reverse("relocation:detail", args=[campaign.pk]),
            obj=campaign,
        )
        count += 1
    return count
