"""Settings from the environment (12-factor). Unset, the app runs on its embedded default:
a SQLite file under var/ and tasks run in-process. See .env.example for every variable."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CSPM_VAR_DIR", default=str(BASE_DIR / "var")))

# Any variable may instead come from a file named by <NAME>_FILE (Docker secrets; the compose
# stack's generated keys): SECRET_KEY_FILE, CSPM_CREDENTIALS_KEYS_FILE...
env = environ.FileAwareEnv()
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
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "cspm.accounts",
    "cspm.inventory",
    "cspm.drift",
    "cspm.alerts",
    "cspm.compliance",
    "cspm.audit",
    "cspm.web",
    "cspm.api",
    "cspm.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cspm.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cspm.web.middleware.SessionLimitsMiddleware",
    "cspm.web.middleware.SecondFactorMiddleware",
    "cspm.web.middleware.ActorMiddleware",
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
# The app serves its own static files (WhiteNoise): no CDN, works offline and under a strict CSP.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
try:  # WhiteNoise warns about a missing STATIC_ROOT before collectstatic has ever run
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
except OSError:
    pass

# Sign-in. Sessions end after CSPM_SESSION_IDLE_SECONDS without a request, and in any case
# CSPM_SESSION_MAX_SECONDS after sign-in. A username is locked for CSPM_LOGIN_LOCKOUT_SECONDS
# after CSPM_LOGIN_MAX_FAILURES failed sign-ins within that time; an address, after
# CSPM_LOGIN_MAX_FAILURES_PER_IP. CSPM_REQUIRE_2FA makes TOTP mandatory for everyone (an
# organization can require it of its own members).
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
CSPM_SESSION_IDLE_SECONDS = env.int("CSPM_SESSION_IDLE_SECONDS", default=1800)
CSPM_SESSION_MAX_SECONDS = env.int("CSPM_SESSION_MAX_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = CSPM_SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSPM_LOGIN_MAX_FAILURES = env.int("CSPM_LOGIN_MAX_FAILURES", default=5)
CSPM_LOGIN_MAX_FAILURES_PER_IP = env.int("CSPM_LOGIN_MAX_FAILURES_PER_IP", default=50)
CSPM_LOGIN_LOCKOUT_SECONDS = env.int("CSPM_LOGIN_LOCKOUT_SECONDS", default=900)
CSPM_REQUIRE_2FA = env.bool("CSPM_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="CSPM drift monitor")

# HTTPS (on by default outside the embedded default): secure cookies, HSTS, redirect to https.
# Behind a TLS-terminating proxy, CSPM_BEHIND_PROXY trusts its X-Forwarded-Proto and -For.
CSPM_HTTPS = env.bool("CSPM_HTTPS", default=not (DEBUG or EMBEDDED))
CSPM_BEHIND_PROXY = env.bool("CSPM_BEHIND_PROXY", default=False)
if CSPM_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if CSPM_HTTPS:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# The REST API: personal tokens (Authorization: Bearer cspm_...) that expire after
# CSPM_API_TOKEN_DAYS unless made shorter, or the signed-in browser session (2FA satisfied).
CSPM_API_TOKEN_DAYS = env.int("CSPM_API_TOKEN_DAYS", default=90)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cspm.api.authentication.BearerTokenAuthentication",
        "cspm.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "cspm.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CSPM drift monitor API",
    "DESCRIPTION": "Organizations, cloud accounts, snapshots, resources and versions, drift and control "
                   "findings, baselines, compliance results and scores. Same permissions and audit as the web app.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The map of the API is for signed-in users (a token or a verified session), like the rest.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
}

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
CSPM_SCHEDULE_SECONDS = env.int("CSPM_SCHEDULE_SECONDS", default=5)
CELERY_BEAT_SCHEDULE = {
    "schedule-due-polls": {"task": "cspm.inventory.schedule_due_polls", "schedule": float(CSPM_SCHEDULE_SECONDS)},
    # The outbox: retries and digests that came due (a poll that wrote an alert also asks at once).
    "deliver-due-notifications": {"task": "cspm.alerts.deliver_due", "schedule": 60.0,
                                  "options": {"queue": "celery"}},
    # The dashboard's finding counts, recounted whole (each change recounts its own account at once).
    "refresh-finding-counts": {"task": "cspm.drift.refresh_summaries", "schedule": 600.0,
                               "options": {"queue": "celery"}},
    "refresh-score-trend": {"task": "cspm.compliance.refresh_trend", "schedule": 600.0,
                            "options": {"queue": "celery"}},
}
CELERY_TASK_DEFAULT_QUEUE = "celery"

# Seconds a cloud API call may take before the collector gives up (SDK-level timeout).
CSPM_CLOUD_TIMEOUT = env.float("CSPM_CLOUD_TIMEOUT", default=30.0)

# The product's own AWS identity, which accounts' roles trust (the onboarding wizard puts it in the
# trust policy it shows), e.g. arn:aws:iam::123456789012:root or a role ARN.
CSPM_AWS_PRINCIPAL = env.str("CSPM_AWS_PRINCIPAL", default="")

# Modules imported at start-up that register more collectors (or replace a cloud's, to simulate it).
CSPM_COLLECTOR_MODULES = env.list("CSPM_COLLECTOR_MODULES", default=[])

# API requests per second to each account of a cloud (clouds meter per account, project or
# subscription), shared by every worker (a token bucket in Redis; in memory without Redis), with
# bursts of CSPM_RATE_BURST_SECONDS' worth. 0 turns a cloud's limit off. Defaults stay under the
# clouds' own read limits (ARM: 25/s per subscription). Format: "aws=100,gcp=50"; a cloud left
# out keeps its default.
CSPM_RATE_LIMITS = {"aws": 50.0, "gcp": 50.0, "azure": 25.0} | {
    provider.strip(): float(rate) for provider, _, rate in
    (item.partition("=") for item in env.list("CSPM_RATE_LIMITS", default=[]))}
CSPM_RATE_BURST_SECONDS = env.float("CSPM_RATE_BURST_SECONDS", default=2.0)
CSPM_REDIS_URL = env.str("CSPM_REDIS_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")

# How long a poll may hold its account before the scheduler treats its worker as dead and polls
# again (the watchdog). Longer than a poll can last: the task time limit plus a margin.
CSPM_POLL_CLAIM_SECONDS = env.int("CSPM_POLL_CLAIM_SECONDS", default=CELERY_TASK_TIME_LIMIT + 120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Outgoing mail (alerts). Unset host: messages go to the console, as the embedded default wants.
# An email channel may name its own SMTP server instead (manage.py channel add email --smtp-host).
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cspm@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

# Alerts: links in messages point at CSPM_BASE_URL; a send gives up after CSPM_ALERT_TIMEOUT
# seconds, and a notification after CSPM_ALERT_MAX_ATTEMPTS failed sends (1 min, 2, 4 ... 1 h apart).
CSPM_BASE_URL = env.str("CSPM_BASE_URL", default="http://localhost:8000")
CSPM_ALERT_TIMEOUT = env.float("CSPM_ALERT_TIMEOUT", default=10.0)
CSPM_ALERT_MAX_ATTEMPTS = env.int("CSPM_ALERT_MAX_ATTEMPTS", default=12)
