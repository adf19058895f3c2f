"""The supervision jobs' beat schedules (django-celery-beat), editable in the admin afterwards."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    from supervision.schedules import ensure_beat_schedules

    ensure_beat_schedules(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
