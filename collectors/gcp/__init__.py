"""GCP collectors (google-cloud-* on REST). Importing the package registers its normalization specs,
its collectors, its connection test and its discovery; the Google SDKs load only when a session is
made."""

from collectors.gcp import connection, discovery, gke, iam, specs, storage  # noqa: F401
