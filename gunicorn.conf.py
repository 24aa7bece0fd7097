"""gunicorn settings for production: gunicorn -c gunicorn.conf.py wsgi:app

Run behind a reverse proxy that terminates HTTPS. The application redacts secret links
(password and calendar-feed tokens) from the access log it shares with gunicorn.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 30
accesslog = "-"
# %(U)s is the path without its query string; secrets in paths are redacted by tas.logs.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
