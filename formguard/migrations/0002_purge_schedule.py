"""The daily job that purges old submission tokens (django-celery-beat). Editable (or disabled)
in the admin afterwards, like the other scheduled jobs."""

from django.db import migrations

NAME = "表单防重：清理过期的提交令牌 (purge old submission tokens)"
TASK = "formguard.tasks.purge_submission_tokens"


def create_schedule(apps, schema_editor):
    from django.utils import timezone

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="20",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.create(
        name=NAME,
        task=TASK,
        crontab=nightly,
        description="每天：删除两天前用过的表单提交令牌（防重复提交只需短期保留）。",
        enabled=True,
    )
    # Tell a running beat (DatabaseScheduler) that the schedules changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("formguard", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
