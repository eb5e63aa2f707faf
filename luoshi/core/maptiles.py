"""The background map under Luoshi's maps: an office's own tile server, 天地图, or none.

Without a tile layer the maps still read as maps: grids are drawn on a plain background with
their names and case counts (cases/map.js). Settings (docs/deployment.md):

- ``LUOSHI_MAP_TIANDITU_KEY``: a 天地图 (www.tianditu.gov.cn) browser key; the vector map and its
  Chinese labels are used (CGCS2000, which matches the WGS 84 coordinates Luoshi stores).
- ``LUOSHI_MAP_TILE_URL``: an XYZ tile URL of an office's own server, e.g.
  ``https://tiles.example.gov.cn/{z}/{x}/{y}.png`` (with ``{s}`` and
  ``LUOSHI_MAP_TILE_SUBDOMAINS`` for several hosts), and ``LUOSHI_MAP_TILE_ATTRIBUTION``.

The tile hosts must also be allowed as images in the Content Security Policy
(``LUOSHI_MAP_TILE_HOSTS``; the 天地图 hosts are added by the settings when a key is set).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

TIANDITU = (
    "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s&STYLE=default"
    "&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%s"
)


def layers() -> list[dict[str, Any]]:
    """The tile layers to draw, bottom first; empty when none is configured."""
    key = str(getattr(settings, "LUOSHI_MAP_TIANDITU_KEY", "") or "").strip()
    if key:
        return [
            {"url": TIANDITU % ("vec", "vec", key), "subdomains": "01234567", "attribution": "© 天地图", "maxZoom": 18},
            {"url": TIANDITU % ("cva", "cva", key), "subdomains": "01234567", "attribution": "", "maxZoom": 18},
        ]
    url = str(getattr(settings, "LUOSHI_MAP_TILE_URL", "") or "").strip()
    if not url:
        return []
    return [
        {
            "url": url,
            "subdomains": str(getattr(settings, "LUOSHI_MAP_TILE_SUBDOMAINS", "") or "abc"),
            "attribution": str(getattr(settings, "LUOSHI_MAP_TILE_ATTRIBUTION", "") or ""),
            "maxZoom": 19,
        }
    ]


def layers_json() -> str:
    """:func:`layers` for a ``data-tiles`` attribute (``[]`` when there is no background map)."""
    return json.dumps(layers(), ensure_ascii=False)
