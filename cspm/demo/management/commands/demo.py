import os
import time

from django.conf import settings
from django.core.management import CommandError, call_command

from cspm.core.cli import JsonCommand
from cspm.demo import group
from cspm.demo.clouds import Ports, ports_in_use
from cspm.demo.runner import Demo


class Command(JsonCommand):
    help = ("The demo: start the simulated AWS, GCP and Azure in this process, seed and onboard a group (Acme Group "
            "and its acquisition Globex, accounts in all three clouds), poll, approve baselines, inject drift, "
            "then keep polling, inject a drift every --drift-every seconds and serve the web app. Alerts land "
            "on /demo/inbox/. Safe to run again. Expects a migrated database (make demo migrates).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--port", type=int, default=8000, help="web server port (default 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="web server address (default 127.0.0.1)")
        parser.add_argument("--sim-port", type=int, default=8470, metavar="PORT",
                            help="first of five ports for the simulators and receivers: AWS, GCP, Azure, SMTP "
                                 "inbox, Slack (default 8470-8474)")
        parser.add_argument("--bind", default="127.0.0.1", help="address the simulators listen on")
        parser.add_argument("--advertise", default="127.0.0.1",
                            help="host name the product reaches the simulators by (docker compose: the service)")
        parser.add_argument("--drift-every", type=float, default=120.0, metavar="SECONDS",
                            help="inject one drift this often (0: never; default 120)")
        parser.add_argument("--poll-interval", type=int, default=30, metavar="SECONDS",
                            help="poll interval of the demo accounts (10 or more; default 30)")
        parser.add_argument("--admin", default="demo", help="user name of the demo admin (default demo)")
        parser.add_argument("--once", action="store_true",
                            help="set up, poll, inject one drift per cloud, print a summary and stop")
        parser.add_argument("--no-web", action="store_true",
                            help="no web server here (docker compose: the web service serves the app)")

    def handle(self, *args, **options):
        os.environ["CSPM_DEMO"] = "1"  # routes /demo/inbox/ in this process's web server
        say = (lambda _: None) if options["json"] else self.stdout.write
        ports = Ports(options["sim_port"])
        wanted = [(options["bind"], label, port) for label, port in ports.labelled()]
        if not (options["once"] or options["no_web"]):
            wanted.append((options["host"], "web server", options["port"]))
        if busy := ports_in_use(wanted):
            raise CommandError(f"port{'s' if len(busy) > 1 else ''} {', '.join(busy)} already in use: is another "
                               "demo running? Stop it, or start this one with other ports (--port, --sim-port).")
        url = f"http://{options['host']}:{options['port']}/"
        base_url = settings.CSPM_BASE_URL
        if not options["no_web"] and "CSPM_BASE_URL" not in os.environ:
            # The alerts' links: this server (the default, localhost:8000, is another port with
            # --port, and another host than the printed 127.0.0.1 for the browser's session cookie).
            settings.CSPM_BASE_URL = url.rstrip("/")
        demo = Demo(ports=ports, bind=options["bind"], advertise=options["advertise"],
                    poll_interval=options["poll_interval"], admin=options["admin"])
        try:
            admin = demo.start(say=say)
            if options["once"]:
                summary = {"admin": admin, "drift": group.open_drift_by_provider(), **group.demo_inventory()}
                from cspm.demo.models import DemoMessage

                time.sleep(0.5)  # the receivers store what they got from worker threads
                summary["messages"] = {kind: DemoMessage.objects.filter(kind=kind).count()
                                       for kind in DemoMessage.Kind.values}
                return self.emit(options, summary, f"demo set up: drift by cloud {summary['drift']}")
            demo.run_in_background(drift_every=options["drift_every"], schedule=settings.CELERY_TASK_ALWAYS_EAGER,
                                   say=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(
                f"\nDemo ready: {url}\n  sign in as {admin['username']} with password {admin['password']} "
                f"(a new one at each start)\n  alerts caught locally: {url}demo/inbox/\n"
                f"  accounts polled every {options['poll_interval']} s; a new drift every {options['drift_every']:g} s."
                " Ctrl-C stops it all.\n"))
            if options["no_web"]:
                while True:
                    time.sleep(3600)
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False, skip_checks=True)
        finally:
            demo.shutdown()
            settings.CSPM_BASE_URL = base_url
