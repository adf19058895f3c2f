# The mixing pool of mass-evaluation ballots (issue 17).

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0003_appraisal_pool"),
    ]

    operations = [
        migrations.CreateModel(
            name="PooledBallot",
            fields=[
                (
                    "id",
                    models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
                ),
                ("tag", models.BinaryField(max_length=32)),
                ("sealed", models.BinaryField()),
                (
                    "evaluation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="evaluations.evaluation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("evaluation", "tag"), name="pooled_ballot_unique_tag")
                ],
            },
        ),
    ]
