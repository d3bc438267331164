"""gunicorn settings shared by `make run`, the deployment guide, the tests and the benchmarks.

Threaded workers, so that open live-count streams (server-sent events) never starve the
scanners: each stream holds a thread, not a whole worker process.
"""

import os

bind = os.environ.get("EVENTDESK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EVENTDESK_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("EVENTDESK_THREADS", "8"))
# Long enough for a slow phone to finish a batch upload; streams send keep-alives well within it.
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("EVENTDESK_ACCESS_LOG") or None
forwarded_allow_ips = os.environ.get("EVENTDESK_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "wsgi:app"
