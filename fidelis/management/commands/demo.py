from django.core.management import call_command
from django.core.management.base import BaseCommand

from fidelis.demo import DEMO_PASSWORD, build_demo, persona_lines


class Command(BaseCommand):
    help = (
        "Set up the local database, build the demo programme (replacing an earlier demo) "
        "and serve Fidelis on http://127.0.0.1:8000. The demo accounts all use the password "
        f"'{DEMO_PASSWORD}'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Build the demo and stop, without starting the web server.",
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port to serve on (default 8000)."
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep an existing demo programme instead of rebuilding it.",
        )

    def handle(self, *args, no_serve=False, port=8000, keep=False, **options):
        self.stdout.write("Setting up the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Building the demo programme…")
        programme = build_demo(reset=not keep)
        self.stdout.write(self.style.SUCCESS(f"Demo programme ready: {programme.name}"))
        self.stdout.write(
            f"\nSign in with any of these usernames and the password '{DEMO_PASSWORD}':"
        )
        for line in persona_lines():
            self.stdout.write(line)
        if no_serve:
            return
        self.stdout.write(f"\nServing on http://127.0.0.1:{port}/ (press Ctrl+C to stop)\n")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
