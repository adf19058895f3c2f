"""Create the default rubrics and scoring settings of the years that have none: from now on a
year gets them when it is created (``awards.defaults``), and the pages only read them."""

from django.db import migrations


def forwards(apps, schema_editor):
    from awards.defaults import create_year_defaults

    CampaignYear = apps.get_model("campaigns", "CampaignYear")
    for year in CampaignYear.objects.all():
        create_year_defaults(
            year,
            rubric_model=apps.get_model("awards", "Rubric"),
            item_model=apps.get_model("awards", "RubricItem"),
            settings_model=apps.get_model("awards", "ScoringSettings"),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0002_scoreline_ranking_index"),
        ("campaigns", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
