"""AWS collectors (boto3). Importing the package registers the normalization specs of its types,
its collectors and its connection test; boto3 itself loads only when a session is made."""

from collectors.aws import connection, eks, iam, organizations, s3, specs  # noqa: F401
