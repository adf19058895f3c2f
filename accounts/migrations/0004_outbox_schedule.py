"""The scheduled job that sends the task calls kept while the broker was down (every minute).
Editable (or disabled) in the admin afterwards, like the supervision jobs."""

from django.db import migrations

NAME = "任务队列：补发暂存的任务 (send queued tasks kept while Redis was down)"


def create_schedule(apps, schema_editor):
    from django.utils import timezone

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.create(
        name=NAME,
        task="accounts.tasks.drain_outbox",
        interval=every_minute,
        description="每分钟：任务服务（Redis）中断期间暂存的任务，恢复后自动补发执行。",
        enabled=True,
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_queuedtask"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
