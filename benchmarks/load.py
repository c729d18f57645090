"""Throughput of the app's main pages against a Flask hello-world under the same gunicorn config:
3 sync workers on 127.0.0.1, 20 concurrent connections, alternating runs of `--seconds` each
(hello-world, page, hello-world, page, ...), on SQLite and (with `--postgres` or
TEST_DATABASE_URL) PostgreSQL. Also the boot time and memory of a worker.

Bounded and loopback only: every run has a fixed duration, every URL is on 127.0.0.1, and the
servers it starts are stopped at the end. The load generator is `wrk` (Debian package `wrk`).
The machine may be shared: each run records the load average, and the table gives each page's
rate as a ratio to the hello-world runs beside it.

    .venv/bin/python benchmarks/load.py                      # print the figures
    .venv/bin/python benchmarks/load.py --record             # also update benchmarks/README.md
    .venv/bin/python benchmarks/load.py --pages "My training" --seconds 5
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _readme import record_section  # noqa: E402

SECTION = "## Page throughput"
HOST = "127.0.0.1"
WORKERS, CONNECTIONS = 3, 20
USER_AGENT = "privacy-toolkit-load-benchmark"
PRODUCTS, STAFF = 1_000, 5_000
TARGET_RATIO, TARGET_P95_MS = 0.15, 50  # issue 17: of hello-world's rate; at 20 connections
PASSWORD = "demo-school-privacy-2026"  # app/demo.py DEMO_PASSWORD
WRK_SCRIPT = HERE / "wrk_report.lua"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def app_env(database_url: str, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "REDIS_"))}
    return env | {
        "FLASK_CONFIG": "production",
        "SECRET_KEY": "load-benchmark-secret-key-not-for-production",
        "PUBLIC_BASE_URL": f"http://{HOST}",
        "DATABASE_URL": database_url,
        "JOBS_SQLITE_PATH": str(folder / "jobs.db"),
        "PDF_CACHE_DIR": str(folder / "pdf-cache"),
        "PDF_PRERENDER": "0",
        "PYTHONPATH": str(ROOT),
    }


# --- the data ------------------------------------------------------------------------------------


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def seed(env: dict) -> dict:
    """Migrate, add the demo, then the bulk: 1,000 products and 5,000 staff in the second demo
    school, a draft re-assessment and an open knowledge check in the first. Returns the URLs."""
    flask = [str(BIN / "flask"), "--app", "app"]
    env = env | {"FLASK_CONFIG": "development"}  # the demo refuses production, on purpose
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(flask + command, env=env, cwd=ROOT, check=True, capture_output=True)
    code = (HERE / "_load_seed.py").read_text()
    done = subprocess.run(
        [sys.executable, "-c", code, str(PRODUCTS), str(STAFF)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"seeding failed:\n{done.stderr[-3000:]}")
    output = done.stdout
    return json.loads(output.strip().splitlines()[-1])


# --- the servers ---------------------------------------------------------------------------------


def start_gunicorn(target: str, env: dict, preload: bool) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    command = [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--worker-class", "sync",
               "--bind", f"{HOST}:{port}", "--log-level", "warning"]  # fmt: skip
    if preload:
        command.append("--preload")
    started = time.perf_counter()
    server = subprocess.Popen(command + [target], env=env, cwd=ROOT, start_new_session=True)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/", timeout=2):  # noqa: S310 (loopback)
                break
        except OSError:
            time.sleep(0.05)
    else:
        server.kill()
        raise RuntimeError(f"{target} did not start")
    boot = time.perf_counter() - started
    _wait_for_workers(server.pid)
    return server, base, boot


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _wait_for_workers(pid: int) -> None:
    deadline = time.monotonic() + 30
    while len(_children(pid)) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.1)


def worker_memory(pid: int) -> dict:
    """Median RSS and PSS (MiB) of the server's workers (PSS shares preloaded pages out)."""
    rss, pss = [], []
    for child in _children(pid):
        status = Path(f"/proc/{child}/status").read_text()
        rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        rollup = Path(f"/proc/{child}/smaps_rollup").read_text()
        pss.append(int(re.search(r"Pss:\s+(\d+)", rollup).group(1)) / 1024)
    return {"rss": statistics.median(rss), "pss": statistics.median(pss)}


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def sign_in(base: str, email: str) -> str:
    """A real sign-in through the form; returns the session cookie's `name=value`."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/sign-in").read().decode()  # noqa: S310 (loopback)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    cookie = _session_cookie(opener, base)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    request = urllib.request.Request(  # noqa: S310 (loopback)
        base + "/sign-in",
        data=form.encode(),
        headers={"Cookie": cookie, "User-Agent": USER_AGENT},
    )
    no_redirect = urllib.request.build_opener(_NoRedirect)
    try:
        no_redirect.open(request)  # noqa: S310 (loopback)
        raise RuntimeError(f"sign-in as {email} did not redirect")
    except urllib.error.HTTPError as response:
        if response.code != 302:
            raise
        set_cookie = response.headers.get_all("Set-Cookie")
    return next(c.split(";")[0] for c in set_cookie if c.startswith("session="))


def _session_cookie(opener, base: str) -> str:
    # The production config marks cookies Secure, so the cookie jar will not send them over
    # http: carry the sign-in page's session (with its CSRF secret) by hand.
    for handler in opener.handlers:
        if isinstance(handler, urllib.request.HTTPCookieProcessor):
            for cookie in handler.cookiejar:
                if cookie.name == "session":
                    return f"session={cookie.value}"
    raise RuntimeError("no session cookie from the sign-in page")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ARG002
        return None


# --- the load ------------------------------------------------------------------------------------


def wrk(url: str, seconds: int, cookie: str | None) -> dict:
    assert urllib.parse.urlsplit(url).hostname == HOST, url  # loopback only
    command = ["wrk", "--threads", "2", "--connections", str(CONNECTIONS),
               "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(WRK_SCRIPT),
               "--header", f"User-Agent: {USER_AGENT}"]  # fmt: skip
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    load_before = os.getloadavg()[0]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    split = urllib.parse.urlsplit(url)
    drain(f"{split.scheme}://{split.netloc}")
    report = json.loads(output.strip().splitlines()[-1])
    if report["errors"] or report["non2xx"]:
        raise RuntimeError(f"{url}: {report['errors']} errors, {report['non2xx']} non-2xx")
    return {
        "rate": report["requests"] / (report["duration_us"] / 1e6),
        "p50": report["p50_us"] / 1000,
        "p95": report["p95_us"] / 1000,
        "load": (load_before + os.getloadavg()[0]) / 2,
    }


def drain(base: str, timeout: float = 120) -> None:
    """Wait until the workers have worked off what the last run left queued (gunicorn still
    answers requests whose client has gone), so one run's backlog never slows the next."""
    deadline, quick = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and quick < 3:
        started = time.perf_counter()
        with urllib.request.urlopen(base + "/health", timeout=timeout):  # noqa: S310 (loopback)
            pass
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0


def check_page(url: str, cookie: str) -> None:
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    no_redirect = urllib.request.build_opener(_NoRedirect)
    with no_redirect.open(request) as response:  # noqa: S310 (loopback)
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")


def measure_database(label: str, database_url: str, args) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        env = app_env(database_url, Path(folder))
        started = time.perf_counter()
        pages = seed(env)
        seeded = time.perf_counter() - started
        app, app_base, app_boot = start_gunicorn("app:create_app()", env, args.preload)
        hello, hello_base, hello_boot = start_gunicorn("_hello_app:app", env | {
            "PYTHONPATH": str(HERE)}, args.preload)  # fmt: skip
        try:
            cookies = {email: sign_in(app_base, email) for email in {p["user"] for p in pages}}
            results = []
            wanted = [p for p in pages if not args.pages or p["page"] in args.pages]
            for page in wanted:
                check_page(app_base + page["path"], cookies[page["user"]])
                wrk(app_base + page["path"], 2, cookies[page["user"]])  # warm up
            wrk(hello_base + "/", 2, None)
            for page in wanted:
                for _ in range(args.rounds):
                    before = wrk(hello_base + "/", args.seconds, None)
                    run = wrk(app_base + page["path"], args.seconds, cookies[page["user"]])
                    after = wrk(hello_base + "/", args.seconds, None)
                    hello_rate = (before["rate"] + after["rate"]) / 2
                    results.append(
                        {"page": page["page"], "hello": hello_rate,
                         "hello_p95": max(before["p95"], after["p95"]),
                         "ratio": run["rate"] / hello_rate} | run
                    )  # fmt: skip
                    print(f"{label:10} {page['page']:32} {run['rate']:7.0f} req/s "
                          f"p95 {run['p95']:6.1f} ms  hello {hello_rate:6.0f}  "
                          f"ratio {run['rate'] / hello_rate:.3f}  load {run['load']:.2f}",
                          flush=True)  # fmt: skip
            memory = {"app": worker_memory(app.pid), "hello": worker_memory(hello.pid)}
        finally:
            stop(app)
            stop(hello)
    return {"database": label, "seed_s": seeded, "results": results, "memory": memory,
            "boot": {"app": app_boot, "hello": hello_boot}}  # fmt: skip


def import_times(runs: int = 5) -> dict:
    """Seconds to import and build the app in a fresh process (what each worker pays without
    --preload), and what WeasyPrint would add."""
    env = app_env("sqlite://", Path(tempfile.gettempdir())) | {"FLASK_CONFIG": "development"}
    snippet = ("import sys, time, resource; t = time.perf_counter(); from app import create_app; "
               "create_app(); print(time.perf_counter() - t, "
               "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
               "'weasyprint' in sys.modules)")  # fmt: skip
    weasy = ("import time; t=time.perf_counter(); import weasyprint; "
             "from weasyprint.text.fonts import FontConfiguration; FontConfiguration(); "
             "print(time.perf_counter()-t)")  # fmt: skip
    boots, rss, loaded, extra = [], [], set(), []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", snippet], env=env, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
        boots.append(float(out[0]))
        rss.append(float(out[1]))
        loaded.add(out[2])
        out = subprocess.run([sys.executable, "-c", weasy], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
        extra.append(float(out))
    return {
        "boot": statistics.median(boots),
        "rss": statistics.median(rss),
        "weasyprint_loaded": loaded == {"True"},
        "weasyprint": statistics.median(extra),
    }


def section(figures: list[dict], startup: dict, args) -> str:
    machine = (f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}, "
               f"{os.cpu_count()} CPUs")  # fmt: skip
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    lines = [
        SECTION,
        "",
        f"`benchmarks/load.py`: gunicorn, {WORKERS} sync workers on 127.0.0.1, production config; "
        f"`wrk` with {CONNECTIONS} connections and 2 threads, {args.seconds} s per run; each page "
        "run sits between two runs of a Flask hello-world under the same gunicorn config, and "
        "its ratio is to the mean of those two. Data: the demo, plus 1,000 products (each with "
        "a decided assessment and its full snapshot) and 5,000 staff in the second school. The "
        "machine is shared with other work, so read the ratios; load is the 1-minute load "
        f"average during the run.{' Workers preloaded (`--preload`).' if args.preload else ''}",
        "",
        "| database | page | req/s | p50 | p95 | hello-world req/s | ratio | load | target met "
        f"(ratio {TARGET_RATIO} or more, p95 under {TARGET_P95_MS} ms) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for database in figures:
        for r in database["results"]:
            met = [
                "ratio " + ("yes" if r["ratio"] >= TARGET_RATIO else "no"),
                "p95 " + ("yes" if r["p95"] < TARGET_P95_MS else "no"),
            ]
            lines.append(
                f"| {database['database']} | {r['page']} | {r['rate']:,.0f} | {r['p50']:.1f} ms "
                f"| {r['p95']:.1f} ms | {r['hello']:,.0f} | {r['ratio']:.3f} | {r['load']:.2f} "
                f"| {', '.join(met)} |"
            )
    lines += [
        "",
        "Start-up and memory:",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| import and build the app in a fresh process, median of 5 | {startup['boot']:.2f} s |",
        f"| peak RSS of that process | {startup['rss']:.0f} MiB |",
        f"| WeasyPrint imported at start-up | {'yes' if startup['weasyprint_loaded'] else 'no'} "
        f"(it costs {startup['weasyprint']:.2f} s on its first import; only the job worker pays) |",
    ]
    for database in figures:
        memory, boot = database["memory"], database["boot"]
        lines += [
            f"| {database['database']}: gunicorn start to first response, app / hello-world | "
            f"{boot['app']:.2f} s / {boot['hello']:.2f} s |",
            f"| {database['database']}: RSS per worker after the runs, app / hello-world | "
            f"{memory['app']['rss']:.0f} / {memory['hello']['rss']:.0f} MiB "
            f"(PSS {memory['app']['pss']:.0f} / {memory['hello']['pss']:.0f} MiB) |",
        ]
    lines += ["", f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine}, "
              f"{wrk_version.stdout.split(' [')[0] or 'wrk'}.", ""]  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each page")
    parser.add_argument("--pages", nargs="*", help="only these pages (by name)")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument("--record", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (see system-packages.txt)")
        return 2
    figures = []
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            figures.append(measure_database("sqlite", f"sqlite:///{folder}/load.db", args))
    if args.postgres:
        reset_postgres(args.postgres)
        figures.append(measure_database("postgresql", args.postgres, args))
    text = section(figures, import_times(), args)
    print(text)
    if args.record:
        record_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
