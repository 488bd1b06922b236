from cspm.accounts.selectors import account_resolve
from cspm.compliance.golden import golden_rule_add, golden_rule_remove, golden_rules_list
from cspm.compliance.scores import GROUPS
from cspm.compliance.selectors import (
    catalog,
    control_as_dict,
    result_as_dict,
    results_list,
    score_rows,
    trend_rows,
)
from cspm.compliance.services import reevaluate
from cspm.core.cli import JsonCommand, OneLineParser, cli_actor
from cspm.core.errors import DomainError
from cspm.core.exports import rows_as
from cspm.drift.selectors import finding_as_dict, findings_list

RESULT_COLUMNS = ["account", "organization", "provider", "control", "title", "benchmark", "severity", "status",
                  "resource_type", "resource_id", "resource_name", "region", "detail", "path", "evaluated_at"]
FINDING_COLUMNS = ["id", "account", "organization", "provider", "control", "severity", "status", "resource_type",
                   "resource_id", "resource_name", "region", "reasons", "changes", "opened_at", "updated_at",
                   "suppressed_until", "status_reason"]


class Command(JsonCommand):
    help = "CIS compliance: the control catalog, scores, results, golden rules, re-evaluation and exports."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        controls = self.add_subcommand(sub, "controls", help="the control catalog")
        controls.add_argument("--benchmark", help="e.g. cis_eks")
        score = self.add_subcommand(sub, "scores", help="pass/fail counts and weighted scores")
        score.add_argument("--by", default="benchmark",
                           help=f"comma-separated grouping: {', '.join(GROUPS)} (default benchmark)")
        trend = self.add_subcommand(sub, "trend", help="the weighted score per day")
        trend.add_argument("--days", type=int, default=30)
        results = self.add_subcommand(sub, "results", help="control results per resource")
        results.add_argument("--status", help="pass, fail, n/a or error")
        results.add_argument("--control", help="one control id")
        findings = self.add_subcommand(sub, "findings", help="findings of failing controls")
        findings.add_argument("--status", default="open")
        export = self.add_subcommand(sub, "export", help="results or findings as CSV or JSON")
        export.add_argument("what", choices=["results", "findings"])
        export.add_argument("--format", default="csv", help="csv or json")
        export.add_argument("--status", help="results: pass, fail, n/a or error; findings: open, all...")
        for scoped in (score, trend, results, findings, export):
            scoped.add_argument("--account", help="account name or native id")
            scoped.add_argument("--org", help="organization (its acquisitions included)")
            scoped.add_argument("--provider", help="aws, gcp or azure")
        for framed in (score, trend, results, export):
            framed.add_argument("--benchmark", help="e.g. cis_eks")
        golden = self.add_subcommand(sub, "golden", help="controls an organization requires of all its accounts")
        golden.add_argument("golden_action", choices=["add", "remove", "list"])
        golden.add_argument("--org")
        golden.add_argument("--control", action="append", dest="controls", default=[], metavar="ID",
                            help="a control id (repeatable)")
        again = self.add_subcommand(sub, "reevaluate", help="judge an account's resources again")
        again.add_argument("account")

    def handle(self, *args, **options):
        getattr(self, f"do_{options['action']}")(options)

    def do_controls(self, options):
        rows = [control_as_dict(c) for c in catalog(options.get("benchmark"))]
        self.emit(options, rows, "\n".join(f"{r['id']:32} {r['severity']:8} {r['title']}" for r in rows))

    def do_scores(self, options):
        group = [g.strip() for g in options["by"].split(",") if g.strip()]
        unknown = [g for g in group if g not in GROUPS]
        if unknown or not group:
            raise DomainError(f"cannot group by {','.join(unknown)[:40]!r} (expected {', '.join(GROUPS)})")
        rows = score_rows(group, **self._scope(options))
        text = "\n".join(f"{' / '.join(str(r[g]) for g in group)}: "
                         f"{'n/a' if r['score'] is None else str(r['score']) + '%'} "
                         f"({r['passed']} passed, {r['failed']} failed)" for r in rows) or "no results yet"
        self.emit(options, rows, text)

    def do_trend(self, options):
        rows = trend_rows(options["days"], **self._scope(options))
        self.emit(options, rows, "\n".join(
            f"{r['day']}: {'n/a' if r['score'] is None else str(r['score']) + '%'} "
            f"({r['passed']} passed, {r['failed']} failed)" for r in rows) or "no history yet")

    def do_results(self, options):
        rows = [result_as_dict(r) for r in results_list(status=options["status"], control=options["control"],
                                                        **self._scope(options))]
        self.emit(options, rows, "\n".join(
            f"{r['status']:5} {r['control']:32} {r['resource_type']} {r['resource_name'] or r['resource_id']}"
            + (f" — {r['detail']}" if r["status"] == "fail" else "") for r in rows) or "no results")

    def do_findings(self, options):
        rows = [finding_as_dict(f) for f in self._findings(options)]
        self.emit(options, rows, "\n".join(
            f"#{r['id']} {r['severity']:8} {r['status']:12} {r['control']} {r['resource_type']} "
            f"{r['resource_name'] or r['resource_id']}" for r in rows) or "no findings")

    def do_export(self, options):
        if options["what"] == "results":
            rows = (result_as_dict(r) for r in results_list(status=options["status"], control=None,
                                                            **self._scope(options)).iterator(chunk_size=2000))
            columns = RESULT_COLUMNS
        else:
            rows = (finding_as_dict(f) for f in self._findings(options).iterator(chunk_size=2000))
            columns = FINDING_COLUMNS
        for chunk in rows_as(options["format"], rows, columns):
            self.stdout.write(chunk, ending="")

    def do_golden(self, options):
        action, org = options["golden_action"], options["org"]
        if action == "list":
            rows = golden_rules_list(org)
            return self.emit(options, rows, "\n".join(f"{r['organization']}: {r['control']}" for r in rows)
                             or "no golden rules")
        if not org or not options["controls"]:
            raise DomainError(f"golden {action} needs --org and at least one --control")
        if action == "add":
            golden_rule_add(organization=org, control_ids=options["controls"], actor=cli_actor())
        else:
            golden_rule_remove(organization=org, control_ids=options["controls"])
        rows = golden_rules_list(org)
        self.emit(options, rows, f"{org} requires {len(rows)} control(s); run `compliance reevaluate` on its "
                                 "accounts to open or close their findings now")

    def do_reevaluate(self, options):
        counts = reevaluate(account_resolve(options["account"]))
        self.emit(options, counts.as_dict(), f"judged {counts.resources} resources ({counts.reused} from cache): "
                                             f"{counts.opened} findings opened, {counts.resolved} resolved")

    def _scope(self, options) -> dict:
        return {"account": account_resolve(options["account"]) if options.get("account") else None,
                "organization": options.get("org"), "provider": options.get("provider"),
                "benchmark": options.get("benchmark")}

    def _findings(self, options):
        scope = self._scope(options)
        qs = findings_list(account=scope["account"], status=options["status"] or "open", source="control")
        if scope["organization"]:
            from cspm.compliance.selectors import organization_ids

            qs = qs.filter(account__organization_id__in=organization_ids(scope["organization"]))
        if scope["provider"]:
            qs = qs.filter(account__provider=scope["provider"])
        return qs
