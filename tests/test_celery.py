"""The Celery worker is real: a separate process, through Redis, on the test database."""

import pytest

from core.tasks import worker_check


@pytest.mark.django_db(transaction=True)
def test_worker_runs_tasks_on_the_test_database(celery_worker_process, institute):
    from django.db import connection

    from accounts.models import User

    result = worker_check.delay().get(timeout=30)
    assert result == {"database": connection.settings_dict["NAME"], "users": User.objects.count()}
