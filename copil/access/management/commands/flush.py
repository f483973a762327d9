"""`copil flush`: Django's whole-database reset, allowed to empty the append-only audit tables.

This is the only path that may remove audit entries (see `copil.access.dbguard`); Django's transactional
tests call it between tests.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from copil.access.dbguard import maintenance


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with maintenance(options["database"]):
            super().handle(**options)
