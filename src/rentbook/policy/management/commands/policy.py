"""rentbook policy check POLICY FILE [--expect] | rentbook policy validate PATH"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from rentbook.policy.check import POLICY_FAILED, InputError, check_snapshots, read_snapshots
from rentbook.policy.loader import PolicyError, load_policy


class Command(BaseCommand):
    help = "Check snapshots against a policy, or validate a policy file."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("check", help="decide each snapshot in FILE with POLICY")
        check.add_argument("policy", help="a shipped policy's name, or a path to a .toml file")
        check.add_argument("file", help="a JSON array of snapshots, or - for standard input")
        check.add_argument("--expect", action="store_true", help="compare with expect/expect_not")
        validate = sub.add_parser("validate", help="validate a policy file")
        validate.add_argument("policy", help="a shipped policy's name, or a path to a .toml file")

    def handle(self, *args, **options) -> None:
        try:
            policy = load_policy(options["policy"])
        except PolicyError as e:
            for problem in e.problems:
                self.stderr.write(str(problem))
            sys.exit(POLICY_FAILED)
        if options["subcommand"] == "validate":
            self.stdout.write("ok")
            return
        try:
            if options["file"] == "-":
                text = sys.stdin.read()
            else:
                with open(options["file"], encoding="utf-8") as f:
                    text = f.read()
            snapshots = read_snapshots(text)
        except (OSError, InputError) as e:
            self.stderr.write(f"{options['file']}: {e}")
            sys.exit(1)
        result = check_snapshots(policy, snapshots, expect=options["expect"])
        for line in result.lines:
            self.stdout.write(line)
        self.stdout.flush()
        sys.exit(result.exit_code)
