"""Concurrent clients against one URL: latency percentiles and queries per request."""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field

from .client import Client


@dataclass
class PageResult:
    role: str
    page: str
    url: str
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    mean_ms: float = 0.0
    per_second: float = 0.0
    queries: int | None = None
    queries_max: int | None = None
    note: str = ""


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(
    base_url: str, url: str, *, cookies: dict, clients: int = 16, requests: int = 160, warmup: int = 1
) -> tuple[list[float], list[int | None], dict[int, int]]:
    """``clients`` threads, each with its own keep-alive connection and the same login, send
    ``requests`` GETs in all (after ``warmup`` each, not counted)."""
    times: list[float] = []
    queries: list[int | None] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    remaining = [requests]
    start = threading.Barrier(clients)

    def work():
        client = Client(base_url, cookies)
        try:
            for _ in range(warmup):
                client.get(url)
            start.wait()
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                answer = client.get(url)
                with lock:
                    times.append(answer.seconds)
                    queries.append(answer.queries)
                    statuses[answer.status] = statuses.get(answer.status, 0) + 1
        finally:
            client.close()

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, queries, statuses


def page_result(role, page, url, base_url, cookies, *, clients, requests) -> PageResult:
    started = time.perf_counter()
    times, queries, statuses = measure(base_url, url, cookies=cookies, clients=clients, requests=requests)
    wall = time.perf_counter() - started
    counted = [q for q in queries if q is not None]
    result = PageResult(role=role, page=page, url=url, requests=len(times), statuses=statuses)
    result.errors = sum(n for status, n in statuses.items() if status != 200)
    result.p50_ms = percentile(times, 0.5) * 1000
    result.p95_ms = percentile(times, 0.95) * 1000
    result.mean_ms = statistics.fmean(times) * 1000 if times else 0.0
    result.per_second = len(times) / wall if wall else 0.0
    if counted:
        result.queries = int(statistics.median(counted))
        result.queries_max = max(counted)
    return result
