from celery import shared_task


@shared_task(time_limit=30)
def worker_check() -> dict:
    """Tell which database and how many users a worker sees: lets the office (and the tests)
    check that workers run and reach the same database as the web server."""
    from django.db import connection

    from .models import User

    return {"database": connection.settings_dict["NAME"], "users": User.objects.count()}
