from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cspm.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        from cspm.api import schema  # noqa: F401 - registers the schema's authentication extensions
