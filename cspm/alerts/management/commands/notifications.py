from cspm.alerts.deliver import deliver_due
from cspm.alerts.selectors import STATUSES, notification_as_dict, notification_summary, notifications_list
from cspm.core.cli import JsonCommand


class Command(JsonCommand):
    help = ("The alert outbox: list notifications (pending, sent, dead). --deliver first sends what is due "
            "now, here, as the deliver task would.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--status", default="all", choices=STATUSES)
        parser.add_argument("--channel")
        parser.add_argument("--limit", type=int, default=50)
        parser.add_argument("--deliver", action="store_true", help="send every due notification now")

    def handle(self, *args, **options):
        delivered = deliver_due() if options["deliver"] else None
        rows = [notification_as_dict(n) for n in notifications_list(
            status=options["status"], channel=options["channel"], limit=options["limit"])]
        lines = [notification_summary(d) for d in rows] or ["no notifications"]
        if delivered is not None:
            lines.insert(0, "delivered: {sent} sent, {retrying} to retry, {dead} dead".format(**delivered))
            return self.emit(options, {"delivered": delivered, "notifications": rows}, "\n".join(lines))
        self.emit(options, rows, "\n".join(lines))
