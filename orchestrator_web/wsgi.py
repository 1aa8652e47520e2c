"""WSGI entry point: `gunicorn orchestrator_web.wsgi` (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestrator_web.settings")

application = get_wsgi_application()
