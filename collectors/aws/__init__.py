"""AWS collectors (boto3). Importing the package registers the normalization specs of its types."""

from collectors.aws import specs  # noqa: F401
