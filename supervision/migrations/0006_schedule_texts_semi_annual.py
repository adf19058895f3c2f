"""The stored descriptions of the two review jobs say 半年点评 (the glossary's one term, not
期中点评) and name the general branches, which have their own review now. Only a description
still as first created is replaced: one the administrator has edited stays theirs."""

from django.db import migrations

OLD_TO_NEW = {
    "每天：期中、年终点评日期（活动日历）已到的点评轮次自动开启，为每个支部和党员建立点评。": (
        "每天：半年点评日期（活动日历中的年中、年终两次）已到的点评轮次自动开启，为每个党总支、支部和党员建立点评。"
    ),
    "每天：提醒活动办公室撰写逾期未写的点评，提醒支部书记和党员确认已写好的点评。": (
        "每天：提醒活动办公室撰写逾期未写的点评，提醒党总支书记、支部书记和党员确认已写好的点评。"
    ),
}


def rename(apps, mapping):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in mapping.items():
        PeriodicTask.objects.filter(task__startswith="supervision.", description=old).update(description=new)


def forwards(apps, schema_editor):
    rename(apps, OLD_TO_NEW)


def backwards(apps, schema_editor):
    rename(apps, {new: old for old, new in OLD_TO_NEW.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0005_review_general_branch"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
