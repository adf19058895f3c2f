"""The default run keeps the schedule (issue 19).

Without REDIS_URL, `scripts/run` starts the same Celery worker and beat as a Redis deployment
(scripts/lib.sh `start_worker_and_beat`), with kombu's filesystem transport as the broker. The
processes here are started by that very shell function, on the test database: a job scheduled
in django-celery-beat is sent by beat through the message files and run by the worker, and when
the shell that started them ends, they end too.
"""

import os
import re
import runpy
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LIB = ROOT / "scripts" / "lib.sh"

# What scripts/run does at the end, in a shell of its own: start worker and beat, stop them on exit.
RUN_WORKER_AND_BEAT = (
    f'source "{LIB}"; trap stop_background EXIT; trap "exit 143" TERM; '
    'start_worker_and_beat; wait -n "${BACKGROUND_PIDS[@]}"'
)


def _settings(monkeypatch, **env) -> dict:
    """config/settings.py as a process with this environment would load it."""
    for name in ("REDIS_URL", "DATABASE_URL", "CXZY_TASKS_INLINE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_without_redis_the_broker_is_a_folder_and_tasks_are_not_run_in_process(monkeypatch, tmp_path):
    conf = _settings(monkeypatch, CXZY_VAR_DIR=str(tmp_path))
    assert conf["CELERY_BROKER_URL"] == "filesystem://localhost//"
    assert conf["CELERY_TASK_ALWAYS_EAGER"] is False
    assert conf["CELERY_BEAT_SCHEDULER"] == "django_celery_beat.schedulers:DatabaseScheduler"
    options = conf["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "celery" / "queue")
    assert Path(options["data_folder_in"]).is_dir() and Path(options["control_folder"]).is_dir()
    # The embedded SQLite file is shared by three processes: writers wait for each other.
    assert conf["DATABASES"]["default"]["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}

    other = tmp_path / "redis"
    conf = _settings(monkeypatch, CXZY_VAR_DIR=str(other), REDIS_URL="redis://127.0.0.1:6379/3")
    assert conf["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert conf["CELERY_TASK_ALWAYS_EAGER"] is False
    assert not (other / "celery").exists()

    conf = _settings(monkeypatch, CXZY_VAR_DIR=str(tmp_path), CXZY_TASKS_INLINE="1")
    assert conf["CELERY_TASK_ALWAYS_EAGER"] is True


def test_the_readme_and_scripts_run_say_what_happens():
    run = (ROOT / "scripts" / "run").read_text()
    # Started whatever the broker: a line of its own, not inside an `if`.
    assert re.search(r"^start_worker_and_beat$", run, re.MULTILINE)
    assert re.search(r"^trap stop_background EXIT$", run, re.MULTILINE)

    readme = (ROOT / "README.md").read_text()
    paragraph = re.search(r"^- `scripts/run` .*?(?=^- )", readme, re.MULTILINE | re.DOTALL).group(0)
    text = " ".join(paragraph.split())
    assert "always starts a Celery worker and beat" in text
    assert "`var/celery/`" in text and "filesystem transport" in text
    assert "in-process" not in text


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db["USER"] else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition, timeout, what, log=None):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            pytest.fail(f"{what} within {timeout} s\n{tail}")
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended, even if its parent has not collected it yet.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(proc.name))
            except OSError:
                continue
    return [pid for pid in found if _alive(pid)]


@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_run_a_scheduled_job_through_the_file_broker(tmp_path):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    from core.models import QueuedTask

    # The outbox drain, as the migrations schedule it, but every second instead of every minute.
    PeriodicTask.objects.update(enabled=False)
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="测试：补发暂存的任务", task="core.tasks.drain_outbox", interval=every_second
    )
    PeriodicTasks.update_changed()

    var = tmp_path / "var"
    log = tmp_path / "celery.log"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CXZY_TASKS_INLINE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        CXZY_VAR_DIR=str(var),
        CXZY_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CELERY_WORKERS="1",
        CELERY_LOG_LEVEL="info",
    )
    with log.open("wb") as out:
        shell = subprocess.Popen(
            ["bash", "-c", RUN_WORKER_AND_BEAT],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # The worker says "ready" after its start-up drain of the outbox (core.tasks): a call
        # stored from now on can only be sent by the scheduled job.
        _wait_for(lambda: " ready." in log.read_text(), 60, "the worker was not ready", log)
        assert shell.poll() is None, log.read_text()
        kept = QueuedTask.objects.create(task="core.tasks.worker_check")

        def sent():
            kept.refresh_from_db()
            return kept.sent_at is not None

        _wait_for(sent, 20, "the scheduled drain did not send the kept call", log)
        # Beat sent the job (its run count reaches the database only at beat's next sync, every
        # few minutes, so the log is the witness), and the worker ran it.
        log_text = log.read_text()
        assert "Sending due task" in log_text and "core.tasks.drain_outbox" in log_text
        assert re.search(r"Task core\.tasks\.drain_outbox\[[^\]]+\] succeeded", log_text)
        # ... and the call it sent went through the message files to the worker as well.
        _wait_for(
            lambda: re.search(r"Task core\.tasks\.worker_check\[[^\]]+\] succeeded", log.read_text()),
            15,
            "the worker did not run the sent call",
            log,
        )
        # Nothing piles up: the worker takes every message. The job is due every second and the
        # worker polls the folder about as often, so the one just sent may be waiting; never more.
        waiting = []
        for _ in range(15):
            waiting.append(len(list((var / "celery" / "queue").glob("*.celery.msg"))))
            time.sleep(0.3)
        assert min(waiting) <= 1, waiting

        # The shell ends (scripts/run on Ctrl-C or kill): it stops the worker and beat it started.
        pids = [int((var / name).read_text()) for name in ("celery-worker.pid", "celery-beat.pid")]
        assert all(_alive(pid) for pid in pids)
        shell.send_signal(signal.SIGTERM)
        assert shell.wait(timeout=30) == 143
        _wait_for(lambda: not any(_alive(pid) for pid in pids), 10, "worker or beat still running")
        assert not _processes_mentioning(str(var)), "a worker pool process outlived its shell"
    finally:
        if shell.poll() is None or _processes_mentioning(str(var)):
            os.killpg(shell.pid, signal.SIGKILL)
            shell.wait()
