"""Runs the core flow on the embedded default (SQLite, no servers) in a fresh process, for
tests/integration/test_embedded_default.py. Prints one JSON document of what it saw."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.pop("DATABASE_URL", None)
for name in ("CELERY_BROKER_URL", "SECRET_KEY", "CSPM_CREDENTIALS_KEYS"):
    os.environ.pop(name, None)
os.environ["CSPM_VAR_DIR"] = sys.argv[1]
os.environ["DJANGO_SETTINGS_MODULE"] = "cspm.settings"

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from collectors.registry import registry  # noqa: E402
from cspm.inventory.models import PollRun  # noqa: E402
from cspm.inventory.tasks import poll_account_task  # noqa: E402
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, onboard  # noqa: E402
from tests.support.estate import ESTATE, TEST_COLLECTORS  # noqa: E402


def pages(account_id: int) -> dict[str, int]:
    """Every main page, signed in as an admin of the account's organization: its status code."""
    from django.contrib.auth.models import User
    from django.test import Client

    from cspm.accounts.models import CloudAccount, Membership
    from cspm.inventory.models import Resource

    account = CloudAccount.objects.get(pk=account_id)
    user = User.objects.create_user("embedded-admin")
    Membership.objects.create(user=user, organization=account.organization, role="admin")
    client = Client()
    client.force_login(user)
    resource = Resource.objects.filter(account=account).latest("id")
    paths = ["/", "/accounts/", f"/accounts/{account_id}/", "/findings/", f"/resources/{resource.pk}/",
             "/organizations/", "/compliance/", "/audit/", "/alerts/", "/alerts/deliveries/", "/accounts/onboard/"]
    return {path: client.get(path, HTTP_HOST="localhost").status_code for path in paths}


call_command("migrate", verbosity=0)
seen = {"vendor": connection.vendor}
with registry.isolated(*TEST_COLLECTORS):
    ESTATE.put("aws.eks.cluster", EKS_ARN, eks_config())
    ESTATE.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    creds = Path(sys.argv[1]) / "aws.json"
    creds.write_text('{"access_key_id": "AKIAIOSFODNN7EXAMPLE", '
                     '"secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}')
    account = onboard("prod-aws", "123456789012", "--credentials", str(creds))
    # The in-process worker: a task (and the collect and finalize tasks it sends) runs eagerly
    # when no broker is configured.
    first = PollRun.objects.get(pk=poll_account_task.delay(account["id"]).get()).snapshot_id
    cli("baseline", "approve", "prod-aws")
    ESTATE.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))
    ESTATE.drop("aws.s3.bucket", BUCKET_ARN)
    second = PollRun.objects.get(pk=poll_account_task.delay(account["id"]).get()).snapshot_id
    seen["snapshots"] = [first, second]
    seen["drift"] = cli("drift", "prod-aws")
    seen["database"] = str(connection.settings_dict["NAME"])
    seen["pages"] = pages(account["id"])
print(orjson.dumps(seen).decode())
