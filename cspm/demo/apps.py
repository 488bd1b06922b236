from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cspm.demo"
    label = "demo"
    verbose_name = "Demo"
