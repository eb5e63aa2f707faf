"""Scorecard and leaderboard pages: thin views that parse, call a selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from luoshi.accounts.types import Actor
from luoshi.core import downloads, params
from luoshi.core.errors import Forbidden, LuoshiError, NotFound, ValidationFailed
from luoshi.core.pagination import querystring_without_page
from luoshi.core.timeutil import today
from luoshi.indicators import charts, computed, selectors, services
from luoshi.indicators.excel import scorecard_workbook, template_workbook
from luoshi.indicators.forms import MONTH_CHOICES, ImportForm, IndicatorForm, ParseForm
from luoshi.indicators.models import Category, ImportKind, ImportStatus, Indicator, SavedComposite
from luoshi.indicators.permissions import (
    ENTER,
    ENTERERS,
    SET_TARGETS,
    VIEW,
    can_manage_catalogue,
    can_set_targets_below,
)
from luoshi.indicators.templatetags import indicator_tags as tags
from luoshi.org.models import Unit
from luoshi.org.permissions import can, require
from luoshi.org.scope import scope_for
from luoshi.org.selectors import unit_ancestors, units_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Small helpers ---------------------------------------------------------------------------


def _default_period(found: tuple[int, int] | None) -> tuple[int, int]:
    if found:
        return found
    now = today()
    return (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)


def _period(request: HttpRequest, latest: Callable[[], tuple[int, int] | None]) -> tuple[int, int]:
    """The year and month asked for; the latest with data (``latest()``, only run when needed) otherwise."""
    year = params.get_int(request.GET, "year", minimum=2000, maximum=2100)
    month = params.get_int(request.GET, "month", minimum=1, maximum=12)
    if year is None or month is None:
        default_year, default_month = _default_period(latest())
        year = year or default_year
        month = month or default_month
    selectors.check_period(year, month)
    return year, month


def _period_context(year: int, month: int) -> dict[str, Any]:
    this_year = today().year
    return {
        "year": year,
        "month": month,
        "years": sorted({*range(this_year - 4, this_year + 1), year}, reverse=True),
        "months": MONTH_CHOICES,
        "period_label": selectors.period_label(year, month),
    }


def _top_unit(user: Actor) -> Unit | None:
    """The highest unit the user sees: the district for district viewers, their township for its staff."""
    scope = scope_for(user)
    if scope.is_all:
        return Unit.objects.filter(parent__isnull=True, is_active=True).order_by("sort_order", "pk").first()
    units = Unit.objects.in_bulk(scope.home_units())
    ordered = sorted(units.values(), key=lambda u: (u.depth, u.sort_order, u.pk))
    return ordered[0] if ordered else None


def _board_parent(user: Actor, request: HttpRequest) -> Unit | None:
    pk = params.get_id(request.GET, "parent")
    if pk:
        return selectors.access_indicator_unit(user, pk)
    top = _top_unit(user)
    if top is None:
        return None
    # A township user compares their communities; a district user the townships.
    return top


# --- Pages -------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    top = _top_unit(request.user)
    if top is None:
        return render(request, "indicators/empty.html", {})
    if top.parent_id is None and top.children.filter(kind__in=["township", "subdistrict"]).exists():
        return redirect(reverse("indicators:overview") + f"?parent={top.pk}")
    return redirect("indicators:scorecard", pk=top.pk)


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.access_indicator_unit(request.user, pk)
    year, month = _period(request, lambda: selectors.latest_period(request.user, unit))
    card = selectors.scorecard(request.user, unit, year, month)
    parent = unit.parent
    context = {
        "unit": unit,
        "card": card,
        "ancestors": unit_ancestors(request.user, unit),
        "children": selectors.peer_units(unit, ["community", "village", "township", "subdistrict"]),
        "can_enter": can(request.user, ENTER, unit),
        "can_see_parent": parent is not None and can(request.user, VIEW, parent),
        "can_set_child_targets": can_set_targets_below(request.user, unit),
        "chart": charts.scorecard_chart(card),
        **_period_context(year, month),
    }
    return render(request, "indicators/scorecard.html", context)


@login_required
def history(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One indicator of one unit over the months and years (from a scorecard row)."""
    unit = selectors.access_indicator_unit(request.user, pk)
    indicator = selectors.access_indicator(code)
    data = selectors.indicator_history(request.user, unit, indicator)
    context = {
        "unit": unit,
        "indicator": indicator,
        "history": data,
        # The tables (one a year) that carry the chart's figures.
        "history_tables": " ".join(f"history-{y.year}" for y in data.years),
        "months": range(1, 13),
        "ancestors": unit_ancestors(request.user, unit),
        "can_enter": can(request.user, ENTER, unit),
        "chart": charts.history_lines(data),
        "year": params.get_int(request.GET, "year", minimum=2000, maximum=2100),
        "month": params.get_int(request.GET, "month", minimum=1, maximum=12),
    }
    return render(request, "indicators/history.html", context)


@login_required
def scorecard_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.access_indicator_unit(request.user, pk)
    year, month = _period(request, lambda: selectors.latest_period(request.user, unit))
    card = selectors.scorecard(request.user, unit, year, month)
    content = scorecard_workbook(card)
    return downloads.download(content, pgettext("file name", "Scorecard"), unit.name, f"{year}-{month:02d}")


@login_required
def leaderboard(request: HttpRequest) -> HttpResponse:
    parent = _board_parent(request.user, request)
    if parent is None:
        return render(request, "indicators/empty.html", {})
    catalogue = selectors.leaderboard_indicators(parent, list(selectors.indicator_list()))
    if not catalogue:
        return render(request, "indicators/empty.html", {"parent": parent})
    year, month = _period(request, lambda: selectors.latest_period_below(request.user, parent))
    metric = params.get_text(request.GET, "metric", max_length=40)
    composite = request.GET.get("composite") == "1"
    board: selectors.Leaderboard
    indicator: Indicator | None = None
    weights: list[tuple[Indicator, Decimal]] = []
    saved: SavedComposite | None = None
    saved_id = params.get_id(request.GET, "saved")
    if saved_id:
        saved = selectors.access_saved_composite(request.user, saved_id)
        if saved.parent_id != parent.pk:
            raise NotFound()
        composite = True
        weights = selectors.composite_weights(saved, catalogue)
        metric = metric or saved.metric
    if composite:
        if not weights:
            for choice in catalogue:
                weight = Decimal(
                    str(params.get_float(request.GET, f"w_{choice.code}", minimum=0, maximum=1000, default=0))
                )
                if weight > 0:
                    weights.append((choice, weight))
        if not weights:
            weights = selectors.default_composite_weights(catalogue)
        board = selectors.composite_leaderboard(
            request.user, parent, weights, year, month, metric=metric or "completion"
        )
        trend: list[selectors.TrendSeries] = []
    else:
        code = params.get_text(request.GET, "indicator", max_length=40)
        indicator = next((i for i in catalogue if i.code == code), catalogue[0])
        board = selectors.leaderboard(request.user, parent, indicator, year, month, metric=metric)
        trend = selectors.leaderboard_trend(board)
    page = Paginator(board.rows, BOARD_PAGE).get_page(params.get_page(request.GET))
    context = {
        "parent": parent,
        "board": board,
        "rows": _board_rows(list(page.object_list), indicator, year, month),
        "page_obj": page,
        "querystring": querystring_without_page(request),
        "labels": {
            "score": _("Score"),
            "value": _("Value"),
            "yoy": _("Year-over-year"),
            "completion": _("Completion"),
            "gap": _("Against time progress"),
            "move": _("Since last month"),
        },
        "indicator": indicator,
        "catalogue": catalogue,
        "composite": composite,
        "weights": {i.code: w for i, w in weights},
        "saved": saved,
        "saved_list": selectors.saved_composites(request.user, parent),
        "can_save": composite and can(request.user, ENTER, parent),
        "ancestors": unit_ancestors(request.user, parent),
        "bar_chart": charts.leaderboard_bars(board),
        "trend_chart": charts.trend_lines(board, trend) if board.ranked and trend else None,
        # The trend chart's figures as a table (its text alternative).
        "trend": trend,
        "trend_months": range(1, month + 1),
        **_period_context(year, month),
    }
    return render(request, "indicators/leaderboard.html", context)


BOARD_PAGE = 200


@login_required
@require_POST
def composite_save(request: HttpRequest) -> HttpResponse:
    """Keep the weights of the composite leaderboard on the page under a name."""
    parent = _board_parent(request.user, request)
    if parent is None:
        raise NotFound()
    catalogue = selectors.leaderboard_indicators(parent, list(selectors.indicator_list()))
    weights = []
    for indicator in catalogue:
        weight = params.get_float(request.POST, f"w_{indicator.code}", minimum=0, maximum=1000, default=0)
        weights.append((indicator, Decimal(str(weight))))
    year = params.get_int(request.POST, "year", minimum=2000, maximum=2100, default="")
    month = params.get_int(request.POST, "month", minimum=1, maximum=12, default="")
    query = f"?parent={parent.pk}&year={year}&month={month}"
    try:
        saved = services.composite_save(
            actor=request.user,
            parent=parent,
            name=request.POST.get("name", ""),
            weights=weights,
            metric=request.POST.get("metric", ""),
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        kept = "".join(f"&w_{i.code}={w}" for i, w in weights if w > 0)
        return redirect(reverse("indicators:leaderboard") + query + "&composite=1" + kept)
    messages.success(request, _("Saved the leaderboard “%(name)s”.") % {"name": saved.name})
    return redirect(reverse("indicators:leaderboard") + query + f"&saved={saved.pk}")


@login_required
@require_POST
def composite_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.access_saved_composite(request.user, pk)
    services.composite_delete(actor=request.user, saved=saved)
    messages.success(request, _("Deleted the leaderboard “%(name)s”.") % {"name": saved.name})
    return redirect(reverse("indicators:leaderboard") + f"?parent={saved.parent_id}&composite=1")


def _board_rows(
    rows: list[selectors.LeaderRow], indicator: Indicator | None, year: int, month: int
) -> list[dict[str, Any]]:
    """Leaderboard rows formatted once in Python (a 擂台 can have a thousand rows)."""
    base = reverse("indicators:scorecard", args=[0]).replace("/0/", "/{}/")
    query = f"?year={year}&month={month}"
    decimals = indicator.decimals if indicator else 2
    points = _(" pts")
    result = []
    for row in rows:
        f = row.figures
        yoy = tags.signed(f.yoy, points) if f.yoy_points else tags.signed(f.yoy)
        result.append(
            {
                "rank": row.rank,
                "code": row.unit_code,
                "name": row.unit_name,
                "url": base.format(row.unit_id) + query,
                "light": f.light,
                "score": tags.num(row.metric, 2),
                "value": tags.num(f.value, decimals),
                "yoy": yoy + ("*" if f.yoy_reported else ""),
                "completion": tags.pct(f.completion),
                "gap": tags.gap_words(f),
                "gap_class": f.gap_class,
                "move": tags.movement(row.move),
            }
        )
    return result


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    parent = _board_parent(request.user, request)
    if parent is None:
        return render(request, "indicators/empty.html", {})
    year, month = _period(request, lambda: selectors.latest_period_below(request.user, parent))
    category = params.get_choice(request.GET, "category", Category.values, default="")
    view = selectors.overview(request.user, parent, year, month, category=category)
    context = {
        "parent": parent,
        "view": view,
        "category": category,
        "categories": Category.choices,
        "ancestors": unit_ancestors(request.user, parent),
        **_period_context(year, month),
    }
    return render(request, "indicators/overview.html", context)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    context = {
        "indicators": selectors.indicator_list(active_only=False),
        "can_manage": can_manage_catalogue(request.user),
        "target_units": _target_units(request.user),
    }
    return render(request, "indicators/catalogue.html", context)


def _target_units(user: Actor) -> list[Unit]:
    """Units whose children's targets ``user`` hands down (links from the catalogue)."""
    units = units_visible_to(user).filter(kind__in=["district", "township", "subdistrict"]).order_by("depth", "path")
    return [u for u in units[:20] if can_set_targets_below(user, u)][:5]


@login_required
def indicator_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Add an indicator to the catalogue or change one (administrators of the whole organisation)."""
    if not can_manage_catalogue(request.user):
        raise NotFound()
    indicator = selectors.access_indicator(code) if code else None
    # The form validates on its own copy (a model form changes its instance while validating);
    # the service compares the stored entry with the new one for the audit log.
    form = IndicatorForm(request.POST or None, instance=selectors.access_indicator(code) if code else None)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "aliases": form.cleaned_data["aliases_text"]}
        try:
            saved = services.indicator_save(actor=request.user, indicator=indicator, data=data)
        except ValidationFailed as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect(reverse("indicators:catalogue") + f"#ind-{saved.code}")
    return render(request, "indicators/indicator_form.html", {"form": form, "indicator": indicator})


# --- Entering values and targets -----------------------------------------------------------------


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Type one month's values for one unit (all indicators it reports)."""
    unit = selectors.access_indicator_unit(request.user, pk)
    year, month = _period(request, lambda: selectors.latest_period(request.user, unit))
    require(request.user, ENTER, unit)
    card = selectors.scorecard(request.user, unit, year, month)
    rows = [r for r in card.rows if r.indicator.reported_by(unit)]
    # Computed indicators (一数一源) are shown with their source and no input: they are not typed.
    computed_from = {r.indicator.pk: computed.computed_from(r.indicator) for r in rows}
    errors: dict[int, str] = {}
    if request.method == "POST":
        values: list[services.ValueRow] = []
        for row in rows:
            raw = request.POST.get(f"v_{row.indicator.pk}", "").strip()
            if not raw:
                continue
            number, problem = services.cell_value(raw, row.indicator, percent_format=False)
            yoy_raw = request.POST.get(f"y_{row.indicator.pk}", "").strip()
            yoy, yoy_problem = services.cell_pct(yoy_raw) if yoy_raw else (None, None)
            if number is None or yoy_problem:
                errors[row.indicator.pk] = problem or yoy_problem or ""
                continue
            values.append(services.ValueRow(unit, row.indicator, year, month, number, yoy))
        if not errors and values:
            try:
                result = services.values_save(actor=request.user, rows=values, kind=ImportKind.FORM)
            except ValidationFailed as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(
                    request,
                    _("Saved: %(new)d new, %(replaced)d replaced, %(same)d unchanged.")
                    % {"new": result.created, "replaced": result.updated, "same": result.unchanged},
                )
                return redirect(reverse("indicators:scorecard", args=[unit.pk]) + f"?year={year}&month={month}")
        elif not errors:
            messages.error(request, _("Type at least one value."))
    posted = {r.indicator.pk: request.POST.get(f"v_{r.indicator.pk}") for r in rows}
    posted_yoy = {r.indicator.pk: request.POST.get(f"y_{r.indicator.pk}") for r in rows}
    context = {
        "unit": unit,
        "rows": rows,
        "errors": errors,
        "posted": posted,
        "posted_yoy": posted_yoy,
        "computed_from": computed_from,
        **_period_context(year, month),
    }
    return render(request, "indicators/entry.html", context)


@login_required
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand down annual targets to the units below ``pk`` (目标下达)."""
    parent = selectors.access_indicator_unit(request.user, pk)
    year = params.get_int(request.GET, "year", minimum=2000, maximum=2100, default=today().year)
    selectors.check_period(year, 1)
    view = selectors.overview(request.user, parent, year, 12)
    units = Unit.objects.in_bulk([uid for uid, _name in view.units])
    allowed = [uid for uid, _n in view.units if uid in units and can(request.user, SET_TARGETS, units[uid])]
    errors: list[str] = []
    if request.method == "POST":
        rows: list[services.TargetRow] = []
        for uid in allowed:
            for indicator in view.indicators:
                raw = request.POST.get(f"t_{uid}_{indicator.pk}", "").strip()
                if not raw:
                    continue
                number, problem = services.cell_value(raw, indicator, percent_format=False)
                if number is None:
                    errors.append(f"{units[uid].name} · {indicator.name}: {problem}")
                    continue
                rows.append(services.TargetRow(units[uid], indicator, year, number))
        if not errors and rows:
            try:
                written = services.targets_save(actor=request.user, rows=rows)
            except ValidationFailed as exc:
                errors.append(str(exc.message))
            else:
                messages.success(request, _("%(n)d targets saved.") % {"n": written})
                return redirect(reverse("indicators:targets", args=[parent.pk]) + f"?year={year}")
    context = {
        "parent": parent,
        "view": view,
        "allowed": set(allowed),
        "errors": errors,
        "year": year,
        "years": sorted({*range(today().year - 1, today().year + 2), year}),
    }
    return render(request, "indicators/targets.html", context)


# --- Imports ----------------------------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_empty and not scope.is_all and not scope.roles & ENTERERS:
        raise Forbidden(_("Only leaders, supervisors and administrators can import indicator values."))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_preview(
                actor=request.user,
                data=upload.read(),
                file_name=upload.name,
                year=form.cleaned_data.get("year"),
                month=form.cleaned_data.get("month"),
            )
        except ValidationFailed as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect("indicators:batch", pk=batch.pk)
    top = _top_unit(request.user)
    year, month = _default_period(None)
    recent = selectors.batches_visible_to(request.user).exclude(kind=ImportKind.FORM)[:10]
    context = {"form": form, "top": top, "recent": recent, **_period_context(year, month)}
    return render(request, "indicators/import.html", context)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The wide template: the unit itself (``for=self``) or the units below it, one row each."""
    parent = _board_parent(request.user, request)
    if parent is None:
        raise NotFound()
    year, month = _period(request, lambda: None)
    catalogue = list(selectors.indicator_list())
    if request.GET.get("for") == "self":
        units = [parent] if can(request.user, ENTER, parent) else []
        indicators = [i for i in catalogue if i.reported_by(parent) and not computed.computed_from(i)]
    else:
        kinds = selectors.peer_kinds_for(parent, catalogue, params.get_text(request.GET, "kind", max_length=40))
        children = units_visible_to(request.user).filter(parent=parent, is_active=True, kind__in=list(kinds))
        units = [u for u in children.order_by("sort_order", "name") if can(request.user, ENTER, u)]
        indicators = [i for i in catalogue if frozenset(i.unit_kinds or []) & kinds and not computed.computed_from(i)]
    content = template_workbook(units, indicators, year, month)
    return downloads.download(
        content, pgettext("file name", "Indicator entry template"), parent.name, f"{year}-{month:02d}"
    )


@login_required
def parse_text(request: HttpRequest) -> HttpResponse:
    enterable = [u.pk for u in units_visible_to(request.user).filter(is_active=True) if can(request.user, ENTER, u)]
    units = Unit.objects.filter(pk__in=enterable).order_by("path")
    top = _top_unit(request.user)
    year, _month = _default_period(None)
    initial = {"year": year, "unit": top.pk if top and top.pk in enterable else None}
    form = ParseForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.text_preview(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                text=form.cleaned_data["text"],
                year=form.cleaned_data["year"],
                month=form.cleaned_data.get("month"),
            )
        except ValidationFailed as exc:
            form.add_error("text", str(exc.message))
        else:
            return redirect("indicators:batch", pk=batch.pk)
    return render(request, "indicators/parse.html", {"form": form})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.access_batch(request.user, pk)
    rows = batch.rows[:50]
    names = dict(Unit.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "name"))
    indicators = Indicator.objects.in_bulk({r[1] for r in rows})
    sample = [
        {
            "unit": names.get(r[0], r[0]),
            "indicator": indicators.get(r[1]),
            "year": r[2],
            "month": r[3],
            "value": r[4],
            "yoy": r[5],
            "row": r[6],
        }
        for r in rows
    ]
    from luoshi.core import audit

    context = {
        "batch": batch,
        "sample": sample,
        "errors": batch.errors[:500],
        "mentions": (batch.summary or {}).get("mentions", []),
        "can_commit": batch.status == ImportStatus.PREVIEW
        and batch.rows
        and not (batch.errors and batch.kind == ImportKind.EXCEL),
        "entries": audit.entries_for(batch),
    }
    return render(request, "indicators/batch.html", context)


@login_required
@require_POST
def batch_action(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.access_batch(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "commit":
            result = services.import_commit(actor=request.user, batch=batch)
            messages.success(
                request,
                _("Saved: %(new)d new, %(replaced)d replaced, %(same)d unchanged.")
                % {"new": result.created, "replaced": result.updated, "same": result.unchanged},
            )
        elif action == "discard":
            services.import_discard(actor=request.user, batch=batch)
            messages.info(request, _("The import was discarded; nothing was saved."))
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    return redirect("indicators:batch", pk=batch.pk)
