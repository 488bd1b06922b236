"""AWS poll benchmark: a moto account with 3 EKS clusters, 200 IAM users and 300 S3 buckets,
polled through boto3 over real HTTP. Prints each poll's duration next to its API calls, and the
drift an idle second poll reports (it must be none).  Run: make bench-aws
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from common import peak_memory_mb, setup_django, timed_poll

CLUSTERS, USERS, BUCKETS = 3, 200, 300
ACCOUNT = "123456789012"
ACCESS = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}


def seed(url: str) -> None:
    import boto3

    def client(service, region="us-east-1"):
        return boto3.client(service, region_name=region, endpoint_url=url,
                            aws_access_key_id=ACCESS["access_key_id"],
                            aws_secret_access_key=ACCESS["secret_access_key"])

    iam, s3 = client("iam"), client("s3")
    role = iam.create_role(RoleName="eks-cluster", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in range(2)]
    eks = client("eks")
    for i in range(CLUSTERS):
        eks.create_cluster(name=f"cluster-{i}", roleArn=role, resourcesVpcConfig={"subnetIds": subnets})
    for i in range(USERS):
        iam.create_user(UserName=f"user-{i:03d}", Tags=[{"Key": "team", "Value": f"t{i % 7}"}])
    for i in range(BUCKETS):
        s3.create_bucket(Bucket=f"bench-bucket-{i:03d}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"moto's server did not start at {url}")


def main() -> None:
    # moto in its own process, as a cloud would be: in-process it would share the poll's GIL.
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_for(url)
    started = time.perf_counter()
    seed(url)
    print(f"seeded {CLUSTERS} EKS clusters, {USERS} IAM users, {BUCKETS} S3 buckets in "
          f"{time.perf_counter() - started:.1f} s")

    setup_django()
    from cspm.accounts.services import account_onboard

    account = account_onboard(provider="aws", native_id=ACCOUNT, name="bench-aws", organization="Bench",
                              credentials=json.dumps(ACCESS).encode(), endpoint=url,
                              regions=["us-east-1", "eu-west-1"], test_connection=True)
    for label in ("first poll", "idle second poll"):
        s, _ = timed_poll(label, account, indent="")
    drift = s.added + s.changed + s.removed
    print(f"drift reported by the idle second poll: {drift}")
    print(f"peak memory (max RSS of the process): {peak_memory_mb():,.0f} MB")
    server.terminate()
    sys.exit(0 if drift == 0 and s.status == "ok" else 1)


if __name__ == "__main__":
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    main()
