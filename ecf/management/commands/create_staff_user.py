import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecf.roles import ROLES, staff_user_save


class Command(BaseCommand):
    help = (
        "Create a back-office staff user (username = email) with a role, or change an existing one's role. "
        "A new user gets a one-time random password, printed alone on the last line, unless --password-stdin "
        "reads one from standard input. A re-run changes the role and keeps the password unless "
        "--reset-password is given."
    )
    stealth_options = ("stdin",)  # tests pass standard input as call_command(..., stdin=StringIO(...))

    def add_arguments(self, parser: CommandParser) -> None:
        # No abbreviations: "--password SECRET" must not be taken for --password-stdin.
        parser.allow_abbrev = False
        parser.add_argument("--email", required=True, help="the staff member's email address; also the username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES), help="the back-office role")
        parser.add_argument("--name", metavar='"FIRST LAST"', help="the staff member's name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input instead of generating one",
        )
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="replace an existing user's password (generated, or read with --password-stdin)",
        )

    def handle(
        self,
        *args: object,
        email: str,
        role: str,
        name: str | None,
        password_stdin: bool,
        reset_password: bool,
        **options: Any,
    ) -> None:
        password = None
        if password_stdin:
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\r\n")
            if not password:
                raise CommandError("--password-stdin was given but standard input has no password.")
        try:
            saved = staff_user_save(
                email=email, role=role, full_name=name, password=password, reset_password=reset_password
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        user, group_name = saved.user, ROLES[role].group_name
        if saved.created:
            self.stdout.write(f"Created staff user {user.username} with the {group_name} role.")
        elif saved.previous_roles == (group_name,):
            self.stdout.write(f"{user.username} already has the {group_name} role.")
        else:
            before = ", ".join(saved.previous_roles) or "no role"
            self.stdout.write(f"Changed the role of {user.username} from {before} to {group_name}.")
        if not saved.created and reset_password:
            self.stdout.write("Password reset.")
        if saved.generated_password is not None:
            self.stdout.write("One-time password (shown only now; sign in and change it):")
            self.stdout.write(saved.generated_password)
