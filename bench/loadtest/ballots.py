"""Ballot intake: real votes posted through the vote page by 16 concurrent clients.

Open evaluations are set up through the application's services (one per department, as the
generated ones are), each voter gets a session (as after logging in — a password check per voter
would measure PBKDF2, not ballots). The voters first open the ballot page (not timed), then 16
clients post the answered ballots: the rate is accepted ballots per second of that phase. Afterwards the stored roll and counters are checked against the number of
ballots the server accepted."""

from __future__ import annotations

import datetime
import queue
import random
import re
import threading
import time
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.access import compute_access
from accounts.models import User
from branches.models import Department
from campaigns.models import CampaignYear, OfficeMember
from evaluations.models import Evaluation, RatingCount, Voter
from evaluations.services import evaluation_close, evaluation_create, evaluation_open

from .client import CSRF_INPUT, Client
from .load import percentile

RADIO = re.compile(r'<input type="radio" name="([^"]+)" value="([^"]+)"')
TITLE = "基准测试：选票录入"


@dataclass
class IntakeResult:
    evaluations: int = 0
    voters: int = 0
    posted: int = 0
    accepted: int = 0
    refused: int = 0
    seconds: float = 0.0
    per_second: float = 0.0
    post_p50_ms: float = 0.0
    post_p95_ms: float = 0.0
    stored_voted: int = 0
    counters_consistent: bool = False
    note: str = ""


def setup(*, departments: int, today: datetime.date) -> list[Evaluation]:
    """Open one evaluation per department (the largest ones), asking about its branches and
    their secretaries, with today's window."""
    opened = []
    chosen = (
        Department.objects.annotate(n=Count("branches", distinct=True), staff=Count("people", distinct=True))
        .filter(n__gte=1, n__lte=3)
        .order_by("-staff", "pk")[:departments]
    )
    for dept in chosen:
        year = CampaignYear.objects.filter(campaign__committee_id=dept.committee_id).order_by("-year").first()
        seat = OfficeMember.objects.filter(campaign=year.campaign).order_by("sort_order").first()
        actor = User.objects.get(pk=seat.person.user_id)
        branches = list(dept.branches.all())
        secretaries = [
            b.positions.filter(title="secretary", ended_on__isnull=True).first().person for b in branches
        ]
        evaluation = evaluation_create(
            campaign_year=year,
            title=f"{TITLE} {dept.name}",
            opens_on=today,
            closes_on=today,
            access=compute_access(actor),
            branches=branches,
            members=secretaries,
            voter_departments=[dept],
            voter_branches=branches,
        )
        opened.append(evaluation_open(evaluation=evaluation, access=compute_access(actor)))
    return opened


def sessions(evaluations: list[Evaluation], limit: int) -> list[tuple[int, str]]:
    """(evaluation id, session key) for up to ``limit`` voters on the rolls, interleaved by
    evaluation."""
    # The store the application reads (Redis written through to the database with REDIS_URL).
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    per_eval = []
    each = -(-limit // max(len(evaluations), 1))
    for evaluation in evaluations:
        users = User.objects.filter(
            person__in=Voter.objects.filter(evaluation=evaluation).values("person")
        ).only("pk", "password")[:each]
        keys = []
        for user in users:
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            keys.append((evaluation.pk, store.session_key))
        per_eval.append(keys)
    out = []
    while any(per_eval):
        for keys in per_eval:
            if keys:
                out.append(keys.pop())
    return out


def run(base_url: str, *, departments: int = 32, clients: int = 16, voters: int = 3000) -> IntakeResult:
    today = timezone.localdate()
    evaluations = setup(departments=departments, today=today)
    work = sessions(evaluations, voters)
    result = IntakeResult(evaluations=len(evaluations), voters=len(work))
    lock = threading.Lock()
    post_times: list[float] = []
    accepted: dict[int, int] = {}
    prepared: list[tuple[int, dict, dict]] = []

    def parallel(fn, items):
        jobs: queue.Queue = queue.Queue()
        for item in items:
            jobs.put(item)

        def worker():
            while True:
                try:
                    item = jobs.get_nowait()
                except queue.Empty:
                    return
                fn(item)

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def open_ballot(job):
        """The voter opens the vote page (not timed: it happens minutes before voting)."""
        evaluation_id, key = job
        rng = random.Random()
        client = Client(base_url, {"sessionid": key})
        try:
            page = client.get(f"/evaluations/{evaluation_id}/ballot/").body.decode("utf-8", "replace")
        finally:
            client.close()
        options: dict[str, list[str]] = {}
        for name, value in RADIO.findall(page):
            options.setdefault(name, []).append(value)
        token = CSRF_INPUT.search(page)
        data = {name: rng.choice(values) for name, values in options.items()}
        data["csrfmiddlewaretoken"] = token.group(1) if token else ""
        with lock:
            prepared.append((evaluation_id, dict(client.cookies), data))

    def cast(job):
        evaluation_id, cookies, data = job
        client = Client(base_url, cookies)
        try:
            answer = client.post(f"/evaluations/{evaluation_id}/ballot/", data)
        finally:
            client.close()
        with lock:
            post_times.append(answer.seconds)
            result.posted += 1
            if answer.status == 302 and "/thanks/" in answer.location:
                result.accepted += 1
                accepted[evaluation_id] = accepted.get(evaluation_id, 0) + 1
            else:
                result.refused += 1

    parallel(open_ballot, work)
    started = time.perf_counter()
    parallel(cast, prepared)
    result.seconds = time.perf_counter() - started
    result.per_second = result.accepted / result.seconds if result.seconds else 0.0
    result.post_p50_ms = percentile(post_times, 0.5) * 1000
    result.post_p95_ms = percentile(post_times, 0.95) * 1000

    # Close first: the rest of each mixing pool is counted (ballots reach the roll and the
    # counters in batches of k). Then the roll says who voted; every question's counters sum to
    # the same number, the number of ballots the server accepted: none lost, none twice.
    for evaluation in evaluations:
        seat = (
            OfficeMember.objects.filter(campaign=evaluation.campaign_year.campaign)
            .order_by("sort_order")
            .first()
        )
        evaluation_close(
            evaluation=evaluation, access=compute_access(User.objects.get(pk=seat.person.user_id))
        )
    ids = [e.pk for e in evaluations]
    result.stored_voted = Voter.objects.filter(evaluation__in=ids, has_voted=True).count()
    consistent = True
    for evaluation in evaluations:
        voted = Voter.objects.filter(evaluation=evaluation, has_voted=True).count()
        sums = (
            RatingCount.objects.filter(target__evaluation=evaluation)
            .values("target", "criterion")
            .annotate(n=Sum("count"))
            .values_list("n", flat=True)
        )
        consistent &= voted == accepted.get(evaluation.pk, 0) and all(n == voted for n in sums)
    result.counters_consistent = consistent
    return result
