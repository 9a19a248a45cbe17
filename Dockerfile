# The Dostlik app server image: gunicorn serving config.wsgi with whitenoise's static files.
# PostgreSQL and Redis run beside it (compose.yaml). Configuration comes from the environment.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GUNICORN_BIND=0.0.0.0:8000 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

WORKDIR /app
COPY . .

# Editable install: settings find templates, static files and translations next to config/.
# Translations and hashed static files are built once here, not at every start.
RUN pip install -e . \
    && DEBUG=1 python manage.py compile_translations \
    && DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --no-create-home --shell /usr/sbin/nologin dostlik \
    && mkdir -p /data/media && chown dostlik:dostlik /data/media

USER dostlik
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
