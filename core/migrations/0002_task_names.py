"""The outbox's tasks moved from accounts.tasks to core.tasks: the scheduled job and any call
still waiting in the outbox follow them."""

from django.db import migrations

MOVED = {"accounts.tasks.drain_outbox": "core.tasks.drain_outbox", "accounts.tasks.worker_check": "core.tasks.worker_check"}


def forward(apps, schema_editor):
    for old, new in MOVED.items():
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=old).update(task=new)
        apps.get_model("core", "QueuedTask").objects.filter(task=old, sent_at__isnull=True).update(task=new)


def backward(apps, schema_editor):
    for old, new in MOVED.items():
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=new).update(task=old)
        apps.get_model("core", "QueuedTask").objects.filter(task=new, sent_at__isnull=True).update(task=old)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("accounts", "0004_outbox_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, backward)]
