"""Refused assessment forms (issue 14, finding 7): the page comes back with each error under its
field and what was typed still in the boxes: a section, a manual score, an appeal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from luoshi.assessment import services
from luoshi.assessment.models import ManualScore, Section
from luoshi.assessment.tests.factories import scheme_world
from luoshi.assessment.workflow import Action
from luoshi.org.models import Role
from luoshi.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)
    return c


def field_block(page: str, field_id: str) -> str:
    """The ``core/_field.html`` block holding the box with ``field_id``: label, box, help and errors."""
    at = page.index(f'id="{field_id}"')
    start = page.rindex('<div class="field', 0, at)
    return page[start : page.index("</div>", at) + 6]


def test_a_refused_section_keeps_what_was_typed_with_the_error_under_its_field(tree: dict[str, Any]) -> None:
    world = scheme_world(tree)
    org = world["organiser"]
    draft = services.version_new_draft(actor=org, scheme=world["scheme"])
    c = client_for(org)
    response = c.post(
        f"/assessment/versions/{draft.pk}/sections/new/", {"name": "群众满意度", "kind": "base", "weight": "-2"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"?v={draft.number}#add-section")
    assert not Section.objects.filter(scheme_version=draft, name="群众满意度").exists()
    page = c.get(response["Location"]).content.decode()
    add = page.split('data-testid="add-section"')[1].split("</details>")[0]
    assert add.startswith(' id="add-section" open>')
    assert 'data-testid="form-errors"' in add
    weight = field_block(add, "id_weight")
    assert 'class="field has-error' in weight and 'value="-2"' in weight
    assert '<ul class="errorlist' in weight and "0" in weight.split("errorlist")[1]
    assert 'value="群众满意度"' in field_block(add, "id_name")
    # Shown once: the next visit has a fresh form.
    again = c.get(response["Location"]).content.decode().split('data-testid="add-section"')[1].split("</details>")[0]
    assert "errorlist" not in again and 'value="群众满意度"' not in again

    # Editing a section: an empty name is refused under the name, the other values kept.
    section = draft.sections.get(name="重点工作")
    response = c.post(f"/assessment/sections/{section.pk}/edit/", {"name": "", "kind": "bonus", "weight": "3"})
    assert response["Location"].endswith(f"#section-{section.pk}")
    page = c.get(response["Location"]).content.decode()
    edit = page.split(f'id="section-{section.pk}-edit"')[1].split("</details>")[0]
    assert edit.startswith(" open>")
    assert "errorlist" in field_block(edit, f"s{section.pk}_name")
    assert 'value="3"' in field_block(edit, f"s{section.pk}_weight")
    assert '<option value="bonus" selected>' in field_block(edit, f"s{section.pk}_kind")
    section.refresh_from_db()
    assert section.name == "重点工作"


def test_a_refused_manual_score_comes_back_under_its_item(tree: dict[str, Any]) -> None:
    world = scheme_world(tree)
    org = world["organiser"]
    run = services.run_compute(actor=org, scheme=world["scheme"], period_key="2026-03")
    item, a = world["manual"], tree["a"]
    c = client_for(org)
    url = f"/assessment/runs/{run.pk}/s/{a.pk}/items/{item.pk}/score/"
    # Over the item's 10 points: the service refuses it, under the points.
    response = c.post(url, {"points": "12", "reason": "走访 30 户，满意 28 户"})
    assert response["Location"].endswith(f"/assessment/runs/{run.pk}/s/{a.pk}/#score-{item.pk}")
    assert not ManualScore.objects.filter(run=run).exists()
    page = c.get(response["Location"]).content.decode()
    form = page.split(f'id="score-{item.pk}"')[1].split("</form>")[0]
    points = field_block(form, f"score{item.pk}_points")
    assert "errorlist" in points and 'value="12"' in points and 'max="10' in points
    assert "走访 30 户，满意 28 户</textarea>" in field_block(form, f"score{item.pk}_reason")
    # No reason: the form itself says so under the reason, the points kept.
    c.post(url, {"points": "8", "reason": ""})
    form = c.get(response["Location"]).content.decode().split(f'id="score-{item.pk}"')[1].split("</form>")[0]
    assert "errorlist" in field_block(form, f"score{item.pk}_reason")
    assert 'value="8"' in field_block(form, f"score{item.pk}_points")
    assert "errorlist" not in field_block(form, f"score{item.pk}_points")


def test_a_refused_appeal_keeps_the_item_chosen_and_says_what_is_missing(tree: dict[str, Any]) -> None:
    world = scheme_world(tree)
    org = world["organiser"]
    run = services.run_compute(actor=org, scheme=world["scheme"], period_key="2026-03")
    for unit in (tree["a"], tree["b"]):
        services.manual_score_enter(
            actor=org, run=run, item=world["manual"], subject_id=unit.pk, points="7", reason="评定"
        )
    run = services.run_transition(actor=org, run=run, action=Action.FREEZE)
    run = services.run_transition(actor=org, run=run, action=Action.PUBLISH)
    leader = user_with_role(Role.LEADER, tree["a"], username="a_leader")
    c = client_for(leader)
    overdue = world["overdue"]
    response = c.post(f"/assessment/runs/{run.pk}/s/{tree['a'].pk}/appeal/", {"item": overdue.pk, "reason": "  "})
    assert response["Location"].endswith("#appeal")
    page = c.get(response["Location"]).content.decode()
    form = page.split('data-testid="appeal-form"')[1].split("</form>")[0]
    assert 'data-testid="form-errors"' in form
    assert "errorlist" in field_block(form, "id_reason")
    assert f'<option value="{overdue.pk}" selected>' in field_block(form, "id_item")
