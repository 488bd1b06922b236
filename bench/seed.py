"""Seed a large group for the page benchmark (bench/web.py): a parent company and four
acquisitions, 500 accounts across AWS, GCP and Azure and prod/staging/dev, 1,000,000 resources
with ~1.5 KB configurations (15% with several versions, some flapping back to an earlier
content), six snapshots per account, a baseline of every resource, 100,000 open findings (drift
and failing controls, open or acknowledged; plus suppressed and resolved ones), their events,
the failing control results, the score rows and their 30-day trend, and the dashboard's
summary rows.

The big tables are written with binary COPY on raw connections with triggers (and so foreign-key
checks) off: the rows are made consistent here. The database is <name>_bench_web (its own, so
the other benchmarks, which drop <name>_bench, leave it alone), dropped and made anew.
Run: make bench-web (seeds once), or DATABASE_URL=... python bench/seed.py [--if-missing]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import time
from array import array
from collections import Counter, defaultdict

import orjson
import psycopg
from common import BASE_URL, setup_django

ACCOUNTS, RESOURCES, OPEN_FINDINGS = 500, 1_000_000, 100_000
SNAPSHOTS = 6  # per account, five days apart
NOW = dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)
BENCH_USER, BENCH_PASSWORD = "bench-admin", "bench-only-password-not-secret"
PARENT = "Northwind Group"
ACQUISITIONS = [("Contoso Cloud", "integrated", dt.date(2023, 3, 1)),
                ("Fabrikam Data", "monitored", dt.date(2025, 6, 15)),
                ("Tailspin Labs", "onboarding", dt.date(2026, 8, 1)),
                ("Wingtip Health", "due_diligence", dt.date(2026, 10, 20))]
REGIONS = {"aws": ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"],
           "gcp": ["us-central1", "europe-west1", "asia-east1"],
           "azure": ["eastus", "westeurope", "uksouth", "australiaeast"]}
EXTRA_TYPES = {"aws": ["aws.ec2.instance", "aws.ec2.security_group", "aws.iam.role", "aws.lambda.function",
                       "aws.rds.instance"],
               "gcp": ["gcp.compute.instance", "gcp.compute.firewall", "gcp.sql.instance"],
               "azure": ["azure.compute.vm", "azure.network.nsg", "azure.keyvault.vault"]}
SEVERITIES = ["critical", "high", "medium", "low", "info"]
SEVERITY_WEIGHTS = [5, 20, 40, 25, 10]
DRIFT_PATHS = ["/resourcesVpcConfig/endpointPublicAccess", "/logging/clusterLogging/0/enabled", "/tags/owner",
               "/encryption/enabled", "/networkAcls/defaultAction", "/iamConfiguration/publicAccessPrevention",
               "/versioning/enabled", "/policy/Statement/0/Principal", "/minimumTlsVersion"]
_PAD = "arn:aws:iam::123456789012:policy/service-role/Platform-Baseline-ReadOnlyAccess-" * 4
_JSONB = b"\x01"


def bench_database_url() -> str:
    return BASE_URL.rsplit("/", 1)[0] + "/" + BASE_URL.rsplit("/", 1)[1] + "_bench_web"


def is_seeded(url: str) -> bool:
    """The database exists and a finished seed left its user in it."""
    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT 1 FROM auth_user WHERE username = %s", [BENCH_USER]).fetchone() is not None
    except psycopg.Error:
        return False


def config_of(provider: str, rtype: str, native_id: str, name: str, region: str, tags: dict, generation: int,
              rng: random.Random) -> dict:
    """A describe-call-shaped configuration of ~1-2 KB; `generation` moves a few fields."""
    return {
        "id": native_id, "name": name, "type": rtype, "location": region,
        "createdAt": "2025-02-11T09:14:00+00:00", "generation": generation,
        "status": "ACTIVE" if generation % 4 != 3 else "UPDATING",
        "tags": tags,
        "encryption": {"enabled": generation % 5 != 4, "keyId": f"projects/keys/{native_id[-24:]}",
                       "algorithm": "AES256"},
        "networkAcls": {"defaultAction": "Deny" if generation % 3 else "Allow",
                        "ipRules": [{"value": f"10.{i}.0.0/16", "action": "Allow"} for i in range(rng.randint(1, 4))],
                        "bypass": "AzureServices"},
        "resourcesVpcConfig": {"subnetIds": [f"subnet-{native_id[-8:]}{i:02d}" for i in range(3)],
                               "securityGroupIds": [f"sg-0{rng.getrandbits(60):015x}"],
                               "endpointPublicAccess": generation % 2 == 1, "endpointPrivateAccess": True,
                               "publicAccessCidrs": ["10.0.0.0/8"]},
        "logging": {"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": generation != 2},
                                       {"types": ["controllerManager", "scheduler"], "enabled": False}]},
        "versioning": {"enabled": True, "mfaDelete": "Disabled"},
        "minimumTlsVersion": "TLS1_2" if generation % 6 != 5 else "TLS1_0",
        "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True},
                             "publicAccessPrevention": "enforced" if generation % 7 else "inherited"},
        "attachedPolicies": [_PAD[: 60 + rng.randint(0, 200)]],
        "provider": provider,
    }


class Copier:
    """Binary COPY of rows into one table on its own connection, triggers off."""

    KINDS = {"int": "int8", "int4": "int4", "text": "text", "json": "bytea", "ts": "timestamptz", "bool": "bool",
             "date": "date"}

    def __init__(self, url: str, table: str, columns: list[tuple[str, str]]):
        self.conn = psycopg.connect(url)
        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET synchronous_commit = off")
        self.table, self.rows = table, 0
        names = ", ".join(f'"{n}"' for n, _ in columns)
        self.cur = self.conn.cursor()
        self._copy_cm = self.cur.copy(f'COPY "{table}" ({names}) FROM STDIN (FORMAT BINARY)')
        self.copy = self._copy_cm.__enter__()
        self.copy.set_types([self.KINDS[k] for _, k in columns])

    def write(self, row) -> None:
        self.copy.write_row(row)
        self.rows += 1

    def close(self) -> int:
        self._copy_cm.__exit__(None, None, None)
        self.conn.commit()
        self.conn.close()
        return self.rows


def j(value) -> bytes:
    return _JSONB + orjson.dumps(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--if-missing", action="store_true", help="do nothing if the database is already seeded")
    parser.add_argument("--resources", type=int, default=RESOURCES)
    parser.add_argument("--findings", type=int, default=OPEN_FINDINGS)
    args = parser.parse_args()
    url = bench_database_url()
    if args.if_missing and is_seeded(url):
        print(f"{url.rsplit('/', 1)[1]} is already seeded (drop it to seed again)")
        return
    started = time.perf_counter()
    setup_django(url.rsplit("/", 1)[1])
    timings = {"migrate": time.perf_counter() - started}
    seed(url, args.resources, args.findings, timings)
    total = time.perf_counter() - started
    print("timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + f"; total {total:.0f} s "
          f"({total / 60:.1f} min)")
    with psycopg.connect(url) as conn:
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    print(f"database {url.rsplit('/', 1)[1]}: {size}")


def seed(url: str, n_resources: int, n_findings: int, timings: dict) -> None:
    from django.contrib.auth.models import User

    from cspm.accounts.models import CloudAccount, Membership, Organization
    from cspm.compliance.controls import CONTROLS, load
    from cspm.drift.models import BaselineApproval

    rng = random.Random(20261124)
    mark = time.perf_counter()

    # -- organizations, accounts, the bench user (ORM: a few hundred rows) ------------------------
    parent = Organization.objects.create(name=PARENT, slug="northwind", kind="parent")
    orgs = [parent] + [Organization.objects.create(name=name, slug=name.lower().replace(" ", "-"), kind="acquisition",
                                                   parent=parent, acquired_on=date, integration_stage=stage)
                       for name, stage, date in ACQUISITIONS]
    org_weights = [60, 15, 12, 8, 5]
    accounts = []
    for i in range(ACCOUNTS):
        org = rng.choices(orgs, org_weights)[0]
        provider = rng.choices(["aws", "gcp", "azure"], [55, 25, 20])[0]
        env = rng.choices(["prod", "staging", "dev"], [40, 25, 35])[0]
        native = {"aws": f"{300000000000 + i}", "gcp": f"{org.slug}-{env}-{i:04d}",
                  "azure": f"{i:08x}-7c1e-4a2b-9d3f-{i:012x}"}[provider]
        accounts.append(CloudAccount(organization=org, provider=provider, native_id=native, environment=env,
                                     name=f"{org.slug}-{provider}-{env}-{i:03d}", poll_interval_seconds=900,
                                     enabled=i % 97 != 5, regions=REGIONS[provider][:2],
                                     credentials_summary={"kind": "role" if provider == "aws" else "principal"}))
    accounts = CloudAccount.objects.bulk_create(accounts)
    user = User.objects.create_user(BENCH_USER, email="bench@example.com", password=BENCH_PASSWORD)
    Membership.objects.create(user=user, organization=parent, role=Membership.Role.ADMIN)

    load()
    controls_by_type: dict[str, list] = defaultdict(list)
    for c in CONTROLS.values():
        for t in c.resource_types:
            controls_by_type[t].append(c)
    types = {p: sorted({t for t in controls_by_type if t.startswith(p + ".")} | set(EXTRA_TYPES[p]))
             for p in ("aws", "gcp", "azure")}

    # -- snapshots: six per account, five days apart; the last one is the account's latest -------
    snap_cols = [("id", "int"), ("account_id", "int"), ("status", "text"), ("started_at", "ts"), ("finished_at", "ts"),
                 ("collectors", "json"), ("added", "int4"), ("changed", "int4"), ("removed", "int4"),
                 ("unchanged", "int4"), ("timings", "json"), ("compliance", "json")]
    per_account = max(1, n_resources // ACCOUNTS)
    snaps = Copier(url, "inventory_snapshot", snap_cols)
    snapshot_ids: dict[int, list[int]] = {}
    snapshot_times: dict[int, dt.datetime] = {}
    last_status: dict[int, str] = {}
    sid = 0
    for k, a in enumerate(accounts):
        ids = []
        for s in range(SNAPSHOTS):
            sid += 1
            finished = NOW - dt.timedelta(days=5 * (SNAPSHOTS - 1 - s), minutes=k % 15)
            status = "ok"
            if s == SNAPSHOTS - 1 and k % 41 == 7:
                status = "failed" if k % 2 else "partial"
            snaps.write([sid, a.pk, status, finished - dt.timedelta(seconds=40), finished,
                         j({"aws.eks": {"status": "ok", "resources": per_account, "seconds": 12.5, "api_calls": 40}}),
                         per_account if s == 0 else rng.randint(0, 40), 0 if s == 0 else rng.randint(5, 60),
                         0 if s == 0 else rng.randint(0, 5), per_account, j({"collect": 20.1, "ingest": 4.2}),
                         j({"resources": per_account, "reused": 0, "results": 0})])
            ids.append(sid)
            snapshot_times[sid] = finished
        snapshot_ids[a.pk] = ids
        last_status[a.pk] = status
    snaps.close()

    # -- resources and their versions, written side by side on two connections -------------------
    res_cols = [("id", "int"), ("account_id", "int"), ("type", "text"), ("native_id", "text"), ("region", "text"),
                ("name", "text"), ("tags", "json"), ("current_hash", "text"), ("current_version_id", "int"),
                ("first_seen_id", "int"), ("removed_in_id", "int"), ("removed_at", "ts")]
    ver_cols = [("id", "int"), ("resource_id", "int"), ("snapshot_id", "int"), ("event", "text"),
                ("observed_at", "ts"), ("hash", "text"), ("config", "json"), ("same_as_id", "int"), ("name", "text"),
                ("region", "text"), ("tags", "json")]
    res, ver = Copier(url, "inventory_resource", res_cols), Copier(url, "inventory_resourceversion", ver_cols)
    # What the findings need of each resource, kept compact.
    r_account, r_type, r_first, r_current, r_nver, r_removed = (array("i"), array("h"), array("i"), array("i"),
                                                                 array("b"), array("b"))
    type_names: list[str] = []
    type_index: dict[str, int] = {}
    rid = vid = 0
    for k, a in enumerate(accounts):
        count = per_account if k < ACCOUNTS - 1 else n_resources - per_account * (ACCOUNTS - 1)
        snaps_of = snapshot_ids[a.pk]
        regions = REGIONS[a.provider]
        for i in range(count):
            rid += 1
            rtype = types[a.provider][i % len(types[a.provider])]
            region = regions[i % len(regions)]
            name = f"{rtype.rsplit('.', 1)[1]}-{a.pk}-{i:05d}"
            native = f"{a.provider}:{region}:{a.native_id}:{rtype}/{name}"
            tags = {"team": f"team-{i % 40}", "env": a.environment, "cost-center": f"cc-{(rid * 7) % 300}"}
            roll = rng.random()
            nver = 1 if roll < 0.85 else (rng.randint(2, 3) if roll < 0.97 else rng.randint(4, 8))
            removed = rng.random() < 0.01
            steps = sorted(rng.sample(range(1, SNAPSHOTS), min(nver - 1, SNAPSHOTS - 1))) if nver > 1 else []
            nver = 1 + len(steps)
            first_vid = vid + 1
            hashes: dict[int, tuple[str, int]] = {}  # generation -> (hash, version id)
            current_hash = ""
            for g, snap_pos in enumerate([0, *steps]):
                vid += 1
                sid_g = snaps_of[snap_pos]
                generation = 1 if g >= 2 and g % 2 == 0 and rng.random() < 0.3 else g  # flapping back to 1
                if generation in hashes:  # same content as an earlier version: stored once
                    h, target = hashes[generation]
                    ver.write([vid, rid, sid_g, "modified", snapshot_times[sid_g], h, None, target, name, region,
                               j(tags)])
                else:
                    body = orjson.dumps(config_of(a.provider, rtype, native, name, region, tags, generation, rng))
                    h = hashlib.sha256(body).hexdigest()
                    hashes[generation] = (h, vid)
                    ver.write([vid, rid, sid_g, "added" if g == 0 else "modified", snapshot_times[sid_g], h,
                               _JSONB + body, None, name, region, j(tags)])
                current_hash = h
            removed_in = removed_at = None
            if removed:
                vid += 1
                removed_in = snaps_of[-1]
                removed_at = snapshot_times[removed_in]
                ver.write([vid, rid, removed_in, "removed", removed_at, "", None, None, name, region, j(tags)])
                nver += 1
            res.write([rid, a.pk, rtype, native, region, name, j(tags), current_hash, vid, snaps_of[0], removed_in,
                       removed_at])
            if rtype not in type_index:
                type_index[rtype] = len(type_names)
                type_names.append(rtype)
            r_account.append(a.pk)
            r_type.append(type_index[rtype])
            r_first.append(first_vid)
            r_current.append(vid)
            r_nver.append(min(nver, 127))
            r_removed.append(1 if removed else 0)
    n_res, n_ver = res.close(), ver.close()
    timings["resources"] = time.perf_counter() - mark
    mark = time.perf_counter()
    print(f"resources: {n_res:,}; versions: {n_ver:,}")

    # -- the baseline: one approval per account (its first snapshot), an entry per resource ------
    approvals = BaselineApproval.objects.bulk_create(
        BaselineApproval(account=a, scope="snapshot", snapshot_id=snapshot_ids[a.pk][0], actor=BENCH_USER,
                         reason="initial baseline", entries_changed=per_account) for a in accounts)
    approval_of = {ap.account_id: ap.pk for ap in approvals}
    base = Copier(url, "drift_baselineentry", [("account_id", "int"), ("resource_id", "int"), ("version_id", "int"),
                                               ("approval_id", "int"), ("valid_from", "ts"), ("valid_to", "ts"),
                                               ("closed_by_id", "int")])
    for r in range(n_res):
        acc = r_account[r]
        base.write([acc, r + 1, r_first[r], approval_of[acc], snapshot_times[snapshot_ids[acc][0]], None, None])
    n_base = base.close()
    timings["baseline"] = time.perf_counter() - mark
    mark = time.perf_counter()

    # -- findings: drift (modified, added, removed) and failing controls --------------------------
    # Accounts are skewed: a few carry most findings, as in a real estate.
    account_resources: dict[int, tuple[int, int]] = {}
    start = 0
    for k, a in enumerate(accounts):
        count = per_account if k < ACCOUNTS - 1 else n_res - per_account * (ACCOUNTS - 1)
        account_resources[a.pk] = (start, start + count)
        start += count
    account_pks = [a.pk for a in accounts]
    live_plan = [("open", n_findings * 8 // 10), ("acknowledged", n_findings - n_findings * 8 // 10),
                 ("suppressed", n_findings // 20)]
    history_plan = [("resolved", n_findings * 3 // 10), ("accepted", n_findings // 20)]
    fcols = [("id", "int"), ("account_id", "int"), ("resource_id", "int"), ("kind", "text"), ("control_id", "text"),
             ("status", "text"), ("severity", "text"), ("changes", "json"), ("fingerprint", "text"),
             ("reasons", "json"), ("rationale", "text"), ("remediation", "text"), ("baseline_version_id", "int"),
             ("current_version_id", "int"), ("first_snapshot_id", "int"), ("last_snapshot_id", "int"),
             ("opened_at", "ts"), ("updated_at", "ts"), ("resolved_at", "ts"), ("suppressed_until", "ts"),
             ("status_reason", "text"), ("status_changed_by", "text")]
    findings = Copier(url, "drift_driftfinding", fcols)
    events = Copier(url, "drift_findingevent", [("finding_id", "int"), ("at", "ts"), ("actor", "text"),
                                                ("action", "text"), ("detail", "json")])
    results = Copier(url, "compliance_controlresult", [("account_id", "int"), ("resource_id", "int"),
                                                       ("control_id", "text"), ("benchmark", "text"),
                                                       ("severity", "text"), ("status", "text"), ("detail", "text"),
                                                       ("path", "text"), ("version_id", "int"),
                                                       ("evaluated_at", "ts")])
    live_keys: set[tuple[int, str]] = set()
    failed_controls: Counter = Counter()  # (account, benchmark, severity) -> live failures
    fid = 0
    # Live and settled findings interleaved by id, as months of polls leave them.
    plan = [status for status, wanted in live_plan + history_plan for _ in range(wanted)]
    rng.shuffle(plan)
    for status in plan:
        while True:
            acc = account_pks[int(len(account_pks) * rng.random() ** 2.2)]
            lo, hi = account_resources[acc]
            if hi <= lo:
                continue
            r = rng.randrange(lo, hi)
            rtype = type_names[r_type[r]]
            removed = r_removed[r] == 1
            roll = rng.random()
            control = None
            if removed:
                kind = "removed"
            elif roll < 0.45 and controls_by_type.get(rtype):
                kind, control = "control", rng.choice(controls_by_type[rtype])
            elif r_nver[r] > 1:
                kind = "modified"
            elif roll < 0.55:
                kind = "added"
            else:
                continue
            control_id = control.id if control else ""
            live = status in ("open", "acknowledged", "suppressed")
            if live:
                if (r, control_id) in live_keys:
                    continue
                live_keys.add((r, control_id))
            fid += 1
            severity = control.severity if control else rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
            snaps_of = snapshot_ids[acc]
            first = snaps_of[rng.randrange(1, SNAPSHOTS)]
            opened = snapshot_times[first]
            changes = [] if control else [
                {"path": p, "op": "replace", "before": False, "after": True, "severity": severity,
                 "rule": f"rule-{p.strip('/').split('/')[0]}"} for p in rng.sample(DRIFT_PATHS, rng.randint(1, 4))]
            resolved_at = opened + dt.timedelta(days=2) if not live else None
            findings.write([
                fid, acc, r + 1, kind, control_id, status, severity, j(changes),
                hashlib.sha256(f"{r}:{control_id}:{fid}".encode()).hexdigest(),
                j([f"{severity} change of {c['path']}" for c in changes]),
                "" if control else "A drifted setting widens what an attacker can reach.",
                "" if control else "Revert the change, or accept it into the baseline.",
                None if kind in ("added", "control") else r_first[r], None if removed else r_current[r],
                first, snaps_of[-1], opened, opened + dt.timedelta(hours=1), resolved_at,
                NOW + dt.timedelta(days=30) if status == "suppressed" else None,
                "ticket SEC-1234" if status in ("acknowledged", "suppressed") else "",
                BENCH_USER if status != "open" else ""])
            events.write([fid, opened, "poll", "opened", j({})])
            if status != "open":
                events.write([fid, opened + dt.timedelta(hours=1), BENCH_USER, status, j({"reason": "seed"})])
            if control and live:
                bench = f"{control.benchmark.key}-{control.benchmark.version}"
                results.write([acc, r + 1, control_id, bench, control.severity, "fail",
                               "seeded failure", "/", r_current[r], NOW])
                failed_controls[(acc, bench, control.severity)] += 1
            break
    n_findings_written, n_events, n_results = findings.close(), events.close(), results.close()
    timings["findings"] = time.perf_counter() - mark
    mark = time.perf_counter()

    # -- scores (what every compliance figure is summed from) and their 30-day trend -------------
    benchmarks = {p: sorted({f"{c.benchmark.key}-{c.benchmark.version}" for c in CONTROLS.values()
                             if c.benchmark.provider == p}) for p in ("aws", "gcp", "azure")}
    score_rows = []
    for a in accounts:
        for bench in benchmarks[a.provider]:
            for sev in ("critical", "high", "medium", "low"):
                score_rows.append((a.pk, bench, sev, rng.randint(200, 4000), failed_controls[(a.pk, bench, sev)]))
    scores = Copier(url, "compliance_accountscore", [("account_id", "int"), ("benchmark", "text"),
                                                     ("severity", "text"), ("passed", "int4"), ("failed", "int4")])
    for row in score_rows:
        scores.write(list(row))
    n_scores = scores.close()
    daily = Copier(url, "compliance_dailyscore", [("day", "date"), ("account_id", "int"), ("benchmark", "text"),
                                                  ("severity", "text"), ("passed", "int4"), ("failed", "int4")])
    for back in range(30):
        day = (NOW - dt.timedelta(days=back)).date()
        for acc, bench, sev, p, f in score_rows:
            daily.write([day, acc, bench, sev, p - back * 3, f + back // 3])
    n_daily = daily.close()

    # -- poll runs, the accounts' latest snapshot, sequences, the summaries, statistics ----------
    runs = Copier(url, "inventory_pollrun", [("account_id", "int"), ("state", "text"), ("collectors", "json"),
                                             ("expected_last_snapshot_id", "int"), ("started_at", "ts"),
                                             ("finished_at", "ts"), ("snapshot_id", "int"), ("error", "text")])
    for a in accounts:
        last = snapshot_ids[a.pk][-1]
        runs.write([a.pk, "done", j(["aws.eks"]), snapshot_ids[a.pk][-2], snapshot_times[last]
                    - dt.timedelta(seconds=40), snapshot_times[last], last, ""])
    runs.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("""UPDATE accounts_cloudaccount a SET last_snapshot_id = s.id, last_polled_at = s.finished_at
                        FROM (SELECT DISTINCT ON (account_id) id, account_id, finished_at FROM inventory_snapshot
                              ORDER BY account_id, id DESC) s
                        WHERE s.account_id = a.id AND a.id % 53 <> 11""")  # a few never polled
        for table in ("inventory_snapshot", "inventory_resource", "inventory_resourceversion", "drift_driftfinding"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    refresh_summaries()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    timings["scores, summaries, vacuum"] = time.perf_counter() - mark

    print(f"organizations: {len(orgs)} (1 parent, {len(orgs) - 1} acquisitions); accounts: {len(accounts)} "
          f"({', '.join(f'{p} {n}' for p, n in Counter(a.provider for a in accounts).items())}); "
          f"snapshots: {sid:,}")
    print(f"baseline entries: {n_base:,}; findings: {n_findings_written:,} "
          f"({', '.join(f'{s} {n:,}' for s, n in live_plan + history_plan)}); finding events: {n_events:,}; "
          f"failing control results: {n_results:,}; score rows: {n_scores:,}; daily score rows: {n_daily:,}")
    print(f"bench user: {BENCH_USER} (admin of {PARENT}, reaching all {len(orgs)} organizations)")


def refresh_summaries() -> None:
    """The dashboard's pre-computed figures, as polls and the periodic tasks refresh them."""
    from cspm.accounts.models import CloudAccount
    from cspm.compliance.scores import organization_days_refresh
    from cspm.drift.summary import summary_refresh

    summary_refresh(account_ids=list(CloudAccount.objects.values_list("id", flat=True)))
    organization_days_refresh(days=[(NOW - dt.timedelta(days=back)).date() for back in range(30)])


if __name__ == "__main__":
    main()
