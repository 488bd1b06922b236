import time

from django.conf import settings

from cspm.celery import app
from cspm.core.cli import JsonCommand

POLLS = "cspm.inventory.schedule_due_polls"


class Command(JsonCommand):
    help = ("Run Celery beat's schedule in this process, without beat (the embedded default): look for "
            "accounts due for a poll every CSPM_SCHEDULE_SECONDS, send due alerts (retries, digests) every "
            "minute. With a broker configured the polls go to the workers; without one they run here.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--once", action="store_true", help="one round of every entry, then exit")
        parser.add_argument("--interval", type=float, default=None, metavar="SECONDS",
                            help="how often to look for due accounts (default CSPM_SCHEDULE_SECONDS)")

    def handle(self, *args, **options):
        entries = {entry["task"]: float(entry["schedule"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        if options["interval"]:
            entries[POLLS] = options["interval"]
        next_run = dict.fromkeys(entries, 0.0)
        while True:
            ran = {}
            for task, period in entries.items():
                if time.monotonic() >= next_run[task]:
                    next_run[task] = time.monotonic() + period
                    ran[task] = app.tasks[task]()  # here; what it sends goes to the workers, if any
            polled = ran.get(POLLS)
            if options["once"]:
                return self.emit(options, {"polled": polled, "tasks": ran}, f"polled {len(polled)} due account(s)")
            if polled:
                self.stdout.write(f"polled {len(polled)} due account(s)")
            time.sleep(max(0.1, min(next_run.values()) - time.monotonic()))
