"""gunicorn settings for the production web server (deploy/cxzy-web.service).

Listens on loopback only: nginx (deploy/nginx-cxzy.conf) is the only client. Sync workers, as
many as the machine's cores suggest (cores + 1, at most 9); WEB_WORKERS overrides. Reports
(PDF, Excel) are built by the Celery worker, not here, so a request is short; uploads of evidence
are buffered by nginx before they reach a worker.
"""

import multiprocessing
import os

bind = os.environ.get("CXZY_BIND", "127.0.0.1:8000")
# cores + 1, not gunicorn's usual 2 x cores + 1: with PostgreSQL on the same machine the
# requests are CPU-bound, and on 2 cores 3 workers served more than 4 or 5 (README, Benchmark).
workers = int(os.environ.get("WEB_WORKERS") or min(multiprocessing.cpu_count() + 1, 9))
worker_class = "sync"
timeout = 120  # a roster import preview or a large upload may take a while
graceful_timeout = 30
# A worker is replaced after this many requests, so that memory a request left behind is returned.
max_requests = 2000
max_requests_jitter = 200
# X-Forwarded-Proto is trusted from nginx on this machine only (gunicorn's default, written out).
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = "-"  # the journal: journalctl -u cxzy-web
errorlog = "-"
