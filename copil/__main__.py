"""The `copil` console command: Django's management commands under the project's settings."""

import os
import sys


def command_module_name(name: str) -> str:
    """The module a command is written in: `import-plan` is `import_plan.py` (a module name has no hyphen)."""
    return name if name.startswith("-") else name.replace("-", "_")


def main(argv: list[str] | None = None) -> None:
    """Run a management command (`copil migrate`, `copil demo`, `copil import-plan`…)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copil.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "copil"
    position = 2 if len(argv) > 2 and argv[1] == "help" else 1  # `copil help import-plan` too
    if len(argv) > position:
        argv[position] = command_module_name(argv[position])
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
