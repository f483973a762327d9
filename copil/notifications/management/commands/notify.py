"""`copil notify`: enqueue the daily notifications (reminders of actions due, digests, retries) for the worker."""

import datetime as dt

from django.core.management.base import BaseCommand

from copil.notifications.tasks import daily_notifications


class Command(BaseCommand):
    help = "Met en file les notifications du jour (rappels d'actions, récapitulatifs, nouvelles tentatives)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=dt.date.fromisoformat, default=None, help="jour, AAAA-MM-JJ (aujourd'hui)")

    def handle(self, *args, day, **options):
        result = daily_notifications.enqueue(day=day.isoformat() if day else None)
        self.stdout.write(f"Notifications du jour en file ({result.id}).")
