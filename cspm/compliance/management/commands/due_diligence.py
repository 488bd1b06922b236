from pathlib import Path

import orjson
from django.template.loader import render_to_string

from cspm.compliance.diligence import due_diligence
from cspm.core.cli import JsonCommand
from cspm.core.errors import DomainError


class Command(JsonCommand):
    help = ("The M&A due-diligence report of an organization: accounts and what could be polled of them, "
            "scores against the golden rules it must meet, worst open findings. HTML (a standalone file) or JSON.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("organization")
        parser.add_argument("--format", default="html", help="html or json (default html)")
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
        parser.add_argument("--worst", type=int, default=25, help="how many open findings to list (default 25)")

    def handle(self, *args, **options):
        if options["format"] not in ("html", "json"):
            raise DomainError(f"unknown format {options['format'][:10]!r} (expected html or json)")
        if not 1 <= options["worst"] <= 1000:
            raise DomainError("--worst must be between 1 and 1000")
        report = due_diligence(options["organization"], worst=options["worst"])
        if options["format"] == "json" or options.get("json"):
            text = orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()
        else:
            text = render_to_string("compliance/due_diligence.html", {"report": report})
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {options['output']}")
        else:
            self.stdout.write(text)
