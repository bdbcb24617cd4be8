"""gunicorn's settings in production: `gunicorn -c python:doorstroom.gunicorn doorstroom.wsgi`.

Each can be changed through the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...).

Threaded workers (`gthread`): the worker's main thread keeps reporting to gunicorn's arbiter
while a request runs in another thread, so a long download (the full trajectories CSV streams
for several seconds at a million rows) is never killed by the worker time-out. A `sync` worker
reports only between requests: any request longer than `timeout` is cut off mid-stream. The
time-out still catches a worker that hangs as a whole.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# The proxy in front buffers slow clients and opens a connection per request. Keep-alive is off:
# with it on, a threaded worker answered half as many requests per second (benchmarks/run.py).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = "-"
