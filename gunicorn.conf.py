"""gunicorn settings for production: `gunicorn orchestrator_web.wsgi` reads this file."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A launch waits for the orchestrator (ORCHESTRATOR_TIMEOUT, 30 s by default).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))
graceful_timeout = 30
accesslog = "-"
# The access log records paths, never query strings that might carry filters with values.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
# Peers whose forwarded headers (X-Forwarded-Proto ...) gunicorn believes: comma-separated
# addresses or networks of the proxy in front. Unset or empty trusts nobody (gunicorn reads an
# empty string as an empty list); gunicorn's own default would trust any local process.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
