"""Runs the alerts flow on the embedded default (SQLite, tasks in-process) in a fresh process, for
tests/integration/alerts/test_embedded_alerts.py. Prints one JSON document of what it saw."""

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
for name in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "CSPM_CREDENTIALS_KEYS"):
    os.environ.pop(name, None)
os.environ["CSPM_VAR_DIR"] = sys.argv[1]
os.environ["DJANGO_SETTINGS_MODULE"] = "cspm.settings"

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from collectors.registry import registry  # noqa: E402
from cspm.alerts.deliver import deliver_due  # noqa: E402
from cspm.alerts.models import Notification  # noqa: E402
from cspm.inventory.tasks import poll_account_task  # noqa: E402
from tests.integration.helpers import EKS_ARN, cli, eks_config, onboard  # noqa: E402
from tests.support.estate import ESTATE, TEST_COLLECTORS  # noqa: E402
from tests.support.receivers import HttpReceiver  # noqa: E402

call_command("migrate", verbosity=0)
receiver = HttpReceiver()
receiver.start()
url_file = Path(sys.argv[1]) / "hook.url"
url_file.write_text(receiver.url("/hooks/embedded-s3cret"))
secret_file = Path(sys.argv[1]) / "hook.secret"
secret_file.write_text("embedded-signing-secret-0123")
seen = {"vendor": connection.vendor}
with registry.isolated(*TEST_COLLECTORS):
    ESTATE.put("aws.eks.cluster", EKS_ARN, eks_config())
    account = onboard("prod-aws", "123456789012")
    poll_account_task.delay(account["id"]).get()
    cli("baseline", "approve", "prod-aws")
    cli("channel", "add", "webhook", "hook", "--url-file", str(url_file), "--secret-file", str(secret_file))
    cli("alert_rule", "add", "--channel", "hook")
    # The in-process worker delivers as soon as the poll commits.
    ESTATE.put("aws.eks.cluster", EKS_ARN, eks_config(public=True))
    poll_account_task.delay(account["id"]).get()
    seen["after_first_drift"] = len(receiver.requests)
    # Receiver down: the notification waits, then goes out once (SQLite's claim: a conditional update).
    receiver.status = 500
    ESTATE.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, version="1.30"))
    poll_account_task.delay(account["id"]).get()
    seen["while_down"] = list(Notification.objects.order_by("id").values_list("status", flat=True))
    receiver.status = 200
    seen["retry"] = deliver_due(now=timezone.now() + dt.timedelta(minutes=5))
    seen["again"] = deliver_due(now=timezone.now() + dt.timedelta(hours=5))
    seen["requests"] = len(receiver.requests)
receiver.stop()
print(orjson.dumps(seen).decode())
