"""Simulated estate benchmark (issue 4's bar): 50 GKE clusters, 50 AKS clusters, 500 buckets and
storage accounts and 1,000 IAM bindings and role assignments in the GCP and Azure simulators, polled
through the real SDKs over HTTP(S). Onboards (connection tested), polls, approves, polls again idle
(must be zero drift), injects every drift kind of collectors.simulator.estate, polls, and checks
each kind's finding (kind, severity, paths). Exits non-zero on any drift when idle or any mismatch.
Run: make bench-estate
"""

from __future__ import annotations

import json
import sys
import time
import uuid

from common import peak_memory_mb, setup_django, timed_poll

GCP_SIZE = {"clusters": 50, "buckets": 250, "bindings": 500}
AZURE_SIZE = {"clusters": 50, "storage_accounts": 250, "assignments": 500}
PROJECT = "bench-prod-314159"
SUBSCRIPTION = str(uuid.uuid5(uuid.NAMESPACE_URL, "bench-subscription"))
TENANT = str(uuid.uuid5(uuid.NAMESPACE_URL, "bench-tenant"))
CLIENT = str(uuid.uuid5(uuid.NAMESPACE_URL, "bench-client"))
SECRET = "Bench~simulated.client-secret_0123456789"
SA_EMAIL = f"cspm-reader@{PROJECT}.iam.gserviceaccount.com"


def main() -> int:
    from collectors.simulator.azure import FakeArm
    from collectors.simulator.estate import compare, inject, seed_azure, seed_gcp
    from collectors.simulator.gcp import GcpSimulator, rsa_key_pair, service_account_key_file

    gcp = GcpSimulator().start()
    arm = FakeArm(page_size=100).start()
    private, public = rsa_key_pair()
    gcp.trust_key(SA_EMAIL, public)
    gcp.add_project(PROJECT, display_name="Bench prod")
    arm.put_subscription(SUBSCRIPTION, "bench-prod", tenant_id=TENANT)
    arm.add_service_principal(TENANT, CLIENT, SECRET)

    started = time.perf_counter()
    estates = {"gcp": seed_gcp(gcp, PROJECT, **GCP_SIZE), "azure": seed_azure(arm, SUBSCRIPTION, **AZURE_SIZE)}
    members = sum(len(b["members"]) for b in gcp.project(PROJECT).policy["bindings"])
    print(f"seeded in {time.perf_counter() - started:.2f} s: GCP {len(estates['gcp'].clusters)} GKE clusters, "
          f"{len(gcp.buckets)} buckets, {members} project IAM (role, member) bindings, "
          f"{len(estates['gcp'].service_accounts)} service accounts; Azure {len(estates['azure'].clusters)} AKS "
          f"clusters, {len(estates['azure'].buckets)} storage accounts, {len(estates['azure'].assignments) + 1} "
          f"role assignments, {len(estates['azure'].role_definitions)} custom roles")

    setup_django()
    from cspm.accounts.services import account_onboard
    from cspm.drift.baselines import baseline_approve_snapshot
    from cspm.drift.selectors import finding_as_dict, findings_list

    key = service_account_key_file(gcp.url, private, email=SA_EMAIL, project=PROJECT)
    accounts = {
        "gcp": account_onboard(provider="gcp", native_id=PROJECT, name="bench-gcp", organization="Bench",
                               credentials=json.dumps(key).encode(), endpoint=gcp.url, test_connection=True),
        "azure": account_onboard(provider="azure", native_id=SUBSCRIPTION, name="bench-azure", organization="Bench",
                                 credentials=json.dumps({"tenant_id": TENANT, "client_id": CLIENT,
                                                         "client_secret": SECRET}).encode(),
                                 endpoint=arm.url, ca_bundle=arm.ca_pem, test_connection=True),
    }
    servers = {"gcp": gcp, "azure": arm}
    failed = False

    print("first poll:")
    for account in accounts.values():
        snapshot, _ = timed_poll("first poll", account)
        failed |= snapshot.status != "ok"
        baseline_approve_snapshot(account=account, actor="bench")

    print("idle second poll (after approval):")
    for account in accounts.values():
        snapshot, seconds = timed_poll("idle poll", account)
        drift = snapshot.added + snapshot.changed + snapshot.removed
        open_findings = findings_list(account=account, status="open").count()
        print(f"  {account.name}: drift on the idle second poll: {drift}, open findings: {open_findings} "
              f"({seconds:.2f} s)")
        failed |= drift != 0 or open_findings != 0 or snapshot.status != "ok"

    print("drift injected, poll:")
    report = []
    for cloud, account in accounts.items():
        expected = inject(cloud, servers[cloud], estates[cloud])
        snapshot, _ = timed_poll("drift poll", account)
        found = [finding_as_dict(f) for f in findings_list(account=account, status="open")]
        lines, ok = compare(expected, found)
        report += lines
        failed |= not ok or snapshot.status != "ok"
    print("drift kinds:")
    for line in report:
        print(f"  {line}")
    print(f"peak memory (max RSS of the process, simulators included): {peak_memory_mb():,.0f} MB")
    gcp.stop()
    arm.stop()
    print("FAILED" if failed else "all drift kinds reported with the right path and severity; idle polls silent")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
