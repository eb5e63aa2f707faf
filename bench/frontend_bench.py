"""Front-end weight and load times of the chart pages (issue 17, finding 8).

Opens each page in Chromium as a logged-in demo user over an emulated slow 4G link (150 ms round
trip, 1.6 Mbit/s down, 750 kbit/s up, no cache) and records, per page:

- bytes over the wire (``transferSize``: gzip where the server compresses, i.e. static files served
  by whitenoise after ``collectstatic``) and the same files uncompressed (``decodedBodySize``);
- the ECharts file's share of them;
- DOMContentLoaded, load, and the moment every chart on the page is drawn (``data-rendered``); the
  bytes counted include the cockpit map's records, fetched after the page (the figures wait for them).

Give one or more servers as NAME=URL; each must be a real server (``luoshi serve``: whitenoise with
compressed static files, DEBUG off) on the demo data. Servers are measured in turns, page by page,
so that the machine's load falls on all of them alike; the median of ``--runs`` loads is reported.

Usage (bench/RESULTS-frontend.md has the exact commands and the figures)::

    .venv/bin/python bench/frontend_bench.py before=http://127.0.0.1:8718 after=http://127.0.0.1:8719
    .venv/bin/python bench/frontend_bench.py now=http://127.0.0.1:8000 --runs 5 --user leader
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Chart pages first (the cockpit's trend chart needs the daily aggregates: `luoshi rebuild_aggregates`),
#: then two pages without charts for comparison. An assessment result (radar: the extra part) is given
#: with --pages, e.g. /assessment/runs/1/s/8/.
PAGES = ("/cases/stats/", "/indicators/", "/indicators/leaderboard/", "/cockpit/", "/", "/tasks/overview/")
#: Lighthouse's "slow 4G" throttling (what the issue measured with).
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}

MEASURE = """async () => {
  const charts = Array.from(document.querySelectorAll(
      '[data-echarts], [data-progress-chart], #stats-chart, .cockpit-chart[data-chart]'))
    .filter(el => !el.hidden);
  const started = performance.now();
  while (charts.some(el => el.getAttribute('data-rendered') !== '1' && !el.querySelector('canvas'))
         && performance.now() - started < 30000) {
    await new Promise(resolve => setTimeout(resolve, 25));
  }
  // The cockpit's map fetches its records after the page: wait for them too, so every server's figures
  // hold the same requests.
  const maps = Array.from(document.querySelectorAll('.cockpit-map[data-url]'));
  while (maps.some(el => !el.hasAttribute('data-loaded')) && performance.now() - started < 30000) {
    await new Promise(resolve => setTimeout(resolve, 25));
  }
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const all = [nav, ...resources];
  const echarts = resources.filter(r => /\\/vendor\\/(echarts|charts)\\//.test(r.name));
  return {
    charts: charts.length,
    drawn: charts.length ? performance.now() : null,
    dcl: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    wire: all.reduce((s, r) => s + (r.transferSize || 0), 0),
    raw: all.reduce((s, r) => s + (r.decodedBodySize || 0), 0),
    echarts_wire: echarts.reduce((s, r) => s + (r.transferSize || 0), 0),
    echarts_raw: echarts.reduce((s, r) => s + (r.decodedBodySize || 0), 0),
  };
}"""


def chromium() -> str:
    from luoshi.core.testing import chromium_path

    path = chromium_path()
    if path is None:
        raise SystemExit("needs Chromium (apt-get install chromium, or LUOSHI_CHROMIUM)")
    return path


def load_once(browser: Any, base: str, user: str, url: str) -> dict[str, Any]:
    from luoshi.core.testing import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    # No cache from the first request on: the login page's style sheet and scripts count on the page too.
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    page.goto(base + url, wait_until="load")
    page.wait_for_timeout(50)  # loadEventEnd is set just after the load event
    figures = page.evaluate(MEASURE)
    context.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("servers", nargs="+", help="NAME=URL, e.g. before=http://127.0.0.1:8718")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="leader")
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    args = parser.parse_args()
    servers = [tuple(s.split("=", 1)) for s in args.servers]

    from playwright.sync_api import sync_playwright

    from luoshi.core.testing import CHROMIUM_ARGS

    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_ARGS)
        for url in args.pages:
            for _ in range(args.runs):
                for name, base in servers:  # in turns: the machine's load falls on every server alike
                    results.setdefault((name, url), []).append(load_once(browser, base, args.user, url))
        browser.close()

    def med(rows: list[dict[str, Any]], key: str) -> float | None:
        values = [r[key] for r in rows if r[key] is not None]
        return statistics.median(values) if values else None

    def kb(n: float | None) -> str:
        return "—" if not n else f"{n / 1024:,.0f}"

    def sec(ms: float | None) -> str:
        return "—" if ms is None else f"{ms / 1000:.2f}"

    print(f"slow 4G (150 ms, 1.6 Mbit/s), cache off, {args.runs} loads each, median; user {args.user}\n")
    print(
        "| page | server | KB over the wire | KB uncompressed | ECharts KB wire / raw | ECharts share | "
        "DOMContentLoaded s | load s | charts drawn s |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    for url in args.pages:
        for name, _base in servers:
            rows = results[(name, url)]
            wire, ew = med(rows, "wire"), med(rows, "echarts_wire")
            share = f"{100 * ew / wire:.0f} %" if wire and ew else "—"
            drawn = med(rows, "drawn") if rows[0]["charts"] else None
            print(
                f"| {url} | {name} | {kb(wire)} | {kb(med(rows, 'raw'))} | {kb(ew)} / {kb(med(rows, 'echarts_raw'))} | "
                f"{share} | {sec(med(rows, 'dcl'))} | {sec(med(rows, 'load'))} | {sec(drawn)} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
