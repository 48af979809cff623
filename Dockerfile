# Production-like image: gunicorn serves the app and whitenoise the hashed static files
# (built here, so every web container has the same manifest) behind the nginx proxy of
# docker-compose.yml; uploaded media live in the object store, not in the image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings.production

# postgresql-client: pg_dump and pg_restore for `manage.py backup` / `restore` (15, as the
# compose database).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install -c constraints.txt . \
 && DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 stadsmarkt \
 && mkdir -p /app/media && chown -R stadsmarkt /app/media
USER stadsmarkt
EXPOSE 8000
# Worker processes: WEB_CONCURRENCY (gunicorn's own variable), one per core; 4 threads each.
ENV WEB_CONCURRENCY=2
CMD ["gunicorn", "-c", "python:marketplace.observability.gunicorn_conf", \
     "marketplace.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--worker-class", "gthread", "--threads", "4"]
