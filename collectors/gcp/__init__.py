"""GCP collectors (google-cloud-* on REST). Importing the package registers its normalization specs."""

from collectors.gcp import specs  # noqa: F401
