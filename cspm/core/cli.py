"""Shared shape of the management commands: --json output for scripts, and bad input turned
into one clear line on stderr with exit code 2 (nothing written: services validate first)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser, handle_default_options
from django.db import connections

from cspm.core.errors import DomainError

EXIT_BAD_INPUT = 2


class OneLineParser(CommandParser):
    """argparse prints its usage on errors; the contract here is a single line and exit 2."""

    def error(self, message: str):
        raise CommandError(f"{self.prog.split()[-1]}: {message}", returncode=EXIT_BAD_INPUT)


class JsonCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser  # Django builds a CommandParser itself; only error() differs
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print machine-readable JSON")

    def execute(self, *args, **options):
        from cspm.audit.context import Actor, acting_as

        try:
            with acting_as(Actor(cli_actor(), "cli")):  # what the command changes is audited as this user's
                return super().execute(*args, **options)
        except DomainError as exc:
            raise CommandError(str(exc), returncode=EXIT_BAD_INPUT) from None

    def run_from_argv(self, argv):
        # Django's own version lets parser errors escape as tracebacks: handle both the same way.
        self._called_from_command_line = True
        try:
            parser = self.create_parser(argv[0], argv[1])
            options = vars(parser.parse_args(argv[2:]))
            args = options.pop("args", ())
            handle_default_options(argparse.Namespace(**options))
            self.execute(*args, **options)
        except CommandError as exc:
            # One line, no traceback: scripts read the exit code, people read the line.
            self.stderr.write(f"error: {' '.join(str(exc).split())}")
            sys.exit(exc.returncode)
        finally:
            connections.close_all()

    @staticmethod
    def add_subcommand(subparsers, name: str, **kwargs) -> CommandParser:
        """A subcommand that also takes --json after its own arguments."""
        parser = subparsers.add_parser(name, **kwargs)
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
        return parser

    def emit(self, options: dict, data: Any, text: str) -> None:
        if options.get("json"):
            self.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        else:
            self.stdout.write(text)


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def read_input_file(path: str, what: str, limit: int = 1024 * 1024) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise DomainError(f"cannot read {what} file {path[:100]!r}: {exc.strerror}") from None
    if len(data) > limit:
        raise DomainError(f"{what} file is larger than {limit // 1024} KiB")
    return data
