"""The Celery app. Without CELERY_BROKER_URL tasks run in-process (eager), so the embedded
default needs no Redis; with it, workers on any number of machines share the work."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspm.settings")

app = Celery("cspm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
