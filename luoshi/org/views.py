"""Organisation pages: thin views that parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.accounts.models import User
from luoshi.core import audit, params, versioning
from luoshi.core.errors import LuoshiError, NotFound, ValidationFailed
from luoshi.core.forms import apply_error
from luoshi.core.pagination import paginate, querystring_without_page
from luoshi.org import selectors, services
from luoshi.org.forms import PersonEditForm, PersonForm, RoleGrantForm, UnitForm
from luoshi.org.models import ALLOWED_CHILDREN, Position, RoleGrant, UnitKind
from luoshi.org.permissions import can, require


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    roots = selectors.unit_tree(request.user)
    return render(request, "org/tree.html", {"roots": roots, "total": sum(r.size for r in roots)})


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    q = params.get_text(request.GET, "q")
    kind = params.get_choice(request.GET, "kind", UnitKind.values, default="")
    qs = selectors.unit_list(request.user, q=q, kind=kind)
    missing = params.get_choice(request.GET, "missing", ("division_code", "people"), default="")
    if missing == "division_code":
        qs = qs.filter(
            kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.COMMUNITY, UnitKind.VILLAGE], division_code=""
        )
    elif missing == "people":
        qs = qs.exclude(kind__in=[UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT]).filter(
            ~Exists(Position.objects.filter(unit=OuterRef("pk")))
        )
    page = paginate(request, qs)
    template = "org/_unit_rows.html" if request.htmx else "org/unit_list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "page_obj": page,
            "q": q,
            "kind": kind,
            "kinds": UnitKind.choices,
            "missing": missing,
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.access_unit(request.user, pk)
    ancestors = selectors.unit_ancestors(request.user, unit)
    context = {
        "unit": unit,
        "ancestors": ancestors,
        # The parent's name is shown to everyone, its page linked only for those who may open it.
        "parent_visible": bool(ancestors) and ancestors[-1].pk == unit.parent_id,
        "children": selectors.unit_children(request.user, unit),
        "positions": selectors.unit_positions(request.user, unit),
        "grants": selectors.unit_role_grants(request.user, unit),
        "can_edit": can(request.user, "unit.edit", unit),
        "can_add_child": can(request.user, "unit.add_child", unit) and bool(ALLOWED_CHILDREN.get(unit.kind)),
        "can_manage_people": can(request.user, "unit.manage_people", unit),
        "can_grant": can(request.user, "unit.grant_role", unit),
        "entries": audit.entries_for(unit) if can(request.user, "unit.view_activity", unit) else [],
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def unit_create(request: HttpRequest, parent_pk: int) -> HttpResponse:
    parent = selectors.access_unit(request.user, parent_pk)
    require(request.user, "unit.add_child", parent)
    kinds = sorted(ALLOWED_CHILDREN.get(parent.kind, frozenset()))
    form = UnitForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=request.user,
                parent=parent,
                name=data["name"],
                kind=data["kind"],
                code=data["code"],
                division_code=data["division_code"] or "",
                sort_order=data["sort_order"] or 0,
                description=data["description"] or "",
            )
        except ValidationFailed as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Unit %(name)s was created.") % {"name": unit.name})
            return redirect("org:unit", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "parent": parent, "unit": None})


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.access_unit(request.user, pk)
    require(request.user, "unit.edit", unit)
    parent_kind = unit.parent.kind if unit.parent else None
    kinds = sorted(ALLOWED_CHILDREN.get(parent_kind, frozenset()))
    initial = {
        "name": unit.name,
        "kind": unit.kind,
        "code": unit.code,
        "division_code": unit.division_code,
        "sort_order": unit.sort_order,
        "description": unit.description,
        "version": unit.version,
    }
    form = UnitForm(request.POST or None, initial=initial, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                version=versioning.required(data.get("version")),
                name=data["name"],
                kind=data["kind"],
                code=data["code"],
                division_code=data["division_code"] or "",
                sort_order=data["sort_order"] or 0,
                description=data["description"] or "",
            )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("org:unit", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "parent": unit.parent, "unit": unit})


@login_required
def person_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = selectors.access_unit(request.user, unit_pk)
    require(request.user, "unit.manage_people", unit)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=request.user,
                unit=unit,
                name=data["name"],
                title=data["title"],
                is_leader=data["is_leader"],
                phone=data["phone"],
                post=data["post"],
            )
        except ValidationFailed as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("%(name)s was added to %(unit)s.") % {"name": person.name, "unit": unit.name})
            return redirect("org:unit", pk=unit.pk)
    return render(request, "org/person_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def position_delete(request: HttpRequest, pk: int) -> HttpResponse:
    position = Position.objects.select_related("unit", "person").filter(pk=pk).first()
    if position is None:
        raise NotFound()
    selectors.access_unit(request.user, position.unit_id)
    services.position_delete(actor=request.user, position=position)
    messages.success(request, _("The position was removed."))
    return redirect("org:unit", pk=position.unit_id)


@login_required
def role_grant(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = selectors.access_unit(request.user, unit_pk)
    require(request.user, "unit.grant_role", unit)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        if user is None:
            form.add_error("username", _("There is no active user with this name."))
        else:
            try:
                services.role_grant(actor=request.user, user=user, role=form.cleaned_data["role"], unit=unit)
            except ValidationFailed as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The role was granted."))
                return redirect("org:unit", pk=unit.pk)
    return render(request, "org/role_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = RoleGrant.objects.select_related("unit", "user").filter(pk=pk).first()
    if grant is None:
        raise NotFound()
    selectors.access_unit(request.user, grant.unit_id)
    services.role_revoke(actor=request.user, grant=grant)
    messages.success(request, _("The role was revoked."))
    return redirect("org:unit", pk=grant.unit_id)


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    q = params.get_text(request.GET, "q")
    page = paginate(request, selectors.person_list(request.user, q=q))
    return render(
        request, "org/person_list.html", {"page_obj": page, "q": q, "querystring": querystring_without_page(request)}
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk)
    scope_positions = [p for p in person.positions.all() if can(request.user, "unit.view", p.unit)]
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "positions": scope_positions,
            "can_edit": can(request.user, "person.edit", person),
            "entries": selectors.person_entries(request.user, person),
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk)
    require(request.user, "person.edit", person)
    initial = {"name": person.name, "phone": person.phone, "note": person.note}
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("org:person", pk=person.pk)
    return render(request, "org/person_edit.html", {"form": form, "person": person})
