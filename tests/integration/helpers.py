from io import StringIO

import orjson
from django.core.management import call_command

EKS_ARN = "arn:aws:eks:us-east-1:123456789012:cluster/prod-eks"
BUCKET_ARN = "arn:aws:s3:::acme-prod-data"


def cli(command: str, *args: str):
    """Run a management command with --json and return its parsed output."""
    out = StringIO()
    call_command(command, *args, "--json", stdout=out)
    return orjson.loads(out.getvalue())


def poll(account: str = "prod-aws") -> dict:
    """Poll, tolerating the exit code 1 a partial snapshot gives."""
    out = StringIO()
    try:
        call_command("poll", account, "--json", stdout=out)
    except SystemExit as exc:
        assert exc.code == 1
    return orjson.loads(out.getvalue())


def onboard(name: str = "prod-aws", account_id: str = "123456789012", *extra: str) -> dict:
    return cli("onboard", "--no-test", "--provider", "aws", "--account-id", account_id, "--name", name,
               "--org", "Acme Group", *extra)


def eks_config(*, public: bool = False, cidrs=("10.0.0.0/8",), version: str = "1.29", status="ACTIVE") -> dict:
    return {
        "name": "prod-eks",
        "arn": EKS_ARN,
        "version": version,
        "status": status,
        "createdAt": "2026-01-01T00:00:00Z",
        "resourcesVpcConfig": {
            "subnetIds": ["subnet-b", "subnet-a"],
            "endpointPublicAccess": public,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": list(cidrs),
        },
        "logging": {"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]},
        "tags": {"team": "platform"},
    }


def bucket_config(*, block: bool = True) -> dict:
    return {
        "Name": "acme-prod-data",
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": block, "IgnorePublicAcls": block,
            "BlockPublicPolicy": block, "RestrictPublicBuckets": block,
        },
        "Versioning": {"Status": "Enabled"},
    }
