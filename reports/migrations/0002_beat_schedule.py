"""The daily job that deletes expired report files (editable in the admin afterwards)."""

from django.db import migrations

SCHEDULES = [
    (
        "下载中心：删除过期文件 (expire report files)",
        "reports.tasks.expire_reports",
        {"minute": "20", "hour": "2"},
        "每天：删除下载中心里已过期的报表文件（申请记录保留），并清理中断生成留下的临时文件。",
    ),
]


def create_schedules(apps, schema_editor):
    from supervision.schedules import ensure_beat_schedules

    ensure_beat_schedules(apps, SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("supervision", "0002_beat_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
