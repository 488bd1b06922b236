"""Azure collectors (azure-mgmt-*). Importing the package registers its normalization specs, its
collectors, its connection test and its discovery; the Azure SDK itself loads only when a session
is made."""

from collectors.azure import aks, authorization, connection, discovery, specs, storage  # noqa: F401
