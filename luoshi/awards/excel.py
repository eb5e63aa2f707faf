"""Excel exports of the award board, a round and the 红黑榜: every cell through core/cells."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from luoshi.awards.models import AwardRound, ListColor, ListEntry, ListIssue
from luoshi.awards.selectors import BoardCard, Tally
from luoshi.core import cells

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    cells.append(sheet, header)
    for row in rows:
        cells.append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def board_workbook(period: str, cards: Sequence[BoardCard]) -> bytes:
    rows = [
        [str(card.award_type.contest), card.award_type.name, card.rnd.unit.name, period, w.nominee_name, w.citation]
        for card in cards
        for w in card.winners
    ]
    header = [_("Contest"), _("Award"), _("Organised by"), pgettext("award", "Period"), _("Winner"), _("Citation")]
    return _book(_("Awards"), header, rows)


def round_workbook(rnd: AwardRound, tallies: Sequence[Tally]) -> bytes:
    rows = [
        [
            t.nomination.nominee_name,
            t.nomination.nominating_unit.name,
            t.nomination.reason,
            t.nomination.figure,
            t.votes,
            _("yes") if t.nomination.is_winner else "",
            t.nomination.citation,
        ]
        for t in tallies
    ]
    header = [_("Nominee"), _("Nominated by"), _("Reason"), _("Figure"), _("Votes"), _("Awarded"), _("Citation")]
    return _book(str(rnd.award_type.name), header, rows)


def list_workbook(issue: ListIssue, entries: dict[str, list[ListEntry]]) -> bytes:
    labels = {ListColor.RED: _("Red list"), ListColor.BLACK: _("Black list")}
    rows = [
        [str(labels[color]), e.position, e.unit_name, e.rule_name, e.value, e.reason]
        for color in (ListColor.RED, ListColor.BLACK)
        for e in entries[color]
    ]
    header = [_("List"), _("No."), _("Unit"), _("Rule"), _("Value"), _("Reason")]
    return _book(issue.period, header, rows)
