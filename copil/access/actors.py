"""Who acts: the type of the `actor` (and `user`) every policy check, action and audit entry takes."""

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # the auth models cannot be imported before the apps are ready; the alias is for the checker
    from django.contrib.auth.models import AnonymousUser, User

# A signed-in user, the anonymous visitor of a public page (whom the policy refuses every write), or None:
# the system (command line, background task), which the policy does not check and the trail records as such.
Actor: TypeAlias = "User | AnonymousUser | None"
