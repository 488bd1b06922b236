import threading

from cspm.core.beat import InProcessBeat
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
        beat = InProcessBeat(overrides={POLLS: options["interval"]} if options["interval"] else None)
        if options["once"]:
            ran = beat.run_due()
            polled = ran.get(POLLS)
            return self.emit(options, {"polled": polled, "tasks": ran}, f"polled {len(polled)} due account(s)")
        beat.run_until(threading.Event(), on_round=self._report)

    def _report(self, ran: dict) -> None:
        if ran.get(POLLS):
            self.stdout.write(f"polled {len(ran[POLLS])} due account(s)")
