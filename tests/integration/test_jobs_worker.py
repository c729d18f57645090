"""The background renderer with a real worker process: a decision queues one render; a worker
killed with SIGKILL in the middle of it leaves the job, which completes when a worker starts
again (`flask jobs worker`, as in production); the cached PDF is then the same bytes on every
request.

The web side is the test client with the queue on a SQLite file, as in the embedded default;
the workers are separate processes reading the same database, queue file and PDF cache.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey import SqliteHuey

from app import jobs
from tests.integration.test_pdf_jobs import _answer_all, _decide, _start

ROOT = Path(__file__).resolve().parents[2]
SLOW_WORKER = Path(__file__).with_name("slow_render_worker.py")


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def worker_env(app, tmp_path, monkeypatch):
    """The queue on a SQLite file shared with worker processes, and their environment."""
    queue_file = tmp_path / "jobs.db"
    cache = tmp_path / "pdf-cache"
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", cache)
    monkeypatch.setitem(app.config, "PDF_PRERENDER", True)
    monkeypatch.setitem(
        app.extensions, "jobs", jobs.job_queue(app, SqliteHuey("privacy-toolkit",
                                                                filename=str(queue_file),
                                                                results=False))
    )  # fmt: skip
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.pop("REDIS_URL", None)
    env |= {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "JOBS_SQLITE_PATH": str(queue_file),
        "PDF_CACHE_DIR": str(cache),
        "PUBLIC_BASE_URL": app.config["PUBLIC_BASE_URL"],
        "RENDER_STARTED": str(tmp_path / "render-started"),
        "PYTHONUNBUFFERED": "1",
    }
    return env, cache, tmp_path


def _queued_renders(huey) -> int:
    """Render jobs waiting in the queue (not the periodic sweep, queued on the tenth minutes)."""
    return sum(1 for task in huey.pending() if task.args)


def _start_worker(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


def test_a_render_killed_mid_way_completes_when_a_worker_starts_again(
    world, signed_in, csrf, worker_env, app, monkeypatch
):
    env, cache, folder = worker_env
    client = signed_in(world.user("A", "dpo"))
    token = csrf(client, "/procurement/vendors/new")
    monkeypatch.setitem(app.config, "PDF_PRERENDER", False)  # drafts are not what is counted
    _, assessment_id = _start(client, token)
    _answer_all(client, token, assessment_id)
    monkeypatch.setitem(app.config, "PDF_PRERENDER", True)
    _decide(client, token, assessment_id)
    huey = jobs.queue().huey
    assert _queued_renders(huey) == 2  # the decision queued the report's and the answers' renders
    url = f"/procurement/assessments/{assessment_id}/report.pdf"
    assert client.get(url).status_code == 202  # not rendered yet: "being prepared"
    assert _queued_renders(huey) == 2  # asking for it did not queue another one

    started = Path(env["RENDER_STARTED"])
    worker = _start_worker([sys.executable, str(SLOW_WORKER)], env, folder / "slow.log")
    try:
        _wait_for(started.exists, 90, "the first worker to start rendering")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert not list(cache.glob("*.pdf"))  # killed mid-render: nothing written
    assert _queued_renders(huey) == 1  # Huey had taken the report's job off the queue...
    wanted = {("report", assessment_id), ("report-answers", assessment_id)}
    assert jobs.wanted().keys() == wanted  # ...but its marker stayed

    flask = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"]
    log = folder / "worker.log"
    worker = _start_worker(flask, env, log)
    try:
        _wait_for(lambda: client.get(f"{url}?waiting=1").status_code == 200, 120, "the PDF")
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code == 200
        assert first.data.startswith(b"%PDF") and first.data == second.data
        _wait_for(lambda: jobs.wanted() == {}, 120, "the answers appendix")
        assert sorted(path.read_bytes() for path in cache.glob("*.pdf")) == sorted(
            [first.data, client.get(url.replace("report.pdf", "answers.pdf")).data]
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    output = log.read_text()
    assert output.count(f"Rendering report {assessment_id}") == 1, output
    assert "Queued 1 render(s) left over from before" in output, output
