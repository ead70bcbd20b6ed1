"""gunicorn's settings for rentbook (docs/deployment.md): `gunicorn -c deploy/gunicorn.conf.py`.

Each can be set in the environment: RENTBOOK_BIND, RENTBOOK_WORKERS, RENTBOOK_TIMEOUT.
"""

import os

wsgi_app = "rentbook.wsgi:application"
bind = os.environ.get("RENTBOOK_BIND", "127.0.0.1:8000")
# Two processes a core, threads for the waits on the database.
workers = int(os.environ.get("RENTBOOK_WORKERS", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("RENTBOOK_THREADS", "4"))
worker_class = "gthread"
# A page answers in well under a second; a long export is a background task.
timeout = int(os.environ.get("RENTBOOK_TIMEOUT", "60"))
graceful_timeout = 30
# Each worker is replaced after this many requests, so memory cannot creep.
max_requests = 2000
max_requests_jitter = 200
# The access log has no query strings (they can hold a tenant's name); errors go to stderr.
accesslog = "-"
# JSON lines like rentbook's own logs (rentbook/logs.py): the path without its query string (a
# search for a tenant's name travels in one) and no client address, user agent or referrer.
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "method": "%(m)s", "path": "%(U)s",'
    ' "status": %(s)s, "bytes": "%(b)s", "ms": %(M)s}'
)
errorlog = "-"
forwarded_allow_ips = os.environ.get("RENTBOOK_FORWARDED_ALLOW_IPS", "127.0.0.1")
