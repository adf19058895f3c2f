from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY database and an empty MEDIA_ROOT "
        "(see core/backup.py). Create the database first, e.g. `createdb cxzy_restored`."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the folder written by `manage.py backup`")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        try:
            manifest = restore(directory, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} ({manifest['media_files']} uploaded files)"
        )
