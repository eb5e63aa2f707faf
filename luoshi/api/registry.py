"""Apps register their ninja routers here; :mod:`luoshi.api.site` mounts them."""

from __future__ import annotations

from ninja import Router

_routers: list[tuple[int, str, Router]] = []


def register_router(prefix: str, router: Router, *, order: int = 100) -> None:
    if all(r is not router for _, _, r in _routers):
        _routers.append((order, prefix, router))


def routers() -> list[tuple[str, Router]]:
    return [(prefix, router) for _, prefix, router in sorted(_routers, key=lambda t: (t[0], t[1]))]
