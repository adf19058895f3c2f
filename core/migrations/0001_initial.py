# The task outbox moved here from accounts (the table is taken over, not created anew).

import django.core.serializers.json
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0005_user_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="QueuedTask",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("task", models.CharField(max_length=200, verbose_name="task")),
                        ("args", models.JSONField(default=list, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name="positional arguments")),
                        ("kwargs", models.JSONField(default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name="keyword arguments")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="queued at")),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.CharField(blank=True, max_length=1000, verbose_name="last error")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                    ],
                    options={
                        "verbose_name": "queued task",
                        "verbose_name_plural": "queued tasks",
                        "ordering": ["-pk"],
                        "db_table": "accounts_queuedtask",
                        "indexes": [models.Index(condition=models.Q(("sent_at__isnull", True)), fields=["id"], name="queuedtask_unsent")],
                    },
                ),
            ],
            database_operations=[],
        ),
        # Now ours: the table takes this app's name.
        migrations.AlterModelTable(name="queuedtask", table=None),
    ]
