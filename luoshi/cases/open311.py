"""Open311 GeoReport v2 at /open311/v2/: discovery, services, requests and tokens, in JSON and XML.

Follows the GeoReport v2 specification (docs/open311.md lists every choice):

- every resource ends in ``.json`` or ``.xml``; XML has no namespace;
- ``service_request_id`` and ``service_code`` are strings; datetimes are W3C
  with the time-zone offset (Asia/Shanghai);
- ``GET requests/{id}`` returns a list of one;
- errors are a list of ``{code, description}`` with status 400, 403, 404 or 429;
- only public categories are services, and only their cases are listed;
- ``status`` is ``open`` or ``closed``; the internal state goes in ``status_notes``.

Views are thin: parse the request, call a selector or :func:`services.case_report`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any
from xml.etree import ElementTree as ET  # we only write XML here, never parse it

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from luoshi.cases import ratelimit, selectors, services, sla, standards
from luoshi.cases.models import (
    DONE_STATUSES,
    AttributeType,
    Case,
    CaseKind,
    Category,
    CategoryAttribute,
    Channel,
    Open311Key,
    Stage,
    Status,
)
from luoshi.core import workdays
from luoshi.core.errors import LuoshiError
from luoshi.core.masking import mask_email, mask_id_no, mask_phone
from luoshi.org.models import Unit, UnitKind

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90
MAX_PAGE_SIZE = 1000
KEY_PREFIX = "o311"


class Open311Error(Exception):
    def __init__(self, status: int, description: str, code: int | str | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.code = code if code is not None else status


# --- API keys ---------------------------------------------------------------------------------


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def key_create(*, name: str, unit: Unit, note: str = "") -> tuple[Open311Key, str]:
    """A new API key; the raw key is returned once and never stored."""
    raw = f"{KEY_PREFIX}_{secrets.token_urlsafe(24)}"
    key = Open311Key.objects.create(name=name, unit=unit, note=note, prefix=raw[:12], key_hash=hash_key(raw))
    return key, raw


def key_for(raw: str) -> Open311Key | None:
    if not raw:
        return None
    key = Open311Key.objects.select_related("unit").filter(key_hash=hash_key(raw.strip()), is_active=True).first()
    if key is not None:
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


# --- Rendering --------------------------------------------------------------------------------


def w3c(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_element(parent: ET.Element, tag: str, value: Any, item_tags: dict[str, str]) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, sub in value.items():
            _xml_element(element, key, sub, item_tags)
    elif isinstance(value, list):
        child_tag = item_tags.get(tag, tag.rstrip("s"))
        for item in value:
            _xml_element(element, child_tag, item, item_tags)
    else:
        element.text = _xml_value(value)


#: How list items are named in XML, by the name of their list.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    if isinstance(data, list):
        child_tag = ITEM_TAGS[root]
        for item in data:
            _xml_element(element, child_tag, item, ITEM_TAGS)
    else:
        for key, value in data.items():
            _xml_element(element, key, value, ITEM_TAGS)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    return respond(fmt, "errors", [{"code": error.code, "description": error.description}], status=error.status)


View = Callable[..., HttpResponse]


def open311_view(view: View) -> View:
    """Turn errors into spec error bodies; check ``jurisdiction_id`` when one is configured."""

    def wrapper(request: HttpRequest, fmt: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if fmt not in ("json", "xml"):
                raise Open311Error(404, _("Unknown format: use .json or .xml."))
            _check_jurisdiction(request)
            return view(request, fmt, *args, **kwargs)
        except Open311Error as error:
            response = error_response(fmt if fmt in ("json", "xml") else "xml", error)
            if error.status == 429:
                response["Retry-After"] = str(key_limit()[1])
            return response
        except LuoshiError as error:
            status = error.status if error.status in (400, 403, 404) else 400
            return error_response(fmt, Open311Error(status, str(error.message), error.code))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def jurisdiction() -> str:
    return str(getattr(settings, "LUOSHI_OPEN311_JURISDICTION", "") or "")


def _param(request: HttpRequest, name: str) -> str:
    """A parameter from the query string or form body; empty counts as absent (spec)."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None:
        value = request.GET.get(name, "")
    return value.strip()


def _check_jurisdiction(request: HttpRequest) -> None:
    given = _param(request, "jurisdiction_id")
    if not given:
        return
    if given == jurisdiction() or _jurisdiction_unit(given) is not None:
        return
    raise Open311Error(404, _("Unknown jurisdiction_id: %(id)s") % {"id": given})


def _jurisdiction_unit(code: str) -> Unit | None:
    return Unit.objects.filter(
        code=code.upper(), kind__in=[UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT], is_active=True
    ).first()


# --- Discovery and services -------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "json"})).rsplit("/", 1)[0] + "/"
    data = {
        "changeset": w3c(dt.datetime(2026, 1, 1, tzinfo=sla.local_tz())),
        "contact": getattr(settings, "LUOSHI_OPEN311_CONTACT", "") or _("Contact your township's office."),
        "key_service": _("API keys are issued by the administrators of this Luoshi installation."),
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": base,
                "changeset": w3c(dt.datetime(2026, 1, 1, tzinfo=sla.local_tz())),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", data)


def public_services() -> QuerySet[Category]:
    """Public, active sub-categories: the services residents can request."""
    return (
        Category.objects.filter(is_active=True, is_public=True, parent__isnull=False, parent__is_active=True)
        .filter(parent__is_public=True)
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order", "code")
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@open311_view
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    with_attributes = set(CategoryAttribute.objects.values_list("category_id", flat=True))
    data = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": c.description or c.service_notice or (c.parent.service_notice if c.parent else ""),
            "metadata": c.pk in with_attributes,
            "type": "realtime",
            "keywords": c.keywords,
            "group": c.parent.name if c.parent else "",
        }
        for c in public_services()
    ]
    return respond(fmt, "services", data)


def _service(code: str) -> Category:
    category = public_services().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("Unknown service_code: %(code)s") % {"code": code})
    return category


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@open311_view
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = _service(code)
    data = {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(v.get("key", "")), "name": str(v.get("name", ""))} for v in a.values or []],
            }
            for a in category.attributes.all()
        ],
    }
    return respond(fmt, "service_definition", data)


# --- Requests ---------------------------------------------------------------------------------


def status_notes(case: Case, source: Case) -> str:
    label = str(Status(source.status).label)
    if case.status == Status.MERGED and source.pk != case.pk:
        return _("Merged into %(no)s (%(status)s)") % {"no": source.tracking_no, "status": label}
    if source.outcome and source.outcome_reason:
        return f"{label}：{source.outcome_reason}"
    return label


def expected(case: Case, cal: Any) -> dt.datetime | None:
    """When the request should be resolved: the handling due time (projected while still being accepted)."""
    if case.status not in (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.HANDLING, Status.HANDLED):
        return None
    if case.stage in (Stage.HANDLE, Stage.VERIFY):
        return case.due_at
    if case.stage_started_at is None:
        return case.due_at
    limits = standards.limits_for(case.category_id, case.owner_unit.kind)
    return sla.deadline(case.stage_started_at, limits.accept + limits.handle, case.extension_days, cal).due_at


def request_data(case: Case, cal: Any) -> dict[str, Any]:
    source = selectors.effective(case)
    agency = source.handling_unit or source.owner_unit
    notice = case.category.service_notice or (case.category.parent.service_notice if case.category.parent else "")
    return {
        "service_request_id": case.tracking_no,
        "status": "closed" if source.status in DONE_STATUSES else "open",
        "status_notes": status_notes(case, source),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": public_description(case),
        "agency_responsible": agency.name if agency else "",
        "service_notice": notice,
        "requested_datetime": w3c(case.reported_at),
        "updated_datetime": w3c(max(case.updated_at, source.updated_at)),
        "expected_datetime": w3c(expected(source, cal)),
        "address": redact(case.address),
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lng,
        "media_url": case.media_url,
    }


#: Channels whose cases are published in ``requests``: reports made to the public (the web form,
#: Open311 clients) and grid workers' reports of problems in public space. A hotline call, a walk-in
#: visit, a letter or a staff entry was said to the government, not to the public, and is never listed.
PUBLIC_CHANNELS = (Channel.WEB, Channel.OPEN311, Channel.GRID)

_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_ID_NO = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """A resident's text as published: ID numbers, phone numbers and e-mail addresses masked
    (core.masking's rules), whoever wrote them."""
    text = _ID_NO.sub(lambda m: mask_id_no(m.group()), text or "")
    text = _PHONE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())), text)
    return _EMAIL.sub(lambda m: mask_email(m.group()), text)


def public_description(case: Case) -> str:
    """What ``requests`` publishes as a case's description: the redacted text, or for an anonymous
    report only the service's name (an anonymous resident's own words are never published)."""
    if case.is_anonymous:
        return case.category.name
    return redact(case.description or case.title)


def _requests_queryset() -> QuerySet[Case]:
    return Case.objects.filter(category__is_public=True, channel__in=PUBLIC_CHANNELS).select_related(
        "category",
        "category__parent",
        "handling_unit",
        "owner_unit",
        "duplicate_of",
        "duplicate_of__handling_unit",
        "duplicate_of__owner_unit",
        "duplicate_of__category",
    )


def _when(value: str, name: str) -> dt.datetime:
    moment = parse_datetime(value.replace(" ", "+")) if "T" in value else None
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise Open311Error(400, _("%(name)s is not a W3C date or datetime.") % {"name": name})
        return sla.start_of_day(day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, sla.local_tz())
    return moment


def _positive(value: str, name: str, default: int, maximum: int) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a whole number.") % {"name": name}) from None
    if not 1 <= number <= maximum:
        raise Open311Error(400, _("%(name)s must be between 1 and %(max)d.") % {"name": name, "max": maximum})
    return number


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _render_requests(fmt: str, cases: Iterable[Case], status: int = 200) -> HttpResponse:
    cal = workdays.calendar()
    return respond(fmt, "service_requests", [request_data(c, cal) for c in cases], status=status)


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    qs = _requests_queryset()
    # Checked even when service_request_id makes them moot: a malformed request is refused either way.
    page = _positive(_param(request, "page"), "page", 1, 1_000_000)
    size = _positive(_param(request, "page_size"), "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    ids = _split(_param(request, "service_request_id"))
    if ids:
        # The spec: service_request_id overrides every other parameter.
        return _render_requests(fmt, qs.filter(tracking_no__in=[i.upper() for i in ids])[:MAX_PAGE_SIZE])
    codes = _split(_param(request, "service_code"))
    if codes:
        qs = qs.filter(category__code__in=codes)
    start_text, end_text = _param(request, "start_date"), _param(request, "end_date")
    updated_after, updated_before = _param(request, "updated_after"), _param(request, "updated_before")
    end = _when(end_text, "end_date") if end_text else None
    start = _when(start_text, "start_date") if start_text else None
    if start is None and not (updated_after or updated_before):
        start = (end or timezone.now()) - dt.timedelta(days=DEFAULT_DAYS)
    if start is not None and end is not None and end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if start is not None:
        qs = qs.filter(reported_at__gte=start)
    if end is not None:
        qs = qs.filter(reported_at__lte=end)
    if updated_after:
        qs = qs.filter(updated_at__gt=_when(updated_after, "updated_after"))
    if updated_before:
        qs = qs.filter(updated_at__lt=_when(updated_before, "updated_before"))
    statuses = _split(_param(request, "status").lower())
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed."))
        done = list(DONE_STATUSES)
        closed_q = Q(status__in=done) | Q(status=Status.MERGED, duplicate_of__status__in=done)
        if statuses == ["open"]:
            qs = qs.exclude(closed_q)
        elif statuses == ["closed"]:
            qs = qs.filter(closed_q)
    qs = qs.order_by("-reported_at", "-id")[(page - 1) * size : page * size]
    return _render_requests(fmt, qs)


def _attributes(request: HttpRequest, category: Category) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for attribute in category.attributes.all():
        name = f"attribute[{attribute.code}]"
        if attribute.datatype == AttributeType.MULTI:
            values = [v.strip() for v in request.POST.getlist(f"{name}[]") + request.POST.getlist(name) if v.strip()]
            value: Any = values
        else:
            value = request.POST.get(name, "").strip()
        if attribute.required and not value:
            raise Open311Error(400, _("%(name)s is required.") % {"name": name})
        if not value:
            continue
        allowed = {str(v.get("key")) for v in attribute.values or []}
        chosen = value if isinstance(value, list) else [value]
        if attribute.datatype in (AttributeType.SINGLE, AttributeType.MULTI) and not set(chosen) <= allowed:
            raise Open311Error(400, _("%(name)s has a value that is not in the list.") % {"name": name})
        if attribute.datatype == AttributeType.NUMBER:
            try:
                float(value)
            except ValueError:
                raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from None
        answers[attribute.code] = value
    return answers


def _float(value: str, name: str, bound: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from None
    if not math.isfinite(number) or abs(number) > bound:
        raise Open311Error(400, _("%(name)s must be between -%(max)d and %(max)d.") % {"name": name, "max": bound})
    return number


#: The longest value each submitted field may have (docs/open311.md); longer is refused, never cut.
FIELD_LIMITS = {
    "address_string": 200,
    "address_id": 200,
    "email": 254,
    "phone": 32,
    "first_name": 30,
    "last_name": 30,
    "device_id": 45,
    "account_id": 45,
    "media_url": 500,
}


def key_limit() -> tuple[int, int]:
    """Requests one key may submit per window of seconds (``LUOSHI_OPEN311_KEY_RATE_LIMIT``)."""
    limit, window = getattr(settings, "LUOSHI_OPEN311_KEY_RATE_LIMIT", (600, 3600))
    return int(limit), int(window)


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    if "api_key" in request.GET:
        # Addresses end up in access logs and proxies' logs; a key in one must be considered leaked.
        raise Open311Error(400, _("Send api_key in the request body, not in the address."))
    key = key_for(_param(request, "api_key"))
    if key is None:
        raise Open311Error(403, _("A valid api_key is required to submit requests."))
    limit, window = key_limit()
    if not ratelimit.hit(f"open311:{key.pk}", limit=limit, window=window):
        raise Open311Error(
            429,
            _("This api_key has submitted too many requests; try again in %(minutes)d minutes.")
            % {"minutes": max(1, window // 60)},
        )
    for name, longest in FIELD_LIMITS.items():
        if len(_param(request, name)) > longest:
            raise Open311Error(400, _("%(name)s is longer than %(max)d characters.") % {"name": name, "max": longest})
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = _service(code)
    lat_text, lng_text = _param(request, "lat"), _param(request, "long")
    address = _param(request, "address_string") or _param(request, "address_id")
    lat = _float(lat_text, "lat", 90) if lat_text else None
    lng = _float(lng_text, "long", 180) if lng_text else None
    if (lat is None) != (lng is None):
        raise Open311Error(400, _("lat and long must be given together."))
    if lat is None and not address:
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
    description = _param(request, "description")
    if len(description) > 4000:
        raise Open311Error(400, _("description is longer than 4000 characters."))
    unit = selectors.grid_at(lat, lng) if lat is not None and lng is not None else None
    if unit is not None and not unit.is_descendant_of(key.unit):
        # A key files cases only where its township (or district) answers for them.
        raise Open311Error(
            400, _("The location lies in %(unit)s, outside this api_key's jurisdiction.") % {"unit": unit.name}
        )
    if unit is None:
        given = _param(request, "jurisdiction_id")
        chosen = _jurisdiction_unit(given) if given else None
        unit = chosen if chosen is not None and chosen.is_descendant_of(key.unit) else key.unit
    name = " ".join(p for p in (_param(request, "last_name"), _param(request, "first_name")) if p)
    ref = " / ".join(p for p in (_param(request, "account_id"), _param(request, "device_id")) if p)
    case = services.case_report(
        actor=None,
        channel=Channel.OPEN311,
        kind=CaseKind.REQUEST,
        category=category,
        unit=unit,
        title=(description or category.name)[:40],
        description=description or category.name,
        address=address,
        lat=lat,
        lng=lng,
        reporter_name=name,
        reporter_phone=_param(request, "phone"),
        reporter_email=_param(request, "email"),
        reporter_ref=ref,
        attributes=_attributes(request, category),
        media_url=_param(request, "media_url")[:500],
        api_key=key,
    )
    notice = category.service_notice or (category.parent.service_notice if category.parent else "")
    data = [
        {
            "service_request_id": case.tracking_no,
            "service_notice": notice,
            "account_id": _param(request, "account_id") or None,
        }
    ]
    return respond(fmt, "service_requests", data)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@open311_view
def requests_endpoint(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@open311_view
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    case = _requests_queryset().filter(tracking_no=request_id.upper()).first()
    if case is None:
        raise Open311Error(404, _("Unknown service_request_id: %(id)s") % {"id": request_id})
    return _render_requests(fmt, [case])


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@open311_view
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    case = (
        Case.objects.filter(public_token=token, category__is_public=True, channel__in=PUBLIC_CHANNELS)
        .only("tracking_no")
        .first()
    )
    if case is None:
        raise Open311Error(404, _("Unknown token: %(token)s") % {"token": token})
    return respond(fmt, "service_requests", [{"service_request_id": case.tracking_no, "token": token}])
