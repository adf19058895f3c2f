"""The beat schedules of the supervision jobs, stored with django-celery-beat.

Created once by a data migration; afterwards they belong to the administrator, who changes the
times (or disables a job) in the admin, and can run a job at once with django-celery-beat's
admin action "Run selected tasks". Times are in China Standard Time.
"""

TIMEZONE = "Asia/Shanghai"

# name (unique; stays as the administrator may have edited the rest), task, crontab, description
SCHEDULES = [
    (
        "半年点评：开启到期的点评轮次 (open due review rounds)",
        "supervision.tasks.open_due_review_rounds",
        {"minute": "10", "hour": "1"},
        "每天：半年点评日期（活动日历中的年中、年终两次）已到的点评轮次自动开启，为每个党总支、支部和党员建立点评。",
    ),
    (
        "半年点评：催办 (review reminders)",
        "supervision.tasks.send_review_reminders",
        {"minute": "30", "hour": "8"},
        "每天：提醒活动办公室撰写逾期未写的点评，提醒党总支书记、支部书记和党员确认已写好的点评。",
    ),
    (
        "督查：整改逾期提醒 (overdue rectification reminders)",
        "supervision.tasks.remind_overdue_rectifications",
        {"minute": "40", "hour": "8"},
        "每天：提醒整改期限已过仍未回复的支部书记。",
    ),
    (
        "通讯报道：每月提醒 (monthly news report reminder)",
        "supervision.tasks.remind_news_reports",
        {"minute": "0", "hour": "9", "day_of_month": "20"},
        "每月20日：提醒本月尚无通讯报道的支部书记（每月不少于1篇）。",
    ),
    (
        "公开承诺：未公布提醒 (unpublished pledge reminder)",
        "supervision.tasks.remind_unpublished_pledges",
        {"minute": "15", "hour": "9"},
        "每天：承诺公布截止日期过后，提醒支部承诺仍未公布的支部书记。",
    ),
]


def ensure_beat_schedules(apps, schedules=None) -> int:
    """Create the schedules (default: the supervision jobs above) that do not exist yet (by name);
    returns how many were created. Other apps pass their own list."""
    from django.utils import timezone

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    created = 0
    for name, task, cron, description in SCHEDULES if schedules is None else schedules:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=cron["minute"],
            hour=cron["hour"],
            day_of_week="*",
            day_of_month=cron.get("day_of_month", "*"),
            month_of_year="*",
            timezone=TIMEZONE,
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, description=description, enabled=True
        )
        created += 1
    if created:
        # Tell a running beat (DatabaseScheduler) that the schedules changed.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return created
