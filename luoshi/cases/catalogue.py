"""The starting category tree (data/categories.json), loaded by a data migration.

Loading is idempotent: existing codes are left as administrators edited them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "categories.json"


def seed_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def load_categories(category_model: Any, attribute_model: Any) -> int:
    """Create the missing categories and questions; return how many categories were created."""
    data = seed_data()
    existing = set(category_model.objects.values_list("code", flat=True))
    created = 0
    for order, major in enumerate(data["categories"]):
        accept, handle, verify = major["limits"]
        if major["code"] in existing:
            parent = category_model.objects.get(code=major["code"])
        else:
            parent = category_model.objects.create(
                code=major["code"],
                name=major["name"],
                is_public=major["public"],
                is_dispute=major.get("dispute", False),
                accept_days=accept,
                handle_days=handle,
                verify_days=verify,
                service_notice=major.get("notice", ""),
                handler_level=major.get("handler", ""),
                sort_order=order,
            )
            created += 1
        rows = []
        for sub_order, (code, name, limits) in enumerate(major["children"]):
            if code in existing:
                continue
            a, h, v = limits if limits else (None, None, None)
            rows.append(
                category_model(
                    parent=parent,
                    code=code,
                    name=name,
                    is_public=major["public"],
                    is_dispute=major.get("dispute", False),
                    accept_days=a,
                    handle_days=h,
                    verify_days=v,
                    sort_order=sub_order,
                )
            )
        category_model.objects.bulk_create(rows)
        created += len(rows)
    mark_on_the_spot(category_model, data)
    by_code = {c.code: c for c in category_model.objects.all()}
    for order, attr in enumerate(data["attributes"]):
        category = by_code.get(attr["category"])
        if category is None or attribute_model.objects.filter(category=category, code=attr["code"]).exists():
            continue
        attribute_model.objects.create(
            category=category,
            code=attr["code"],
            description=attr["description"],
            datatype=attr["datatype"],
            required=attr["required"],
            datatype_description=attr.get("datatype_description", ""),
            values=attr.get("values", []),
            order=order + 1,
        )
    return created


def mark_on_the_spot(category_model: Any, data: dict[str, Any] | None = None) -> int:
    """Allow closing on the spot (自行处置) for the sub-categories the catalogue lists.

    Only switches the flag on (an administrator who switched it off later is not overruled on
    a fresh install's codes only); a model without the field (an older migration state) is left.
    """
    if "on_the_spot" not in {f.name for f in category_model._meta.get_fields()}:
        return 0
    codes = (data or seed_data()).get("on_the_spot", [])
    return int(category_model.objects.filter(code__in=codes, on_the_spot=False).update(on_the_spot=True))
