"""The `copil` console command: Django's management commands under the project's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (`copil migrate`, `copil demo`, `copil bilan`…)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copil.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "copil"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
