"""The zh-Hans catalogue is complete, and pages and errors speak Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from luoshi.cases import workflow
from luoshi.cases.models import Status
from luoshi.core.errors import Conflict

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_empty_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    blocks = text.split("\n\n")[1:]
    assert blocks
    for block in blocks:
        assert "#, fuzzy" not in block, block
        # The translation may start on the msgstr line or, wrapped, on the lines after an empty "".
        assert re.search(r'^msgstr(\[0\])? (""\n)?"(?!")', block, re.M), f"untranslated: {block}"
    assert PO.with_suffix(".mo").exists()


def test_status_labels_and_workflow_errors_are_chinese():
    assert str(Status.HANDLING.label) == "处置中"
    with pytest.raises(Conflict) as err:
        workflow.require(Status.CLOSED, "accept", {})
    assert "不能" in str(err.value.message)


@pytest.mark.django_db
def test_the_public_form_is_in_chinese(client):
    html = client.get("/cases/public/").content.decode()
    assert "向街道（乡镇）反映问题" in html
