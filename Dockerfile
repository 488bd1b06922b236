# The application image: web (gunicorn), Celery worker and beat, and the migrate job all run it.
#   docker build -t cspm .        docker compose up -d   (see docker-compose.yml and .env.example)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CSPM_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=3

# A fixed, unprivileged uid: the code stays owned by root (read-only to the app); only var/ is writable.
RUN groupadd --system --gid 10001 cspm \
 && useradd --system --uid 10001 --gid cspm --home-dir /app --no-create-home --shell /usr/sbin/nologin cspm

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes. The demo image
# (build arg CSPM_DEMO=1, docker compose's `demo` profile) adds the simulators' (requirements-dev.txt).
ARG CSPM_DEMO=0
COPY requirements.txt requirements-dev.txt ./
RUN pip install -r requirements.txt \
 && if [ "$CSPM_DEMO" = "1" ]; then pip install -r requirements-dev.txt; fi

COPY . .

# Static files are collected at build time, as root, so the running app cannot alter them. No
# DATABASE_URL here: settings load in their embedded mode, which needs no secret and no server.
RUN python manage.py collectstatic --noinput \
 && mkdir -p /app/var /app/keys \
 && chown cspm:cspm /app/var /app/keys \
 && chmod 0750 /app/var \
 && chmod 0700 /app/keys

USER cspm

EXPOSE 8000

# Healthy while Django answers HTTP below 500. A 400 (a Host outside ALLOWED_HOSTS) still proves
# the server and the app are up; a refused connection or a 5xx does not.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import http.client, sys; c = http.client.HTTPConnection('127.0.0.1', 8000, timeout=4); c.request('GET', '/healthz'); sys.exit(c.getresponse().status >= 500)"]

# Workers: WEB_CONCURRENCY (gunicorn reads it). Heartbeat files on /dev/shm: an overlay filesystem
# can stall them long enough to get healthy workers killed.
CMD ["gunicorn", "cspm.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", "--error-logfile", "-", "--timeout", "60", "--graceful-timeout", "30"]
