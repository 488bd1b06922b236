"""Ingest benchmark: 100,000 synthetic resources of realistic shape (~2 KB each) on PostgreSQL.

A first poll, then a second with 1% changed, 0.1% added and 0.1% removed. Prints resources/s
of both polls (end to end: collector generation, normalize, hash, compare, write, drift and
compliance evaluation; the second poll's compliance time is issue 6's bar: under 1 s),
rows written by the second, and peak memory. Uses its own database (<name>_bench), dropped and
made anew each run.  Run: make bench-ingest  (or DATABASE_URL=... python bench/ingest.py [N])
"""

from __future__ import annotations

import sys
import time

from common import peak_memory_mb, setup_django

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
CHANGED, ADDED, REMOVED = N // 100, N // 1000, N // 1000


_TEMPLATE = {
    "createdAt": "2026-01-01T00:00:00+00:00",
    "roleArn": "arn:aws:iam::123456789012:role/eks-cluster-role",
    "resourcesVpcConfig": {
        "subnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60718", "subnet-0c1d2e3f4a5b60718"],
        "securityGroupIds": ["sg-0123456789abcdef0"],
        "clusterSecurityGroupId": "sg-0fedcba9876543210",
        "endpointPublicAccess": False,
        "endpointPrivateAccess": True,
        "publicAccessCidrs": ["10.0.0.0/8", "192.168.0.0/16"],
    },
    "kubernetesNetworkConfig": {"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4"},
    "logging": {"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True},
                                   {"types": ["controllerManager", "scheduler"], "enabled": False}]},
    "status": "ACTIVE",
    "certificateAuthority": {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t" * 22},
    "platformVersion": "eks.5",
    "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
    "upgradePolicy": {"supportType": "STANDARD"},
}


def cluster(i: int, generation: int) -> dict:
    """An EKS DescribeCluster-shaped config of ~2 KB; `generation` changes one field.

    The simulated cloud must cost next to nothing, or the benchmark would time it instead of
    the poll: per resource it copies a template and sets the fields that differ. Shared nested
    parts are normalized in place identically for every record, so sharing them changes nothing.
    """
    config = dict(_TEMPLATE)
    config["name"] = name = f"cluster-{i}"
    config["arn"] = f"arn:aws:eks:us-east-1:123456789012:cluster/{name}"
    config["version"] = "1.30" if generation else "1.29"
    config["endpoint"] = f"https://{i:032X}.gr7.us-east-1.eks.amazonaws.com"
    config["identity"] = {"oidc": {"issuer": f"https://oidc.eks.us-east-1.amazonaws.com/id/{i:032X}"}}
    config["tags"] = {"team": f"team-{i % 40}", "env": "prod", "cost-center": f"cc-{i % 300}"}
    config["encryptionConfig"] = [
        {"resources": ["secrets"], "provider": {"keyArn": f"arn:aws:kms:us-east-1:123456789012:key/{i:036x}"}}]
    return config


def main() -> None:
    setup_django()
    from django.db import connection

    from collectors.base import Collector
    from collectors.records import ResourceRecord
    from collectors.registry import registry
    from cspm.accounts.services import account_onboard
    from cspm.inventory.poll import poll_account

    state = {"ids": range(N), "changed": frozenset()}

    class Synthetic(Collector):
        key = "aws.bench_eks"
        provider = "aws"
        resource_types = ("aws.eks.cluster",)

        def collect(self):
            changed = state["changed"]
            for i in state["ids"]:
                config = cluster(i, 1 if i in changed else 0)
                yield ResourceRecord(type="aws.eks.cluster", native_id=config["arn"], config=config,
                                     region="us-east-1", name=config["name"], tags=config["tags"])

    account = account_onboard(provider="aws", native_id="123456789012", name="bench", organization="Bench")
    print(f"resources: {N:,}; config size: {len(str(cluster(1, 0)))} characters")

    def timed_poll(label: str):
        before = table_writes(connection)
        start = time.perf_counter()
        result = poll_account(account.pk)
        seconds = time.perf_counter() - start
        written = {k: v - before.get(k, 0) for k, v in table_writes(connection).items()}
        s = result.snapshot
        print(f"{label}: {seconds:.2f} s, {N / seconds:,.0f} resources/s "
              f"(added {s.added:,}, changed {s.changed:,}, removed {s.removed:,}, unchanged {s.unchanged:,}; "
              f"collect {s.timings['collect']} s, write {s.timings['ingest']} s, drift {s.timings['evaluate']} s, "
              f"compliance {s.timings['compliance']} s)")
        print(f"  compliance: {s.compliance['resources']:,} resources judged ({s.compliance['reused']:,} from the "
              f"verdict cache), {s.compliance['results']:,} control results written")
        return result, written

    with registry.isolated(Synthetic):  # the synthetic cloud only, never the real AWS collectors
        timed_poll("first poll")
        # Churn: 1% changed, 0.1% removed (the first ids), 0.1% added (new ids past the end).
        state["changed"] = frozenset(range(REMOVED, REMOVED + CHANGED))
        state["ids"] = list(range(REMOVED, N + ADDED))
        result, written = timed_poll("second poll")
    print(f"compliance re-evaluation after the 1%-churn poll: {result.snapshot.timings['compliance']} s "
          f"(bar: under 1 s)")
    expected = CHANGED + ADDED + REMOVED
    print(f"second poll history rows written: {result.rows_written['versions']:,} "
          f"(changed + added + removed = {expected:,}); resources inserted "
          f"{result.rows_written['resources_inserted']:,}, updated {result.rows_written['resources_updated']:,}")
    print("second poll rows written per table (pg_stat): " + ", ".join(
        f"{table} {count:,}" for table, count in sorted(written.items()) if count))
    print(f"peak memory (max RSS of the process): {peak_memory_mb():,.0f} MB")


def table_writes(connection) -> dict[str, int]:
    """Rows inserted + updated per table, from PostgreSQL's own statistics."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
        cur.execute("SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_user_tables")
        return dict(cur.fetchall())


if __name__ == "__main__":
    main()
