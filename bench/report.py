"""The benchmark's report: machine, software, per-page figures and the issue's targets."""

import os
import platform
from importlib import metadata

from bench.pages import (
    FIRST_VISIT_LIMIT_BYTES,
    FLOOR,
    PAGES,
    REPEAT_VISIT_LIMIT_BYTES,
    YOUNG_CLUB_PAGE,
)


def percentile(sorted_times: list[float], p: float) -> float | None:
    """Nearest-rank percentile of already sorted times."""
    if not sorted_times:
        return None
    rank = max(1, -(-len(sorted_times) * p // 100))
    return round(sorted_times[int(rank) - 1], 2)


def machine() -> dict:
    info = {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "cpu": "",
        "memory_mb": None,
        # What else the machine was doing: 1, 5 and 15 minute load averages at the end.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["memory_mb"] = int(line.split()[1]) // 1024
                    break
    except OSError:
        pass
    return info


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def software(postgres_version: str) -> dict:
    return {
        "python": platform.python_version(),
        "django": _version("Django"),
        "postgresql": postgres_version,
        "gunicorn": _version("gunicorn"),
        "whitenoise": _version("whitenoise"),
        "psycopg2": _version("psycopg2-binary"),
        "locust": _version("locust"),
    }


def pages_report(plan_pages: list[dict], load: dict) -> dict:
    """Per page: the load figures, queries per request, bytes, and the ratios to the floor:
    the floor measured at the start of the run, and (for a page with a ratio target) the
    floor measured beside it, just before and just after, which its target is judged by."""
    phases, sizes = load.get("phases", {}), load.get("sizes", {})
    floor_median = (phases.get(FLOOR) or {}).get("p50_ms")
    out = {}
    for page in plan_pages:
        name = page["name"]
        entry = {"title": page["title"], "method": page["method"], "path": page["paths"][0]}
        entry["role"] = page["role"]
        if not page["available"]:
            entry["available"] = False
            entry["why"] = page.get("why") or "not routed"
            out[name] = entry
            continue
        phase = phases.get(name, {})
        entry.update(
            {
                key: phase.get(key)
                for key in (
                    "requests",
                    "failures",
                    "p50_ms",
                    "p95_ms",
                    "p99_ms",
                    "mean_ms",
                    "max_ms",
                    "throughput_rps",
                )
            }
        )
        if phase.get("errors"):
            entry["errors"] = phase["errors"]
        beside = phase.get("floor_beside")
        if beside:
            entry["floor_beside"] = beside
            entry["failures"] = (entry["failures"] or 0) + beside["failures"]
        entry["queries_per_request"] = page.get("queries")
        size = sizes.get(name, {})
        entry["bytes_compressed"] = size.get("bytes")
        entry["bytes_uncompressed"] = size.get("uncompressed_bytes")
        entry["content_encoding"] = size.get("content_encoding")
        entry["status"] = size.get("status")
        median = phase.get("p50_ms")
        entry["ratio_to_floor_median"] = ratio(median, floor_median)
        if beside:
            entry["ratio_to_floor_beside"] = ratio(median, beside["p50_ms"])
        out[name] = entry
    return out


def ratio(median: float | None, floor: float | None) -> float | None:
    return round(median / floor, 2) if median and floor else None


def floor_ratio(entry: dict) -> float | None:
    """The ratio a page's target is judged by: to the floor measured beside it, or to the
    run's floor where it was not measured beside it (an older result)."""
    beside = entry.get("ratio_to_floor_beside")
    return beside if beside is not None else entry.get("ratio_to_floor_median")


def targets(scale: str, pages: dict, weight: dict | None) -> list[dict]:
    """Each of the issue's targets: the limit, the figure measured, met or not."""
    checks = []

    def check(what, measured, limit, unit):
        met = None if measured is None else measured <= limit
        checks.append(
            {
                "target": what,
                "limit": limit,
                "measured": measured,
                "unit": unit,
                "met": met,
                "over_by": None if measured is None or met else round(measured - limit, 2),
            }
        )

    for page in PAGES:
        entry = pages.get(page.name, {})
        if page.p95_target_ms is not None:
            check(f"{page.name} p95", entry.get("p95_ms"), page.p95_target_ms, "ms")
        if page.national_p95_target_ms is not None and scale == "national":
            check(f"{page.name} p95", entry.get("p95_ms"), page.national_p95_target_ms, "ms")
        if page.floor_ratio_limit is not None:
            check(
                f"{page.name} median / floor median",
                floor_ratio(entry),
                page.floor_ratio_limit,
                "x",
            )
        if page.max_queries is not None:
            check(
                f"{page.name} queries per request",
                entry.get("queries_per_request"),
                page.max_queries,
                "queries",
            )
    if weight:
        check(
            f"{YOUNG_CLUB_PAGE} first visit",
            weight["first_visit_bytes"],
            FIRST_VISIT_LIMIT_BYTES,
            "B",
        )
        check(
            f"{YOUNG_CLUB_PAGE} repeat visit",
            weight["repeat_visit_bytes"],
            REPEAT_VISIT_LIMIT_BYTES,
            "B",
        )
    return checks


def markdown(result: dict) -> str:
    """The run as Markdown tables (for docs/performance.md)."""

    def fmt(value, suffix=""):
        return "-" if value is None else f"{value}{suffix}"

    lines = [
        f"Scale **{result['scale']}**; machine: {result['machine']['cores']} cores, "
        f"{result['machine']['memory_mb']} MB, {result['machine']['cpu']}; "
        + ", ".join(f"{k} {v}" for k, v in result["software"].items())
        + f"; {result['run']['users_per_page']} users per page for "
        f"{result['run']['seconds_per_page']} s, {result['run']['gunicorn_workers']} gunicorn workers.",
        "",
        "| page | requests | p50 ms | p95 ms | p99 ms | req/s | queries | bytes (compressed) "
        "| median / floor | floor beside ms | median / floor beside |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, page in result["pages"].items():
        if page.get("available") is False:
            lines.append(
                f"| {name} | not measured: {page.get('why', 'not routed')} | | | | | | | | | |"
            )
            continue
        lines.append(
            f"| {name} | {fmt(page.get('requests'))} | {fmt(page.get('p50_ms'))} "
            f"| {fmt(page.get('p95_ms'))} | {fmt(page.get('p99_ms'))} "
            f"| {fmt(page.get('throughput_rps'))} | {fmt(page.get('queries_per_request'))} "
            f"| {fmt(page.get('bytes_compressed'))} | {fmt(page.get('ratio_to_floor_median'), 'x')} "
            f"| {fmt((page.get('floor_beside') or {}).get('p50_ms'))} "
            f"| {fmt(page.get('ratio_to_floor_beside'), 'x')} |"
        )
    weight = (result.get("page_weight") or {}).get("young_club_page")
    if weight:
        lines += [
            "",
            f"Young person's club page: first visit {weight['first_visit_bytes']} B "
            f"(HTML {weight['html_bytes']} B + {len(weight['assets'])} assets), "
            f"repeat visit {weight['repeat_visit_bytes']} B.",
        ]
    lines += ["", "| target | limit | measured | met |", "|---|---|---|---|"]
    for check in result.get("targets", []):
        met = {True: "yes", False: f"no (over by {check['over_by']})", None: "not measured"}[
            check["met"]
        ]
        lines.append(
            f"| {check['target']} | {check['limit']} {check['unit']} "
            f"| {fmt(check['measured'])} {check['unit']} | {met} |"
        )
    return "\n".join(lines) + "\n"
