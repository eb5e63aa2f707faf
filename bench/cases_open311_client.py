"""Check Luoshi's Open311 endpoint with the independent `georeport` client (read side).

`georeport` is not a Luoshi dependency; use a throw-away virtualenv:

    python3 -m venv /tmp/o311 && /tmp/o311/bin/pip install georeport==0.3.1
    .venv/bin/luoshi serve  # or any running Luoshi with the demo data, on 127.0.0.1
    /tmp/o311/bin/python bench/cases_open311_client.py http://127.0.0.1:8000/open311/v2

Exits non-zero on the first failed expectation.
"""

from __future__ import annotations

import sys

from georeport import GeoReport  # type: ignore[import-not-found]


def main(root: str) -> int:
    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        services = client.get_service_list()
        assert isinstance(services, list), services
        assert services
        codes = [s["service_code"] for s in services]
        assert all(isinstance(c, str) for c in codes)
        definition = client.get_service_definition(codes[0])
        assert definition["service_code"] == codes[0]
        requests = client.get_service_requests(status="open")
        assert isinstance(requests, list)
        assert requests
        first = requests[0]["service_request_id"]
        one = client.get_service_request(first)  # indexes [0] of the JSON array
        assert one["service_request_id"] == first, one
        assert one["status"] in ("open", "closed")
        some = client.get_service_requests(service_request_id=",".join(r["service_request_id"] for r in requests[:3]))
        assert len(some) == min(3, len(requests))
        print(f"{fmt}: {len(services)} services, {len(requests)} open requests; {first}: {one['status_notes']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/open311/v2"))
