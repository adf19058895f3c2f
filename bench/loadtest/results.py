"""The targets of issue 7, the verdicts, the printed table and ``bench/results/*.json``."""

from __future__ import annotations

import json
import platform
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "results"

PAGE_P95_MS = 150
PAGE_FLOOR_FACTOR = 3
PAGE_QUERIES = 15
SCORING_S = 30
EXCEL_S, EXCEL_MB = 8, 100
PDF_S = 5
BALLOTS_PER_S = 300  # issue 17: with the mixing pool, under 16 clients (issue 7 asked 200)


def machine() -> dict:
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
        except OSError:
            return ""

    model = next(
        (ln.split(":", 1)[1].strip() for ln in run(["lscpu"]).splitlines() if ln.startswith("Model name")), ""
    )
    mem_kb = next(
        (
            int(ln.split()[1])
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpu": model,
        "cores": int(run(["nproc"]).strip() or 0),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
    }


def page_verdicts(pages: list[dict], floor_p95: float, other_scale: dict | None) -> None:
    other = {(p["role"], p["page"]): p.get("queries") for p in (other_scale or {}).get("pages", [])}
    for p in pages:
        checks = {
            "p95_under_150ms": p["p95_ms"] <= PAGE_P95_MS,
            "p95_within_3x_floor": p["p95_ms"] <= PAGE_FLOOR_FACTOR * floor_p95,
            "queries_at_most_15": p["queries"] is not None and p["queries_max"] <= PAGE_QUERIES,
            "no_errors": p["errors"] == 0,
        }
        if (p["role"], p["page"]) in other:
            checks["queries_same_at_other_scale"] = other[(p["role"], p["page"])] == p["queries"]
        p["checks"] = checks
        p["pass"] = all(checks.values())


def write(data: dict, scale: float) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if data.get("pages"):  # a run without pages does not replace the figures of its scale
        (RESULTS / f"scale-{scale:g}.json").write_text(text)
    latest = RESULTS / "latest.json"
    latest.write_text(text)
    return latest


def load_other(scale: float) -> dict | None:
    others = [p for p in RESULTS.glob("scale-*.json") if p.name != f"scale-{scale:g}.json"]
    if not others:
        return None
    return json.loads(sorted(others)[-1].read_text())


def table(data: dict) -> str:
    out = []
    m = data["machine"]
    out.append(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; load at start {m['loadavg_start']}"
    )
    out.append(
        f"Scale {data['scale']:g}; {data['clients']} concurrent clients; {data['requests']} requests per page"
    )
    out.append("")
    out.append(f"{'role':<14}{'page':<20}{'p50 ms':>8}{'p95 ms':>8}{'req/s':>7}{'queries':>9}  verdict")
    floor = data.get("floor") or {"p50_ms": 0, "p95_ms": 0, "per_second": 0, "queries": 0}
    out.append(
        f"{'(floor)':<14}{'bare template':<20}{floor['p50_ms']:>8.1f}{floor['p95_ms']:>8.1f}"
        f"{floor['per_second']:>7.0f}{floor['queries'] or 0:>9}"
    )
    for p in data["pages"]:
        if p.get("note"):
            out.append(f"{p['role']:<14}{p['page']:<20}{'—':>8}{'—':>8}{'':>7}{'':>9}  skipped: {p['note']}")
            continue
        failed = [k for k, ok in p["checks"].items() if not ok]
        verdict = "pass" if not failed else "FAIL " + ", ".join(failed)
        out.append(
            f"{p['role']:<14}{p['page']:<20}{p['p50_ms']:>8.1f}{p['p95_ms']:>8.1f}{p['per_second']:>7.0f}"
            f"{p['queries'] if p['queries'] is not None else '?':>9}  {verdict}"
        )
    out.append("")
    for key in ("scoring", "excel", "pdf", "ballots"):
        item = data.get(key)
        if item:
            verdict = "pass" if item.get("pass") else ("skipped" if item.get("skipped") else "FAIL")
            out.append(f"{key:<10} {item.get('summary', '')}  target: {item.get('target', '')}  {verdict}")
    return "\n".join(out)
