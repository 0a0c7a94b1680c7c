"""Gunicorn settings for Fidelis: `gunicorn fidelis.wsgi -c python:fidelis.gunicorn`.

Each worker starts the PDF renderer (the chart engine, WeasyPrint's fonts, the report
templates) in the background as soon as it is up, so the first feedback report a user
downloads renders as fast as the rest instead of paying about a second of start-up.
"""

import os
import threading

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"


def post_worker_init(worker):
    def warm():
        try:
            # Imported here, in the worker, after gunicorn has loaded the application and
            # so set Django up: this settings module is also read by the master process,
            # before Django is configured, where importing the reports' models would fail.
            from fidelis.reviews.report import warm_up

            worker.log.info("PDF renderer ready in %.2f s", warm_up())
        except Exception:  # the worker serves pages whether or not this works
            worker.log.exception("PDF renderer warm-up failed")

    threading.Thread(target=warm, name="fidelis-pdf-warm-up", daemon=True).start()
