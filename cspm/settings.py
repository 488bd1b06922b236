"""Settings from the environment (12-factor). Unset, the app runs on its embedded default:
a SQLite file under var/ and tasks run in-process. See .env.example for every variable."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CSPM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)
EMBEDDED = "DATABASE_URL" not in env  # the no-server default: SQLite + in-process tasks

if DEBUG or EMBEDDED:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-embedded-default-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")  # required: fails loudly when missing

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "cspm.accounts",
    "cspm.inventory",
    "cspm.drift",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cspm.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cspm.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cspm.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while the in-process worker writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 30}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))

# Cloud credentials are encrypted at rest with Fernet. CSPM_CREDENTIALS_KEYS is a comma-separated
# list: the first key encrypts, every key decrypts, so a new key is put first and
# `manage.py rotate_credentials` re-encrypts. Unset in the embedded default, a key file is
# generated under var/ (mode 0600); unset in production, startup fails.
CSPM_CREDENTIALS_KEYS = env.list("CSPM_CREDENTIALS_KEYS", default=[])
CSPM_CREDENTIALS_KEY_FILE = VAR_DIR / "credentials.key"
if not CSPM_CREDENTIALS_KEYS and not (DEBUG or EMBEDDED):
    raise environ.ImproperlyConfigured("CSPM_CREDENTIALS_KEYS is required when DEBUG is off")

# Celery: unset broker means tasks run in-process (eager), as the embedded default needs.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1800)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}

# Beat asks every CSPM_SCHEDULE_SECONDS which accounts are due (each has its own poll interval).
CSPM_SCHEDULE_SECONDS = env.int("CSPM_SCHEDULE_SECONDS", default=30)
CELERY_BEAT_SCHEDULE = {
    "schedule-due-polls": {"task": "cspm.inventory.schedule_due_polls", "schedule": float(CSPM_SCHEDULE_SECONDS)},
}
CELERY_TASK_DEFAULT_QUEUE = "celery"

# Seconds a cloud API call may take before the collector gives up (SDK-level timeout).
CSPM_CLOUD_TIMEOUT = env.float("CSPM_CLOUD_TIMEOUT", default=30.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Outgoing mail (alerts). Unset host: messages go to the console, as the embedded default wants.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
