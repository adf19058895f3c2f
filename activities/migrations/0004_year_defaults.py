"""Create the default required frequencies of the years that lack them: from now on a year gets
them when it is created (``activities.defaults``), and the pages only read them."""

from django.db import migrations


def forwards(apps, schema_editor):
    from activities.defaults import create_year_defaults

    CampaignYear = apps.get_model("campaigns", "CampaignYear")
    RequiredFrequency = apps.get_model("activities", "RequiredFrequency")
    for year in CampaignYear.objects.all():
        create_year_defaults(year, model=RequiredFrequency)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_compliance_summary"),
        ("campaigns", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
