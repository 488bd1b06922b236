"""Azure collectors (azure-mgmt-*). Importing the package registers its normalization specs."""

from collectors.azure import specs  # noqa: F401
