"""Fill an empty PostgreSQL database with a group of institutes at the scale of issue 7."""

from django.core.management.base import BaseCommand, CommandError

from bench.generator import LOGINS, PASSWORD, GeneratorError, generate


class Command(BaseCommand):
    help = "Generate a group of institutes (5,000 branches, 100,000 members … at --scale 1)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = full size, 0.1 = a tenth")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--no-scoring", action="store_true", help="skip the scoring runs")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing (and succeed) when the database holds people"
        )

    def handle(self, *args, scale, seed, no_scoring, if_empty, **options):
        from branches.models import Person

        if if_empty and Person.objects.exists():
            self.stdout.write("The database already holds a group: nothing generated.")
            return
        try:
            world = generate(
                scale=scale, seed=seed, scoring=not no_scoring, log=lambda line: self.stdout.write(line)
            )
        except GeneratorError as error:
            raise CommandError(str(error)) from error
        for label, n in sorted(world.copier.counts.items()):
            self.stdout.write(f"{label:<36} {n:>10,}")
        self.stdout.write(f"Logins (password {PASSWORD}): " + ", ".join(LOGINS.values()))
