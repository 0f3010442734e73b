import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.checks import log_start_up_warnings  # noqa: E402  (needs the apps loaded above)

log_start_up_warnings()
