import time

from django.conf import settings

from cspm.core.cli import JsonCommand
from cspm.inventory.tasks import schedule_due_polls


class Command(JsonCommand):
    help = ("Run the poll schedule without Celery beat (the embedded default): every "
            "CSPM_SCHEDULE_SECONDS, poll the accounts that are due. With a broker configured the polls go "
            "to the workers; without one they run here, in-process.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--interval", type=float, default=None, metavar="SECONDS")

    def handle(self, *args, **options):
        interval = options["interval"] or settings.CSPM_SCHEDULE_SECONDS
        while True:
            dispatched = schedule_due_polls()
            if options["once"]:
                return self.emit(options, {"polled": dispatched}, f"polled {len(dispatched)} due account(s)")
            if dispatched:
                self.stdout.write(f"polled {len(dispatched)} due account(s)")
            time.sleep(interval)
