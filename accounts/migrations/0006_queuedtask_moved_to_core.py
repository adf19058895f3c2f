# The task outbox (QueuedTask) belongs to core now; its table stays and core takes it over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_history"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="QueuedTask")],
            database_operations=[],
        ),
    ]
