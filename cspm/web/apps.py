from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cspm.web"
    label = "web"
    verbose_name = "Web app"
