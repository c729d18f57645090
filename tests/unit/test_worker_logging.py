"""The job worker's log: its own lines at INFO, WeasyPrint's per-page layout steps kept out
(30 lines a report buried the sign-in details `make run` prints), WeasyPrint's warnings kept."""

import logging

from app.jobs import configure_worker_logging


def test_weasyprint_layout_steps_are_not_logged_but_its_warnings_and_the_workers_lines_are(
    monkeypatch,
):
    root, progress = logging.getLogger(), logging.getLogger("weasyprint.progress")
    # The logging a new worker process starts with: no handlers, no levels set. (Here, not in a
    # fixture: pytest adds its capturing handler to the root for each phase of a test.)
    monkeypatch.setattr(root, "handlers", [])
    saved = root.level, progress.level
    progress.setLevel(logging.NOTSET)
    try:
        configure_worker_logging()
        assert not progress.isEnabledFor(logging.INFO)
        assert progress.isEnabledFor(logging.WARNING)
        assert logging.getLogger("app.jobs").isEnabledFor(logging.INFO)
    finally:
        for handler in root.handlers:
            handler.close()
        root.setLevel(saved[0])
        progress.setLevel(saved[1])
