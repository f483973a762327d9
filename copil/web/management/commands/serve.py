"""`copil serve`: serve the app on 127.0.0.1:8000 (development server, static files included)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Copil on 127.0.0.1:8000 (or the given address)."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, address, **options):
        call_command("runserver", address, "--insecure", "--noreload", use_threading=True)
