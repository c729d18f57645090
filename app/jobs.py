"""The background job queue (Huey): PDFs are rendered by a job worker process, never in a web
worker, and a page serves the cached file or says that it is being prepared.

- Storage: Huey's SQLite storage at `JOBS_SQLITE_PATH` (under the instance folder, no extra
  service) or, when `REDIS_URL` is set, Redis, so several hosts share one queue.
- The worker is `flask --app app jobs worker` (the Huey consumer in its own process); `make run`
  starts it beside the web server.
- `schedule_render(kind, object_id)` asks for a document's PDF; the views call it when a snapshot
  is created or changes (certificate issued, decision recorded, draft saved).
  `pdf_or_pending(kind, obj)` is what a PDF route returns: the cached file, or a page that
  refreshes until the file is there.
- A render job is keyed by (kind, object id) and works out the cache key when it runs, so a
  second job for the same document finds the file and does nothing, and a job queued before
  the last change renders the latest state. It carries the language of the request that asked
  (a document's words, and so its cache key, are in the reader's language); a render queued
  again after a worker died is in English.
- Huey takes a job off the queue before running it, so a worker killed mid-render would lose it.
  Each requested render therefore leaves a marker in the queue's key-value store until its file
  is written; a worker starting up (and every ten minutes, for other hosts' workers that died)
  queues the render again for every marker left behind. Running a render twice is harmless.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask import Flask, Response, current_app, has_app_context, render_template, request, url_for
from huey import Huey, RedisHuey, SqliteHuey, crontab

from app.downloads import pdf_download
from app.models import db
from app.pdf import DOCUMENT_KINDS, cached_pdf, describe, store_pdf
from app.util import i18n

log = logging.getLogger(__name__)

MARKER_PREFIX = "pdf-wanted:"  # + "<kind>:<object id>" -> when the render is due (a timestamp)
FAILED_PREFIX = "pdf-failed:"  # + "<cache key>" -> the error, until someone asks to try again
STALE_MARKER_SECONDS = 600  # a marker older than this is re-queued by the periodic sweep
REFRESH_SECONDS = 3  # how often the "being prepared" page checks again
SLOW_SECONDS = 120  # after this the page says the worker may not be running


@dataclass
class JobQueue:
    """One app's queue and its tasks (kept on `app.extensions["jobs"]`)."""

    huey: Huey
    render: Any  # the Huey task: render(kind, object_id, locale), render.schedule(...)


def init_jobs(app: Flask) -> None:
    app.extensions["jobs"] = job_queue(app, _storage_for(app))
    app.cli.add_command(jobs_cli)


def _storage_for(app: Flask) -> Huey:
    config = app.config
    # Immediate mode (tests) runs each job as it is queued, in memory: no storage is opened.
    settings = {"results": False, "immediate": bool(config["JOBS_IMMEDIATE"])}
    if config["REDIS_URL"]:
        return RedisHuey("privacy-toolkit", url=config["REDIS_URL"], **settings)
    path = Path(config["JOBS_SQLITE_PATH"] or Path(app.instance_path) / "jobs.db")
    if not settings["immediate"]:
        path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("privacy-toolkit", filename=str(path), **settings)


def job_queue(app: Flask, huey: Huey) -> JobQueue:
    """Register this app's tasks on `huey` (tests pass an in-memory one)."""

    @huey.task(name="render_document")
    def render(kind: str, object_id: int, locale: str = i18n.DEFAULT_LOCALE) -> None:
        _in_app(app, lambda: render_now(kind, object_id, locale))

    @huey.on_startup()
    def requeue_on_startup() -> None:
        _in_app(app, lambda: requeue_wanted(older_than=0))

    @huey.periodic_task(crontab(minute="*/10"))
    def requeue_stale() -> None:
        _in_app(app, lambda: requeue_wanted(older_than=STALE_MARKER_SECONDS))

    return JobQueue(huey, render)


def _in_app(app: Flask, work: Callable[[], object]) -> None:
    """Run `work` in an app context: the caller's (immediate mode, in tests) or a new one."""
    if has_app_context():
        work()
        return
    with app.app_context():  # its teardown removes the job's database session
        work()


def queue() -> JobQueue:
    return current_app.extensions["jobs"]


def _marker(kind: str, object_id: int) -> str:
    return f"{MARKER_PREFIX}{kind}:{object_id}"


# --- Asking for a render ------------------------------------------------------------------------


def schedule_render(kind: str, object_id: int, *, delay: int = 0) -> bool:
    """Ask the worker for this document's PDF; True if a job was queued (False: one already is).

    Call it after the commit that created or changed the document's data. `delay` (seconds)
    lets a run of draft saves end in one render of the last state; asking again without a delay
    while a delayed job waits queues one now (the later one then finds the file and stops)."""
    if kind not in DOCUMENT_KINDS:
        raise KeyError(f"unknown document kind {kind!r}")
    jobs = queue()
    marker = _marker(kind, object_id)
    due = time.time() + delay
    if not jobs.huey.put_if_empty(marker, due):
        already_due = jobs.huey.get(marker, peek=True)
        if delay or (already_due is not None and already_due <= due + 1):
            return False
        jobs.huey.put(marker, due)
    locale = i18n.current_locale()  # the document in the language of whoever asked for it
    if delay and not jobs.huey.immediate:
        jobs.render.schedule((kind, object_id, locale), delay=delay)
    else:
        jobs.render(kind, object_id, locale)
    return True


def prerender(kind: str, object_id: int, *, draft: bool = False) -> None:
    """Render this document ahead of need, if `PDF_PRERENDER` is on (off in most tests, to keep
    them fast). A draft waits `PDF_DRAFT_RENDER_DELAY` seconds for the next save."""
    config = current_app.config
    if config["PDF_PRERENDER"]:
        schedule_render(kind, object_id, delay=config["PDF_DRAFT_RENDER_DELAY"] if draft else 0)


def render_now(kind: str, object_id: int, locale: str = i18n.DEFAULT_LOCALE) -> None:
    """The job: render the document's current state, in `locale`, into the cache unless it is
    there already.

    The marker goes only after the file is written (a worker killed before that leaves it, so
    the job is queued again). If the document changed while it rendered, ask again."""
    with i18n.in_locale(locale):
        _render_now(kind, object_id)


def _render_now(kind: str, object_id: int) -> None:
    model = DOCUMENT_KINDS[kind].model
    obj = db.session.get(model, object_id)
    if obj is None:  # deleted since it was asked for
        queue().huey.delete(_marker(kind, object_id))
        return
    document = describe(kind, obj)
    if cached_pdf(document.cache_key) is None:
        log.info("Rendering %s %s", kind, object_id)
        try:
            pdf = document.render()
        except Exception as error:
            queue().huey.put(FAILED_PREFIX + document.cache_key, repr(error))
            queue().huey.delete(_marker(kind, object_id))
            raise
        store_pdf(document.cache_key, pdf)
        log.info("Rendered %s %s (%d bytes)", kind, object_id, len(pdf))
    queue().huey.delete(_marker(kind, object_id))
    db.session.expire_all()
    fresh = db.session.get(model, object_id)
    if fresh is not None and describe(kind, fresh).cache_key != document.cache_key:
        schedule_render(kind, object_id)


def wanted() -> dict[tuple[str, int], float]:
    """Every render asked for and not yet written: (kind, object id) -> when it is due."""
    storage = queue().huey.storage
    serializer = queue().huey.serializer
    found = {}
    for key, value in storage.result_items().items():
        key = key.decode() if isinstance(key, bytes) else key
        if key.startswith(MARKER_PREFIX):
            kind, object_id = key.removeprefix(MARKER_PREFIX).rsplit(":", 1)
            found[(kind, int(object_id))] = serializer.deserialize(value)
    return found


def requeue_wanted(older_than: float) -> int:
    """Queue again every render that was due more than `older_than` seconds ago and is neither
    queued nor scheduled: its job was lost with a worker that died."""
    jobs = queue()
    waiting = {tuple(task.args[:2]) for task in jobs.huey.pending() + jobs.huey.scheduled()}
    count = 0
    for (kind, object_id), due in wanted().items():
        lost = (kind, object_id) not in waiting and time.time() - due >= older_than
        if kind in DOCUMENT_KINDS and lost:
            jobs.render(kind, object_id)
            count += 1
    if count:
        log.info("Queued %d render(s) left over from before", count)
    return count


# --- What a PDF route returns -------------------------------------------------------------------


def pdf_or_pending(
    kind: str,
    obj: object,
    *,
    back: tuple[str, str] | None = None,
    on_download: Callable[[], None] | None = None,
) -> Response | tuple[str, int]:
    """The document's cached PDF as a download, or a page saying it is being prepared.

    The page refreshes itself (a meta refresh, so no JavaScript is needed) to this URL with
    `?waiting=1`; once the file is there that shows "ready" and starts the download, so the page
    on screen never goes on saying "being prepared" after the file arrived. `on_download` runs
    only when the file is sent (for example to audit the export); `back` is the (URL, text) of
    the page's back link."""
    document = describe(kind, obj)
    object_id = obj.id  # type: ignore[attr-defined]  # an assessment or a certificate: both have one
    failed_key = FAILED_PREFIX + document.cache_key
    if request.args.get("retry"):
        queue().huey.delete(failed_key)
    pdf = cached_pdf(document.cache_key)
    failure = None
    if pdf is None:
        failure = queue().huey.get(failed_key, peek=True)
        if failure is None:
            schedule_render(kind, object_id)
            pdf = cached_pdf(document.cache_key)  # immediate mode (tests) renders at once
    endpoint, view_args = request.endpoint or "", request.view_args or {}
    here = url_for(endpoint, **view_args)
    waiting = bool(request.args.get("waiting"))
    if pdf is not None and not waiting:
        if on_download is not None:
            on_download()
        return pdf_download(document.filename, pdf)
    due = wanted().get((kind, object_id)) if pdf is None else None
    return render_template(
        "jobs/pdf_pending.html",
        ready=pdf is not None,
        failed=failure is not None,
        slow=due is not None and time.time() - due > SLOW_SECONDS,
        filename=document.filename,
        download_url=here,
        waiting_url=url_for(endpoint, waiting=1, **view_args),
        retry_url=url_for(endpoint, waiting=1, retry=1, **view_args),
        refresh_seconds=REFRESH_SECONDS,
        back=back,
    ), (200 if pdf is not None else 202)


# --- The worker ---------------------------------------------------------------------------------


def configure_worker_logging() -> None:
    """The worker's own lines (a job rendered, a job failed) at INFO. WeasyPrint logs every
    layout step of every page at INFO, 30 lines for one report, which buried the sign-in
    details `make run` prints beside it; its warnings (a missing font, bad CSS) still show."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def run_worker(app: Flask, workers: int = 1) -> None:
    """Run the Huey consumer until SIGINT or SIGTERM (both let a running render finish)."""
    jobs: JobQueue = app.extensions["jobs"]
    if jobs.huey.immediate:
        raise click.UsageError("JOBS_IMMEDIATE is set: jobs run in the web process, no worker.")
    configure_worker_logging()
    consumer = jobs.huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=True,
        initial_delay=0.1,
        max_delay=2.0,
        graceful_signal="TERM",
        shutdown_timeout=60,
        check_worker_health=True,
    )
    consumer.run()


@click.group("jobs")
def jobs_cli() -> None:
    """The background job worker (PDF rendering)."""


@jobs_cli.command("worker")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Renders run at once in this process (default JOBS_WORKERS, 1).",
)
def worker_command(workers: int | None) -> None:
    """Run the job worker until stopped (Ctrl-C or SIGTERM let a running render finish)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app, not the proxy
    run_worker(app, workers or current_app.config["JOBS_WORKERS"])


@jobs_cli.command("status")
def status_command() -> None:
    """How many jobs are queued, scheduled and asked for."""
    jobs = queue()
    click.echo(
        f"queued: {jobs.huey.pending_count()}, scheduled: {jobs.huey.scheduled_count()}, "
        f"renders asked for and not yet written: {len(wanted())}"
    )


@jobs_cli.command("prerender")
def prerender_command() -> None:
    """Queue a render of every decided report and every certificate not in the PDF cache."""
    from app.models.procurement import Assessment
    from app.models.training import Certificate

    queued = 0
    for kind, model, condition in (
        ("report", Assessment, Assessment.snapshot_hash.is_not(None)),
        ("report-answers", Assessment, Assessment.snapshot_hash.is_not(None)),
        ("certificate", Certificate, Certificate.id.is_not(None)),
    ):
        for obj in db.session.execute(db.select(model).where(condition)).scalars():
            if cached_pdf(describe(kind, obj).cache_key) is None:
                queued += schedule_render(kind, obj.id)
    click.echo(f"Queued {queued} render(s).")
