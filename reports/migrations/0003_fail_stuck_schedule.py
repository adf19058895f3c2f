"""The job that marks failed the report files stuck past their time limit (every ten minutes;
editable in the admin afterwards)."""

from django.db import migrations

SCHEDULES = [
    (
        "下载中心：标记卡住的报表 (fail stuck report files)",
        "reports.tasks.fail_stuck_reports",
        {"minute": "*/10", "hour": "*"},
        "每十分钟：生成超过时限仍显示“正在生成”的报表文件（生成它的进程已中断）标记为失败并说明原因，"
        "申请人可重新申请。",
    ),
]


def create_schedules(apps, schema_editor):
    from supervision.schedules import ensure_beat_schedules

    ensure_beat_schedules(apps, SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_beat_schedule"),
    ]

    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
