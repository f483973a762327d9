"""gunicorn's settings from the environment: `gunicorn -c python:copil.gunicorn_conf copil.wsgi` (what
`copil serve --production` runs). COPIL_BIND, COPIL_WEB_WORKERS, COPIL_WEB_THREADS, COPIL_WEB_TIMEOUT;
COPIL_TRUSTED_PROXIES are the addresses whose X-Forwarded-* headers gunicorn believes too."""

import multiprocessing
import os

bind = os.environ.get("COPIL_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("COPIL_WEB_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("COPIL_WEB_THREADS", "1"))
timeout = int(os.environ.get("COPIL_WEB_TIMEOUT", "120"))  # a PDF bilan of a large plan takes seconds, not minutes
graceful_timeout = 30
forwarded_allow_ips = os.environ.get("COPIL_TRUSTED_PROXIES") or "127.0.0.1,::1"
accesslog = None  # copil.requests logs one line per request, with its id, user id and duration
errorlog = "-"
loglevel = os.environ.get("COPIL_LOG_LEVEL", "info").lower()
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
