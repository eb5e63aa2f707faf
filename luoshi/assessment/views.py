"""Assessment pages: thin — parse, call a selector or service, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from luoshi.accounts.types import Actor
from luoshi.assessment import engine, excel, forms, permissions, rules, selectors, services, workflow
from luoshi.assessment.models import (
    AppealState,
    Evidence,
    Item,
    ItemKind,
    Post,
    Result,
    Run,
    RunState,
    SchemeVersion,
    Section,
    SubjectType,
)
from luoshi.assessment.workflow import Action, RunRole
from luoshi.core import downloads, metrics, params
from luoshi.core.errors import LuoshiError, NotFound
from luoshi.core.forms import apply_error, keep_refused, take_refused
from luoshi.core.metrics import Period
from luoshi.core.pagination import paginate
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Unit, UnitKind
from luoshi.org.permissions import can
from luoshi.org.scope import scope_for

PER_PAGE = 50


def _version_param(request: HttpRequest) -> int | None:
    return params.get_int(request.POST, "version", default=None, minimum=0)


# --- index and schemes --------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not permissions.may_open(request.user) and not selectors.my_results(request.user).exists():
        raise NotFound()
    runs = paginate(request, selectors.run_list(request.user), PER_PAGE)
    return render(
        request,
        "assessment/index.html",
        {
            "schemes": selectors.scheme_list(request.user)[:50],
            "page_obj": runs,
            "can_create": permissions.can_create_scheme(request.user),
            "has_mine": selectors.my_results(request.user).exists(),
        },
    )


@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_scheme(request.user):
        raise NotFound()
    scope = scope_for(request.user)
    units = Unit.objects.filter(scope.unit_q("", permissions.ORGANISERS), is_active=True).order_by("path")[:500]
    form = forms.SchemeForm(request.POST or None, units=Unit.objects.filter(pk__in=[u.pk for u in units]))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            scheme = services.scheme_create(
                actor=request.user, owner=d["owner"], name=d["name"], subject_type=d["subject_type"],
                unit_kinds=d["unit_kinds"], posts=d["posts"], period_kind=d["period_kind"],
                description=d["description"],
            )  # fmt: skip
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Scheme created. Add its sections and items."))
            return redirect("assessment:scheme", scheme.pk)
    return render(request, "assessment/scheme_form.html", {"form": form})


def _version_or_404(user: Actor, pk: int) -> SchemeVersion:
    version = SchemeVersion.objects.select_related("scheme__owner").filter(pk=pk).first()
    if version is None:
        raise NotFound()
    selectors.access_scheme(user, version.scheme_id)
    return version


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.access_scheme(request.user, pk)
    versions = list(scheme.versions.order_by("-number"))
    number = params.get_int(request.GET, "v", default=None, minimum=1)
    shown = next((v for v in versions if v.number == number), versions[0] if versions else None)
    may_edit = can(request.user, permissions.EDIT, scheme)
    sections = []
    if shown is not None:
        sections = list(shown.sections.prefetch_related("items"))
    subject_kind = "person" if scheme.subject_type == SubjectType.PERSON else "unit"
    last = Period.containing(local_today(), scheme.period_kind).previous()
    labels = {m.key: f"{m.label}（{m.unit}）" for m in metrics.all_metrics()}
    editable = may_edit and shown is not None and shown.is_draft
    param_groups = forms.param_choices(subject_kind) if editable else []
    for section in sections:
        if editable:  # the section's own form, refused values and errors kept (issue 14, finding 7)
            section.edit_form = take_refused(  # type: ignore[attr-defined]
                request, f"assessment-section-{section.pk}", forms.SectionForm, auto_id=f"s{section.pk}_%s"
            ) or forms.SectionForm(
                initial={"name": section.name, "kind": section.kind, "weight": section.weight},
                auto_id=f"s{section.pk}_%s",
            )
        if editable:  # the forms to add and edit items in place (ids prefixed: many forms on one page)
            section.item_form = forms.ItemForm(  # type: ignore[attr-defined]
                subject_kind=subject_kind, params=param_groups, initial={"kind": ItemKind.AUTO, "weight": 1},
                auto_id=f"new{section.pk}_%s",
            )  # fmt: skip
    param_words = selectors.param_labels([(i.metric_key, i.metric_param) for s in sections for i in s.items.all()])
    for section in sections:
        for item in section.items.all():
            item.metric_label = labels.get(item.metric_key, item.metric_key)  # type: ignore[attr-defined]
            item.param_label = param_words.get((item.metric_key, item.metric_param), "")  # type: ignore[attr-defined]
            item.rule_label = _rule_label(item.rule)  # type: ignore[attr-defined]
            if editable:
                item.form = forms.ItemForm(  # type: ignore[attr-defined]
                    subject_kind=subject_kind,
                    params=param_groups,
                    initial=forms.item_initial(item),
                    auto_id=f"i{item.pk}_%s",
                )
    return render(
        request,
        "assessment/scheme.html",
        {
            "scheme": scheme,
            "versions": versions,
            "shown": shown,
            "sections": sections,
            "may_edit": may_edit,
            "editable": editable,
            "has_draft": any(v.is_draft for v in versions),
            "section_form": (
                take_refused(request, f"assessment-section-new-{shown.pk}", forms.SectionForm)
                if shown is not None
                else None
            )
            or forms.SectionForm(),
            "runs": selectors.run_list(request.user, scheme)[:24],
            "last_period": last.key,
            "bands": shown.bands if shown else [],
            "band_texts": rules.band_texts(rules.bands_from_json(shown.bands)) if shown else [],
            "kind_labels": [str(UnitKind(k).label) for k in scheme.unit_kinds if k in UnitKind.values],
            "post_labels": [str(Post(p).label) for p in scheme.posts if p in Post.values],
        },
    )


@login_required
@require_POST
def version_draft(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.access_scheme(request.user, pk)
    try:
        draft = services.version_new_draft(actor=request.user, scheme=scheme)
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
        return redirect("assessment:scheme", scheme.pk)
    return redirect(f"{scheme_url(scheme.pk)}?v={draft.number}")


def scheme_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("assessment:scheme", args=[pk])


@login_required
@require_POST
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request.user, pk)
    labels = request.POST.getlist("band_label")[:20]
    minimums = request.POST.getlist("band_minimum")[:20]
    bands = [{"label": lab, "minimum": m} for lab, m in zip(labels, minimums, strict=False) if lab.strip()]
    try:
        effective = params.get_date(request.POST, "effective_from", default=version.effective_from)
        services.version_update(
            actor=request.user, version=version, expected=_version_param(request), effective_from=effective,
            note=params.get_text(request.POST, "note", max_length=200), bands=bands,
        )  # fmt: skip
        messages.success(request, _("Saved."))
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    return redirect(f"{scheme_url(version.scheme_id)}?v={version.number}")


@login_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request.user, pk)
    try:
        services.version_publish(actor=request.user, version=version)
        messages.success(request, _("This version is now in force."))
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    return redirect(f"{scheme_url(version.scheme_id)}?v={version.number}")


@login_required
def version_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Score the (draft) version on a past period's live data, without storing anything."""
    version = _version_or_404(request.user, pk)
    if not can(request.user, permissions.EDIT, version.scheme):
        raise NotFound()
    default = Period.containing(local_today(), version.scheme.period_kind).previous().key
    key = params.get_text(request.GET, "period", max_length=8) or default
    error = ""
    scored: list[engine.Scored] = []
    structure = engine.load_structure(version)
    try:
        period = services.parse_period(version.scheme, key)
        rows = engine.labelled(engine.subjects_of(version.scheme))
        figures = engine.figures_for(structure, [r.subject for r in rows], period)
        scored = sorted(engine.score_all(structure, rows, figures, {}), key=lambda s: (s.rank or 0, s.row.name))
    except LuoshiError as exc:
        error = str(exc.message)
    return render(
        request,
        "assessment/preview.html",
        {"version": version, "scheme": version.scheme, "structure": structure, "scored": scored[:200],
         "period": key, "error": error, "total_count": len(scored),
         "manual_items": [i.name for i in structure.items if i.kind == ItemKind.MANUAL]},
    )  # fmt: skip


def _rule_label(rule: Any) -> str:
    """The rule's kind in words and its figures, e.g. 两值之间线性计分 60 → 100."""
    try:
        parsed = rules.Rule.from_json(rule or {})
    except rules.RuleError:
        return ""
    figures = parsed.describe()
    if parsed.kind == rules.RuleKind.RANK:  # in words, not "10.0 / 9.5 … (3)"
        figures = _("%(table)s; the other places get %(rest)s points each") % {"table": figures, "rest": parsed.rest}
    return f"{_(rules.RULE_LABELS[parsed.kind])} {figures}"


def _section_or_404(user: Actor, section_id: int) -> Section:
    section = Section.objects.select_related("scheme_version__scheme__owner").filter(pk=section_id).first()
    if section is None:
        raise NotFound()
    selectors.access_scheme(user, section.scheme_version.scheme_id)
    return section


@login_required
@require_POST
def section_edit(request: HttpRequest, pk: int | None = None, section_id: int | None = None) -> HttpResponse:
    section = _section_or_404(request.user, section_id) if section_id else None
    version = section.scheme_version if section else _version_or_404(request.user, pk or 0)
    form = forms.SectionForm(request.POST)
    where = f"section-{section.pk}" if section else "add-section"
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.section_save(
                actor=request.user, version=version, section=section, name=d["name"], kind=d["kind"],
                weight=d["weight"],
            )  # fmt: skip
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{scheme_url(version.scheme_id)}?v={version.number}")
    # Refused: back to the form with what was typed and each error under its field.
    key = f"assessment-section-{section.pk}" if section else f"assessment-section-new-{version.pk}"
    keep_refused(request, key, form)
    return redirect(f"{scheme_url(version.scheme_id)}?v={version.number}#{where}")


@login_required
@require_POST
def section_delete(request: HttpRequest, section_id: int) -> HttpResponse:
    section = _section_or_404(request.user, section_id)
    version = section.scheme_version
    try:
        services.section_delete(actor=request.user, section=section)
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    return redirect(f"{scheme_url(version.scheme_id)}?v={version.number}")


@login_required
def item_edit(request: HttpRequest, section_id: int | None = None, item_id: int | None = None) -> HttpResponse:
    item = None
    if item_id is not None:
        item = Item.objects.select_related("section__scheme_version__scheme__owner").filter(pk=item_id).first()
        if item is None:
            raise NotFound()
        section = _section_or_404(request.user, item.section_id)
    else:
        section = _section_or_404(request.user, section_id or 0)
    version = section.scheme_version
    scheme = version.scheme
    if not can(request.user, permissions.EDIT, scheme):
        raise NotFound()
    subject_kind = "person" if scheme.subject_type == SubjectType.PERSON else "unit"
    initial = forms.item_initial(item) if item else {"kind": ItemKind.AUTO, "weight": 1}
    form = forms.ItemForm(request.POST or None, subject_kind=subject_kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.item_save(
                actor=request.user, section=section, item=item, name=d["name"], kind=d["kind"], points=d["points"],
                weight=d["weight"], metric_key=d["metric_key"], metric_param=d["metric_param"].strip(),
                rule=form.rule(), description=d["description"],
            )  # fmt: skip
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{scheme_url(scheme.pk)}?v={version.number}#section-{section.pk}")
    return render(
        request, "assessment/item_form.html", {"form": form, "item": item, "section": section, "scheme": scheme}
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    item = Item.objects.select_related("section__scheme_version").filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    _section_or_404(request.user, item.section_id)
    version = item.section.scheme_version
    try:
        services.item_delete(actor=request.user, item=item)
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    return redirect(f"{scheme_url(version.scheme_id)}?v={version.number}")


# --- runs ----------------------------------------------------------------------------------------


@login_required
@require_POST
def run_compute(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.access_scheme(request.user, pk)
    try:
        run = services.run_compute(
            actor=request.user, scheme=scheme, period_key=params.get_text(request.POST, "period", max_length=8)
        )
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
        return redirect("assessment:scheme", scheme.pk)
    return redirect("assessment:run", run.pk)


def _actions(user: Actor, run: Run) -> list[dict[str, Any]]:
    """The run actions this user is offered: exactly those the service would accept now."""
    offered = []
    missing = services.run_missing_manual(run) if run.state == RunState.REVIEW else 0
    for action in workflow.allowed_actions(run.state, permissions.run_roles(user, run)):
        if action in (Action.SCORE, Action.APPEAL):
            continue
        if action == Action.FREEZE and missing:
            continue
        offered.append({"action": action, "label": workflow.ACTION_LABELS[action]})
    return offered


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    structure = selectors.structure_of(run)
    sort = request.GET.get("sort", "rank")
    sort = sort if sort in selectors.SORTS or (sort[:1] == "s" and sort[1:].isdigit()) else "rank"
    band = params.get_text(request.GET, "band", max_length=20)
    q = params.get_text(request.GET, "q", max_length=50)
    results = selectors.run_results(request.user, run, sort=sort, band=band, q=q)
    page = paginate(request, results, PER_PAGE)  # type: ignore[arg-type]
    roles = permissions.run_roles(request.user, run)
    return render(
        request,
        "assessment/run.html",
        {
            "run": run,
            "structure": structure,
            "page_obj": page,
            "sort": sort,
            "band": band,
            "q": q,
            "bands": [b.label for b in structure.bands],
            "actions": _actions(request.user, run),
            "missing": services.run_missing_manual(run) if run.state == RunState.REVIEW else 0,
            "is_organiser": RunRole.ORGANISER in roles,
            "changes": selectors.revision_changes(run, request.user),
            "appeals": selectors.appeals_for(request.user, run)[:100],
            "decision_form": forms.AppealDecisionForm(),
            "full_marks": structure.full_marks,
            "querystring": f"sort={sort}&band={band}&q={q}",
            "openable": selectors.openable_subjects(request.user, run),
        },
    )


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    structure = selectors.structure_of(run)
    results = selectors.run_results(request.user, run)
    content = excel.run_table(run, structure, list(results))
    return downloads.download(content, pgettext("file name", "Assessment results"), run.scheme.name, run.period_key)


@login_required
@require_POST
def run_transition(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    action = params.get_text(request.POST, "action", max_length=20)
    try:
        services.run_transition(
            actor=request.user, run=run, action=action, expected=_version_param(request),
            comment=params.get_text(request.POST, "comment", max_length=500),
        )  # fmt: skip
        messages.success(request, _("Done: %(a)s.") % {"a": workflow.ACTION_LABELS.get(action, action)})
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    return redirect("assessment:run", run.pk)


def _chart_data(lines: list[selectors.SectionLine], trend: list[tuple[str, Decimal, int | None]]) -> dict[str, Any]:
    base = [ln for ln in lines if ln.section.kind == "base" and ln.full]
    shares = [
        float(round(Decimal(ln.subtotal) * 100 / (ln.full * ln.section.weight), 1)) if ln.full else 0 for ln in base
    ]
    if len(base) < 3:  # a radar needs three axes: bars then
        radar = {
            "xAxis": {"type": "category", "data": [ln.section.name for ln in base]},
            "yAxis": {"type": "value", "max": 100},
            "series": [{"type": "bar", "data": shares, "label": {"show": True}}],
        }
        return {"radar": radar, "trend": _trend_chart(trend)}
    radar = {
        "radar": {"indicator": [{"name": ln.section.name, "max": 100} for ln in base]},
        "series": [{"type": "radar", "data": [{"value": shares}]}],
    }
    return {"radar": radar, "trend": _trend_chart(trend)}


def _trend_chart(trend: list[tuple[str, Decimal, int | None]]) -> dict[str, Any]:
    return {
        "xAxis": {"type": "category", "data": [p for p, _t, _r in trend]},
        "yAxis": {"type": "value"},
        "tooltip": {"trigger": "axis"},
        "series": [{"type": "line", "data": [float(t) for _p, t, _r in trend], "label": {"show": True}}],
    }


@login_required
def result_detail(request: HttpRequest, pk: int, subject_id: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    result = selectors.access_result(request.user, run, subject_id)
    structure = selectors.structure_of(run)
    lines = selectors.breakdown(structure, result)
    trend = selectors.trend(request.user, run, subject_id)
    roles = permissions.result_roles(request.user, run, result)
    may_score = Action.SCORE in workflow.allowed_actions(run.state, roles)
    may_appeal = Action.APPEAL in workflow.allowed_actions(run.state, roles)
    appeals = selectors.appeals_for(request.user, run, subject_id)
    pending_items = {a.item_id for a in appeals if a.state == AppealState.FILED}
    appeal_items = [(i.id, i.name) for i in structure.items if i.id not in pending_items]
    charts = _chart_data(lines, trend)
    base_lines = [ln for ln in lines if ln.section.kind == "base"]
    return render(
        request,
        "assessment/result.html",
        {
            "run": run,
            "result": result,
            "lines": lines,
            "base_lines": base_lines,
            "trend": trend,
            "radar_chart": charts["radar"],
            "trend_chart": charts["trend"],
            "may_score": may_score,
            "may_appeal": may_appeal and bool(appeal_items),
            "manual": selectors.manual_scores(run, subject_id)
            if any(i.manual for ln in lines for i in ln.items)
            else {},
            "score_forms": [
                (i, _score_form(request, run.pk, subject_id, i)) for ln in lines for i in ln.items if i.manual
            ]
            if may_score
            else [],
            "appeal_form": take_refused(
                request, f"assessment-appeal-{run.pk}-{subject_id}", forms.AppealForm, items=appeal_items
            )
            or forms.AppealForm(items=appeal_items),
            "appeals": appeals,
            "is_snapshot": run.state in selectors.SNAPSHOT_STATES,
        },
    )


def _score_form(request: HttpRequest, run_id: int, subject_id: int, line: Any) -> forms.ManualScoreForm:
    """The manual score form of one item: as refused (typed values, errors under the fields), or fresh."""
    item_id = line.item.id
    auto_id = f"score{item_id}_%s"
    form = take_refused(
        request, f"assessment-score-{run_id}-{subject_id}-{item_id}", forms.ManualScoreForm, auto_id=auto_id
    ) or forms.ManualScoreForm(initial={"points": line.points}, auto_id=auto_id)
    form.fields["points"].widget.attrs["max"] = str(line.item.points)
    return form


@login_required
def result_export(request: HttpRequest, pk: int, subject_id: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    result = selectors.access_result(request.user, run, subject_id)
    lines = selectors.breakdown(selectors.structure_of(run), result)
    content = excel.breakdown(run, result, lines)
    title = pgettext("file name", "Assessment breakdown")
    return downloads.download(content, title, run.scheme.name, run.period_key, result.name)


def _item_def(structure: engine.Structure, item_id: int) -> engine.ItemDef:
    found = next((i for i in structure.items if i.id == item_id), None)
    if found is None:
        raise NotFound()
    return found


@login_required
def item_trace(request: HttpRequest, pk: int, subject_id: int, item_id: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    result = selectors.access_result(request.user, run, subject_id)
    structure = selectors.structure_of(run)
    item = _item_def(structure, item_id)
    line = next(ln for ln in selectors.breakdown(structure, result) for i in ln.items if i.item.id == item_id)
    entry = next(i for i in line.items if i.item.id == item_id)
    records, snapshot = selectors.item_records(run, result, item)
    manual = selectors.manual_scores(run, subject_id).get(item_id) if item.kind == ItemKind.MANUAL else None
    return render(
        request,
        "assessment/trace.html",
        {"run": run, "result": result, "line": line, "entry": entry, "records": records, "snapshot": snapshot,
         "manual": manual, "rule": _rule_label(item.rule.to_json()) if item.rule else "",
         "records_limit": engine.RECORDS_PER_ITEM,
         "param_label": selectors.param_labels([(item.metric_key, item.metric_param)]).get(
             (item.metric_key, item.metric_param), "")},
    )  # fmt: skip


@login_required
@require_POST
def manual_score(request: HttpRequest, pk: int, subject_id: int, item_id: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    selectors.access_result(request.user, run, subject_id)
    item = Item.objects.select_related("section").filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    form = forms.ManualScoreForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.manual_score_enter(
                actor=request.user, run=run, item=item, subject_id=subject_id, points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"], files=form.cleaned_data["evidence"],
            )  # fmt: skip
        except LuoshiError as exc:
            apply_error(form, exc, fields={"files": "evidence", "file": "evidence"})
        else:
            messages.success(request, _("Manual score saved."))
            return redirect("assessment:result", run.pk, subject_id)
    keep_refused(request, f"assessment-score-{run.pk}-{subject_id}-{item.pk}", form)
    return redirect(reverse("assessment:result", args=[run.pk, subject_id]) + f"#score-{item.pk}")


@login_required
@require_POST
def appeal_file(request: HttpRequest, pk: int, subject_id: int) -> HttpResponse:
    run = selectors.access_run(request.user, pk)
    result = selectors.access_result(request.user, run, subject_id)
    structure = selectors.structure_of(run)
    form = forms.AppealForm(request.POST, request.FILES, items=[(i.id, i.name) for i in structure.items])
    if form.is_valid():
        item = Item.objects.select_related("section").get(pk=form.cleaned_data["item"])
        try:
            services.appeal_file(
                actor=request.user, run=run, result=result, item=item, reason=form.cleaned_data["reason"],
                files=form.cleaned_data["evidence"],
            )  # fmt: skip
        except LuoshiError as exc:
            apply_error(form, exc, fields={"files": "evidence", "file": "evidence"})
        else:
            messages.success(request, _("Appeal filed. The organisers will reply."))
            return redirect("assessment:result", run.pk, subject_id)
    keep_refused(request, f"assessment-appeal-{run.pk}-{subject_id}", form)
    return redirect(reverse("assessment:result", args=[run.pk, subject_id]) + "#appeal")


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.access_appeal(request.user, pk)
    run = appeal.run
    form = forms.AppealDecisionForm(request.POST)
    action = params.get_text(request.POST, "action", max_length=10)
    if form.is_valid():
        try:
            services.appeal_decide(
                actor=request.user, appeal=appeal, action=action, reply=form.cleaned_data["reply"],
                corrected_points=form.cleaned_data["corrected_points"],
            )  # fmt: skip
            messages.success(request, _("Appeal decided."))
        except LuoshiError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Write a reply."))
    return redirect("assessment:run", run.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = Evidence.objects.select_related("manual_score", "appeal").filter(pk=pk).first()
    if evidence is None:
        raise NotFound()
    run = selectors.access_run(request.user, evidence.run_id)
    subject_id = (
        evidence.manual_score.subject_id if evidence.manual_score else evidence.appeal.subject_id  # type: ignore[union-attr]
    )
    selectors.access_result(request.user, run, subject_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


@login_required
def my_scores(request: HttpRequest) -> HttpResponse:
    """A cadre's own scores, laid out for a phone."""
    rows: list[Result] = list(selectors.my_results(request.user)[:24])
    return render(request, "assessment/mine.html", {"results": rows})
