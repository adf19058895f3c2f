from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database and the uploaded files into a new folder (see core/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a new (or empty) folder to write the backup into")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        try:
            manifest = backup(directory, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {manifest['engine']} database {manifest['database']} and "
            f"{manifest['media_files']} uploaded files into {directory}"
        )
