"""`copil invite EMAIL --plan SLUG --partner CODE [--first-name …] [--last-name …] [--base-url URL]`.

Invites a person to act for a partner, as the system (the audit trail records "système"): the way to create a
plan's first coordinator before anyone can use /compte/membres/. Prints the set-password link too.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from copil.access.accounts import invite_member
from copil.plans.models import Partner, Plan


class Command(BaseCommand):
    help = "Invite a person to act for a partner of a plan (e-mails a link to choose a password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--plan", required=True, help="plan identifier (slug)")
        parser.add_argument("--partner", required=True, help="partner code")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="address of the app, for the link")

    def handle(self, *args, email: str, plan: str, partner: str, **options) -> None:
        translation.activate("fr")
        found_plan = Plan.objects.filter(slug=plan).first()
        if found_plan is None:
            raise CommandError(f"unknown plan « {plan} »")
        found_partner = Partner.objects.filter(plan=found_plan, code=partner).first()
        if found_partner is None:
            raise CommandError(f"unknown partner « {partner} » in plan « {plan} »")
        try:
            invitation = invite_member(
                None,
                plan=found_plan,
                partner=found_partner,
                email=email,
                first_name=options["first_name"],
                last_name=options["last_name"],
                base_url=options["base_url"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(invitation.link)
