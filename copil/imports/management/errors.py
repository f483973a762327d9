"""Console reporting shared by the import commands."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from copil.imports.importer import ImportRejected


def rejection(command: BaseCommand, error: Exception) -> CommandError:
    """Print every error of a rejected import to stderr and build the command's failure."""
    if not isinstance(error, ImportRejected):
        return CommandError(str(error))
    for line in error.errors:
        command.stderr.write(str(line))
    count = len(error.errors)
    return CommandError(
        ngettext(
            "import rejected: {count} error, nothing was written",
            "import rejected: {count} errors, nothing was written",
            count,
        ).format(count=count)
    )
