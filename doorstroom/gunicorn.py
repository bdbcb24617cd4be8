"""gunicorn's settings in production: `gunicorn -c python:doorstroom.gunicorn doorstroom.wsgi`.

Each can be changed through the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...).

Threaded workers (`gthread`): the worker's main thread keeps reporting to gunicorn's arbiter
while a request runs in another thread, so a long download (the full trajectories CSV streams
for several seconds at a million rows) is never killed by the worker time-out. A `sync` worker
reports only between requests: any request longer than `timeout` is cut off mid-stream. The
time-out still catches a worker that hangs as a whole.
"""

import environ

env = environ.Env()

bind = env.str("GUNICORN_BIND", default="127.0.0.1:8000")
workers = env.int("GUNICORN_WORKERS", default=2)
worker_class = env.str("GUNICORN_WORKER_CLASS", default="gthread")
threads = env.int("GUNICORN_THREADS", default=1)
timeout = env.int("GUNICORN_TIMEOUT", default=30)
# The proxy in front buffers slow clients and opens a connection per request. Keep-alive is off:
# with it on, a threaded worker answered half as many requests per second (benchmarks/run.py).
keepalive = env.int("GUNICORN_KEEPALIVE", default=0)
loglevel = env.str("GUNICORN_LOG_LEVEL", default="info")
accesslog = "-"
