import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.checks import log_start_up_warnings  # noqa: E402  (needs the apps loaded above)

log_start_up_warnings()

# The garbage collector, tuned for a web worker. A full API page builds some 20,000 containers that reference
# counting frees when the response is sent; under the default thresholds (700, 10, 10) collections ran in the
# middle of pages, promoted the page's objects and set off full collections that walked the whole application,
# about a quarter of a full sync's time. Objects loaded by now live as long as the process: `freeze` leaves them
# out of every collection, and a young generation of 50,000 lets a page come and go without one.
gc.freeze()
gc.set_threshold(50_000, 20, 10)
