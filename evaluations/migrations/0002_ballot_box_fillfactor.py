"""Room in every page of the roll and the ballot box for the next versions of its rows.

Every ballot rewrites all counters and all voted roll rows of its evaluation (see
evaluations/services/ballots.py). PostgreSQL can write the new version of a row in the page of
the old one, without touching any index (a "HOT" update), only when that page has room; tables
filled to the brim move each new version to another page and add it to every index, so that a
ballot costs three times as much and the tables and indexes grow with every ballot. Pages kept
three quarters empty hold the next versions of their rows. Only rows written from now on (those
of evaluations and appraisals opened later) are placed this way; the tables are not rewritten.
"""

from django.db import migrations

TABLES = ("voter", "ratingcount", "ballotcount", "appraisalvoter", "appraisaltally")


def _set(apps, schema_editor, clause):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name in TABLES:
        table = apps.get_model("evaluations", name)._meta.db_table
        schema_editor.execute(f"ALTER TABLE {quote(table)} {clause}")


def leave_room(apps, schema_editor):
    _set(apps, schema_editor, "SET (fillfactor = 25)")


def fill_pages(apps, schema_editor):
    _set(apps, schema_editor, "RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(leave_room, fill_pages)]
