"""gunicorn settings shared by `make run`, the deployment guide, the tests and the benchmarks.

Threaded workers, so that open live-count streams (server-sent events) never starve the
scanners: each stream holds a thread, not a whole worker process.
"""

import gc
import os
import signal

bind = os.environ.get("EVENTDESK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EVENTDESK_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("EVENTDESK_THREADS", "24"))
# Long enough for a slow phone to finish a batch upload; streams send keep-alives well within it.
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("EVENTDESK_ACCESS_LOG") or None
forwarded_allow_ips = os.environ.get("EVENTDESK_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "wsgi:app"


def post_worker_init(worker):
    """End open live-count streams when the worker is told to stop, so it stops at once
    instead of waiting out `graceful_timeout` for streams that never finish.

    Then move everything the app loaded (modules, models, routes, catalogs: some 350,000
    objects) out of the garbage collector's sight. Otherwise each full collection walks them
    all while holding the interpreter lock, and every thread of the worker, every scanner
    waiting on it, stalls for about 100 ms; frozen, a full collection takes about 1 ms."""
    stop = worker.handle_exit

    def handle_exit(signum, frame):
        from eventdesk.dashboard.hub import close_all_streams

        close_all_streams()
        stop(signum, frame)

    signal.signal(signal.SIGTERM, handle_exit)
    gc.collect()
    gc.freeze()
