"""Demo indicator data: targets and monthly values for every demo township and community.

Two years: the year before the demo year in full (so that year-over-year
growth can be computed), and the demo year up to the last complete month — the
current year once August is over, otherwise the previous year in full. The
figures the source documents publish are placed where they put them:

- 城东街道 1-8月 (seed 004): 一般公共预算总收入 16915万元 … 建安投资 151384万元 比增61.7%,
  限上批发销售额 106780万元 比增28%, 规上服务业 12065万元 比增2.7%; 签约项目 10个 约40亿元,
  在谈项目 8个 约11亿元, 签约面积 54000平方米.
- 北白象镇 一季度 (seed 003): 财政总收入 6.19亿元, 新产品产值 26.4亿元; the year before,
  技术研发投入 8.69亿元, growth 12.4% as reported.
- 五马街道 一季度: 批零住餐销售额 44.52亿元, growth 17.2%.
- 娄桥街道 签约腾空 1198户, 永兴街道 协调解决问题 113起 (一季度).

Everything else is generated with a fixed random seed. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from luoshi.core.timeutil import today as local_today
from luoshi.indicators import computed
from luoshi.indicators.models import Aggregation, Indicator, IndicatorKind, IndicatorValue, Source, Target
from luoshi.org.models import Unit, UnitKind

# Share of the year's total reached by the end of each month (cumulative indicators).
SHAPE = [0.075, 0.145, 0.235, 0.315, 0.4, 0.49, 0.575, 0.66, 0.745, 0.83, 0.915, 1.0]

# Annual totals of a mid-sized township (size factor 1.0), in each indicator's unit.
BASE: dict[str, float] = {
    "public_budget_revenue": 25000,
    "fiscal_revenue": 42000,
    "tax_revenue": 20000,
    "industrial_output": 240000,
    "industrial_value_added": 60000,
    "new_product_output": 80000,
    "rd_investment": 7000,
    "retail_sales": 30000,
    "wholesale_sales": 170000,
    "trade_catering_sales": 600000,
    "services_revenue": 19000,
    "fixed_asset_investment": 270000,
    "construction_investment": 230000,
    "effective_investment": 160000,
    "signed_projects": 15,
    "signed_investment": 60,
    "projects_in_talks": 9,
    "talks_amount": 14,
    "key_project_investment": 110000,
    "acquisition_signed_area": 80000,
    "acquisition_households": 600,
    "new_jobs": 1500,
    "enterprise_problems_solved": 150,
    "petitions": 120,
    "safety_accidents": 4,
    "dispute_resolution_rate": 95,
}
COMMUNITY_BASE = {"new_market_entities": 70, "errands_handled": 120, "petitions": 12, "dispute_resolution_rate": 95}

# Size of each demo township relative to a mid-sized one.
SIZE = {
    "TT": 0.7, "BH": 1.1, "DC": 1.3, "CD": 1.1, "XH": 1.4, "YX": 1.2, "LQ": 0.9,
    "WM": 1.0, "JS": 0.8, "BBX": 3.2, "KY": 1.5, "YY": 0.5, "QK": 0.8, "TS": 0.7,
}  # fmt: skip

# (unit code, indicator code, month) → (value in the indicator's unit, growth % or None).
SEEDS: dict[tuple[str, str, int], tuple[str, str | None]] = {
    ("CD", "public_budget_revenue", 8): ("16915", None),
    ("CD", "industrial_output", 8): ("149976", None),
    ("CD", "retail_sales", 8): ("18837", None),
    ("CD", "fixed_asset_investment", 8): ("171156", None),
    ("CD", "construction_investment", 8): ("151384", "61.7"),
    ("CD", "wholesale_sales", 8): ("106780", "28"),
    ("CD", "services_revenue", 8): ("12065", "2.7"),
    ("CD", "signed_projects", 8): ("10", None),
    ("CD", "signed_investment", 8): ("40", None),
    ("CD", "projects_in_talks", 8): ("8", None),
    ("CD", "talks_amount", 8): ("11", None),
    ("CD", "acquisition_signed_area", 8): ("54000", None),
    ("BBX", "fiscal_revenue", 3): ("61900", None),
    ("BBX", "new_product_output", 3): ("264000", None),
    ("WM", "trade_catering_sales", 3): ("445200", "17.2"),
    ("LQ", "acquisition_households", 3): ("1198", None),
}
# Figures of the year before the demo year, growth as reported (no value two years back).
PREVIOUS_YEAR_SEEDS: dict[tuple[str, str, int], tuple[str, str | None]] = {
    ("BBX", "rd_investment", 12): ("86900", "12.4"),
}

CENT = Decimal("0.01")


def demo_period(today: dt.date | None = None) -> tuple[int, int]:
    """(demo year, last month with values): the current year once 1-8月 is complete."""
    day = today or local_today()
    last = day.month - 1
    if last >= 8:
        return day.year, last
    return day.year - 1, 12


def ensure_catalogue() -> None:
    """Create the seeded catalogue's indicators that are missing (e.g. after a database flush)."""
    import importlib

    from django.apps import apps

    seed = importlib.import_module("luoshi.indicators.migrations.0002_seed_catalogue").seed
    seed(apps, None)
    for migration in ("0007_computed_from_metrics", "0008_enterprise_requests_computed"):
        importlib.import_module(f"luoshi.indicators.migrations.{migration}").bind(apps, None)


def is_loaded() -> bool:
    return IndicatorValue.objects.filter(source=Source.DEMO).exists()


@transaction.atomic
def load(*, stdout: Any = None, today: dt.date | None = None) -> dict[str, int]:
    """Create demo targets and values unless they are there; needs the demo organisation."""
    if is_loaded():
        return {"values": 0, "targets": 0}
    ensure_catalogue()
    townships = list(
        Unit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT], code__in=list(SIZE)).select_related(
            "parent"
        )
    )
    if not townships:
        return {"values": 0, "targets": 0}
    indicators = {i.code: i for i in Indicator.objects.filter(is_active=True)}
    year, last_month = demo_period(today)
    rng = random.Random(20260405)
    values: dict[tuple[int, int, int, int], tuple[Decimal, Decimal | None]] = {}
    targets: dict[tuple[int, int, int], Decimal] = {}
    for town in sorted(townships, key=lambda u: u.code):
        _township(rng, town, indicators, year, last_month, values, targets)
    communities = list(
        Unit.objects.filter(parent__in=townships, kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE]).order_by("path")
    )
    for place in communities:
        _community(rng, place, indicators, year, last_month, values, targets)
    aggregated = _sums(townships, communities, indicators, values)
    rows = [
        IndicatorValue(
            unit_id=u,
            indicator_id=i,
            year=y,
            month=m,
            value=v,
            yoy_reported=r,
            source=Source.AGGREGATED if (u, i, y, m) in aggregated else Source.DEMO,
        )
        for (u, i, y, m), (v, r) in values.items()
    ]
    IndicatorValue.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    Target.objects.bulk_create(
        [Target(unit_id=u, indicator_id=i, year=y, value=v) for (u, i, y), v in targets.items()],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return {"values": len(rows), "targets": len(targets), "computed": load_computed(today=today)["computed"]}


def load_computed(*, stdout: Any = None, today: dt.date | None = None) -> dict[str, int]:
    """The demo year's computed values (also run last, after every app's demo records exist)."""
    bound = computed.bound_indicators()
    year, last_month = demo_period(today)
    written = computed.compute_months(year, range(1, last_month + 1), indicators=bound) if bound else {}
    return {"computed": sum(written.values())}


def _d(value: float | Decimal, places: int = 2) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _series(rng: random.Random, annual: float, kind: str, months: int) -> list[float]:
    """Monthly figures for one year: cumulative totals, levels or ratios."""
    if kind == IndicatorKind.CUMULATIVE:
        wobble = [s * rng.uniform(0.94, 1.06) for s in SHAPE[:-1]] + [1.0]
        running = 0.0
        result = []
        for share in wobble[:months]:
            running = max(running, share)
            result.append(annual * running)
        return result
    if kind == IndicatorKind.RATIO:
        return [min(100.0, annual + rng.uniform(-3, 3)) for _m in range(months)]
    level = annual * rng.uniform(0.6, 0.8)
    result = []
    for _m in range(months):
        level = max(0.0, level * rng.uniform(0.95, 1.12))
        result.append(level)
    return result


def _township(
    rng: random.Random,
    town: Unit,
    indicators: dict[str, Indicator],
    year: int,
    last_month: int,
    values: dict[tuple[int, int, int, int], tuple[Decimal, Decimal | None]],
    targets: dict[tuple[int, int, int], Decimal],
) -> None:
    size = SIZE.get(town.code, 1.0)
    for code, base in BASE.items():
        indicator = indicators.get(code)
        if indicator is None or not indicator.reported_by(town):
            continue
        places = max(indicator.decimals, 0)
        if indicator.kind == IndicatorKind.RATIO:
            annual_before = base + rng.uniform(-2, 3)
        else:
            annual_before = base * size * rng.uniform(0.8, 1.2)
        growth = rng.uniform(-0.05, 0.25) if indicator.higher_is_better else rng.uniform(-0.3, 0.1)
        annual_now = annual_before * (1 + growth) if indicator.kind != IndicatorKind.RATIO else annual_before + 0.5
        # Seeds fix a month's figure: scale this year's curve (and last year's, through the growth) to it.
        seeded = [(m, v, g) for (c, i, m), (v, g) in SEEDS.items() if c == town.code and i == code]
        before = _series(rng, annual_before, indicator.kind, 12)
        now = _series(rng, annual_now, indicator.kind, last_month)
        for month, raw, growth_pct in seeded:
            if month > last_month:
                continue
            factor = float(raw) / now[month - 1] if now[month - 1] else 1.0
            now = [v * factor for v in now]
            before = [v * factor for v in before]  # keeps last year (and so the target) in proportion
            if growth_pct is not None:
                wanted_before = float(raw) / (1 + float(growth_pct) / 100)
                factor_before = wanted_before / before[month - 1] if before[month - 1] else 1.0
                before = [v * factor_before for v in before]
        round_to = 0 if indicator.unit in ("个", "户", "人", "件", "起") else max(places, 2)
        for month, figure in enumerate(before, start=1):
            values[(town.pk, indicator.pk, year - 1, month)] = (_d(figure, round_to), None)
        # This year's values of indicators computed from other apps' records (key projects, 招商,
        # 征迁, enterprise requests) are not typed: computed.compute_months writes them after the loop.
        typed = not indicator.metric
        for month, figure in enumerate(now, start=1):
            if typed:
                values[(town.pk, indicator.pk, year, month)] = (_d(figure, round_to), None)
        for month, raw, growth_pct in seeded:
            if month <= last_month and typed:
                values[(town.pk, indicator.pk, year, month)] = (
                    Decimal(raw),
                    Decimal(growth_pct) if growth_pct else None,
                )
                if growth_pct is not None:
                    exact = Decimal(raw) / (1 + Decimal(growth_pct) / 100)
                    values[(town.pk, indicator.pk, year - 1, month)] = (_d(exact, 4), None)
        for (c, i, m), (raw, growth_pct) in PREVIOUS_YEAR_SEEDS.items():
            if c == town.code and i == code:
                values[(town.pk, indicator.pk, year - 1, m)] = (
                    Decimal(raw),
                    Decimal(growth_pct) if growth_pct else None,
                )
        # Targets: last year's total plus a planned growth (lower-is-better: a ceiling).
        planned = rng.uniform(0.04, 0.12)
        final_before = before[-1]
        if indicator.kind == IndicatorKind.RATIO:
            target_now = Decimal(95)
        elif indicator.higher_is_better:
            target_now = _d(final_before * (1 + planned), round_to)
        else:
            target_now = _d(max(1.0, final_before * 1.1), round_to)
        if code == "effective_investment" and town.code == "TS":
            target_now = _d(final_before * 1.2, round_to)  # 陶山镇: 有效投资增长20%以上
        targets[(town.pk, indicator.pk, year)] = target_now
        targets[(town.pk, indicator.pk, year - 1)] = _d(
            final_before * (0.97 if indicator.higher_is_better else 1.1), round_to
        )


def _community(
    rng: random.Random,
    place: Unit,
    indicators: dict[str, Indicator],
    year: int,
    last_month: int,
    values: dict[tuple[int, int, int, int], tuple[Decimal, Decimal | None]],
    targets: dict[tuple[int, int, int], Decimal],
) -> None:
    for code, base in COMMUNITY_BASE.items():
        indicator = indicators.get(code)
        if indicator is None or not indicator.reported_by(place):
            continue
        size = rng.uniform(0.5, 1.6)
        annual_before = base if indicator.kind == IndicatorKind.RATIO else base * size
        annual_now = annual_before * rng.uniform(0.9, 1.25) if indicator.kind != IndicatorKind.RATIO else base
        round_to = 1 if indicator.kind == IndicatorKind.RATIO else 0
        for offset, (annual, months) in enumerate(((annual_before, 12), (annual_now, last_month))):
            for month, figure in enumerate(_series(rng, annual, indicator.kind, months), start=1):
                values[(place.pk, indicator.pk, year - 1 + offset, month)] = (_d(figure, round_to), None)
        if indicator.kind == IndicatorKind.RATIO:
            targets[(place.pk, indicator.pk, year)] = Decimal(95)
        elif indicator.higher_is_better:
            targets[(place.pk, indicator.pk, year)] = _d(annual_before * 1.1, 0)
        else:
            targets[(place.pk, indicator.pk, year)] = _d(annual_before * 1.05, 0)


def _sums(
    townships: list[Unit],
    communities: list[Unit],
    indicators: dict[str, Indicator],
    values: dict[tuple[int, int, int, int], tuple[Decimal, Decimal | None]],
) -> set[tuple[int, int, int, int]]:
    """Parent values of summed indicators: townships from communities, the district from townships."""
    by_id = {i.pk: i for i in indicators.values()}
    kind_of = {u.pk: u.kind for u in [*townships, *communities]}
    parent_of = {u.pk: u.parent_id for u in [*townships, *communities]}
    aggregated: set[tuple[int, int, int, int]] = set()
    for level in (communities, townships):
        ids = {u.pk for u in level}
        sums: dict[tuple[int, int, int, int], Decimal] = defaultdict(Decimal)
        for (u, i, y, m), (v, _r) in list(values.items()):
            ind = by_id.get(i)
            if u not in ids or ind is None or ind.aggregation != Aggregation.SUM:
                continue
            parent = parent_of.get(u)
            if parent is None:
                continue
            parent_kind = kind_of.get(parent, UnitKind.DISTRICT)
            if parent_kind in (ind.unit_kinds or []):
                continue  # the parent reports it itself
            sums[(parent, i, y, m)] += v
        for key, total in sums.items():
            values[key] = (total, None)
            aggregated.add(key)
    return aggregated
