"""Soak: gunicorn (production config, 3 workers) on PostgreSQL, 50 simulated staff for 3 minutes
mixing page views, lesson reads, knowledge-check submissions and assessment section saves
(six business managers write to ONE assessment, two of them in the same section), with one
worker killed by SIGKILL half-way. Afterwards every acknowledged write (a 302 after a POST) is
checked against the database, and failed sign-ins are checked to be counted across workers.

Loopback only and bounded: the server binds 127.0.0.1, every request goes there, and the run
stops at its deadline. The database is a scratch one whose tables are dropped and recreated.

    .venv/bin/python benchmarks/soak.py                    # 3 minutes, print the figures
    .venv/bin/python benchmarks/soak.py --duration 30      # a quick look
    .venv/bin/python benchmarks/soak.py --record           # also update benchmarks/README.md
"""

import argparse
import http.client
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _readme import record_section  # noqa: E402

SECTION = "## Soak"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/soak"
PASSWORD = "correct-battery-staple-horse-42"
CHECKLIST = "quick-edtech-check"
PROFILE = {"P01": ["pupils"], "P02": "yes", "P03": ["contact"]}
# Writers on the shared assessment: (section, question it owns). Two share "contract".
SHARED_WRITERS = [
    ("contract", "Q01"),
    ("contract", "Q02"),
    ("commercial-use", "Q05"),
    ("pupils", "Q09"),
    ("security", "Q13"),
    ("retention", "Q17"),
]
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
CHECKED = re.compile(r'name="answer-(Q\d+)" type="(?:radio|checkbox)" value="([^"]+)" checked')
# The last line of a traceback: "package.module.ExceptionName" or "...Name: message".
EXCEPTION_LINE = re.compile(r"^((?:[a-z_]\w*\.)+[A-Z]\w*)(?::|$)", re.MULTILINE)
QUIZ_INPUT = re.compile(r'name="(q-[^"]+)" type="(?:radio|checkbox)" value="([^"]+)"')


@dataclass
class Tally:
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    server_errors: list = field(default_factory=list)
    transport_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, status: int | None, seconds: float) -> None:
        with self.lock:
            if status is None:
                self.transport_errors += 1
                return
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 500:
                self.server_errors.append(label)


class Browser:
    """One person's browser: its own cookies (Secure ones too: this is plain http on
    loopback), a new connection per request as gunicorn's sync workers close them."""

    def __init__(self, port: int, tally: Tally) -> None:
        self.port, self.tally, self.cookies, self.token = port, tally, {}, ""

    def request(self, method: str, path: str, data: dict | list | None = None):
        body = urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            connection.close()
        except (OSError, http.client.HTTPException):
            self.tally.add(f"{method} {path}", None, time.perf_counter() - started)
            return None, "", ""
        self.tally.add(f"{method} {path}", response.status, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text, response.headers.get("Location", "")

    def sign_in(self, email: str, password: str = PASSWORD) -> int | None:
        _, page, _ = self.request("GET", "/sign-in")
        token = CSRF.search(page)
        if not token:
            return None
        status, _, _ = self.request(
            "POST", "/sign-in", {"email": email, "password": password, "csrf_token": token[1]}
        )
        _, account, _ = self.request("GET", "/account")
        found = CSRF.search(account)
        self.token = found[1] if found else ""
        return status


@dataclass
class Person:
    email: str
    kind: str  # "teacher" or "writer"
    section: str = ""
    question: str = ""
    acknowledged: list = field(default_factory=list)  # (what, detail) of every 302 after a POST
    unconfirmed: list = field(default_factory=list)  # writes whose answer never arrived


def seed(database_url: str, people: int) -> tuple[list[Person], int, dict]:
    from app import create_app
    from app.auth.session import hashing
    from app.models import Role, School, User, db
    from app.models.procurement import Vendor
    from app.services.procurement.assessments import start_assessment

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        school = School(name="Soak School")
        db.session.add(school)
        db.session.flush()
        password_hash = hashing().hash(PASSWORD)
        crowd: list[Person] = []
        for n in range(people):
            writer = n < len(SHARED_WRITERS)
            email = f"{'bm' if writer else 'teacher'}{n}@soak.example"
            user = User(
                school_id=school.id,
                email=email,
                display_name=f"Person {n}",
                password_hash=password_hash,
            )
            user.set_roles([Role.BUSINESS_MANAGER if writer else Role.TEACHER])
            db.session.add(user)
            person = Person(email, "writer" if writer else "teacher")
            if writer:
                person.section, person.question = SHARED_WRITERS[n]
            crowd.append(person)
        db.session.add(
            User(
                school_id=school.id,
                email="throttled@soak.example",
                display_name="Throttled",
                password_hash=password_hash,
            )
        )
        vendor = Vendor(school_id=school.id, name="Shared Ltd", product="Shared App")
        db.session.add(vendor)
        checklist = app.extensions["content"].checklists[CHECKLIST]
        assessment = start_assessment(
            db.session, vendor, checklist, user_id=None, user_name="Soak", now=_now()
        )
        assessment.profile, assessment.profile_done = PROFILE, True
        db.session.commit()
        modules = {
            m.id: [lesson.slug for lesson in m.lessons]
            for m in app.extensions["content"].modules.values()
        }
        assessment_id = assessment.id
        db.engine.dispose()
    return crowd, assessment_id, modules


def _now():
    from app.models.base import utcnow

    return utcnow()


def writer_loop(person: Person, browser: Browser, assessment_id: int, options: dict, deadline):
    path = f"/procurement/assessments/{assessment_id}/sections/{person.section}"
    cycle = options[person.question]
    turn = 0
    while time.monotonic() < deadline:
        status, page, _ = browser.request("GET", path)
        version = VERSION.search(page or "")
        if status != 200 or not version:
            time.sleep(0.2)
            continue
        answers = dict(CHECKED.findall(page))
        turn += 1
        mine = cycle[turn % len(cycle)]
        answers[person.question] = mine
        data = {"csrf_token": browser.token, "version": version[1]}
        data.update({f"answer-{qid}": value for qid, value in answers.items()})
        status, _, _ = browser.request("POST", path, data)
        if status == 302:
            person.acknowledged.append(("answer", mine))
            person.unconfirmed.clear()
        elif status is None:
            person.unconfirmed.append(mine)  # it may have been saved before the worker died
        browser.request("GET", "/procurement/")
        time.sleep(random.uniform(0.2, 0.8))


def teacher_loop(person: Person, browser: Browser, modules: dict, deadline, rng):
    while time.monotonic() < deadline:
        module_id = rng.choice(sorted(modules))
        roll = rng.random()
        if roll < 0.45:  # page views
            for path in ("/", "/training/", f"/training/modules/{module_id}", "/training/cpd"):
                browser.request("GET", path)
        elif roll < 0.85:  # read a lesson
            slug = rng.choice(modules[module_id])
            path = f"/training/modules/{module_id}/lessons/{slug}"
            browser.request("GET", path)
            status, _, _ = browser.request("POST", path, {"csrf_token": browser.token})
            if status == 302:
                person.acknowledged.append(("lesson", (module_id, slug)))
        else:  # take the knowledge check
            status, _, location = browser.request(
                "POST", f"/training/modules/{module_id}/check", {"csrf_token": browser.token}
            )
            if status != 302 or "/attempts/" not in location:
                continue
            path = urlsplit(location).path
            status, page, _ = browser.request("GET", path)
            chosen: dict = {}
            for name, value in QUIZ_INPUT.findall(page or ""):
                chosen.setdefault(name, value)
            data = [("csrf_token", browser.token), *chosen.items()]
            status, _, _ = browser.request("POST", path, data)
            if status == 302:
                person.acknowledged.append(("attempt", int(path.rstrip("/").split("/")[-1])))
        time.sleep(rng.uniform(0.1, 0.6))


def gunicorn_workers(master: int) -> list[int]:
    """The worker processes of the gunicorn master this script started."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return sorted(children)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start: see its output above")


def throttle_check(port: int, tally: Tally) -> tuple[list, int | None]:
    """Twelve wrong passwords for one account, each from a new browser (so gunicorn spreads
    them over its workers), then the right one: it must be refused too."""
    codes = []
    for _ in range(12):
        codes.append(Browser(port, tally).sign_in("throttled@soak.example", "wrong-password-x"))
    return codes, Browser(port, tally).sign_in("throttled@soak.example")


def verify(database_url: str, crowd: list[Person], assessment_id: int) -> tuple[int, list]:
    """(acknowledged writes checked, those the database does not show)."""
    from app import create_app
    from app.models import User, db
    from app.models.procurement import Answer
    from app.models.training import LessonProgress, QuizAttempt

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    checked, lost = 0, []
    with app.app_context():
        ids = dict(db.session.execute(db.select(User.email, User.id)).all())
        answers = {
            a.question_id: a.value
            for a in db.session.execute(
                db.select(Answer).where(Answer.assessment_id == assessment_id)
            ).scalars()
        }
        read = set(
            db.session.execute(
                db.select(
                    LessonProgress.user_id, LessonProgress.module_id, LessonProgress.lesson_slug
                )
            ).all()
        )
        attempts = {a.id: a for a in db.session.execute(db.select(QuizAttempt)).scalars()}
        for person in crowd:
            user_id = ids[person.email]
            for what, detail in person.acknowledged:
                checked += 1
                if what == "lesson" and (user_id, *detail) not in read:
                    lost.append((person.email, what, detail))
                if what == "attempt":
                    attempt = attempts.get(detail)
                    if attempt is None or attempt.user_id != user_id or not attempt.submitted_at:
                        lost.append((person.email, what, detail))
            last = [detail for what, detail in person.acknowledged if what == "answer"]
            if last and answers.get(person.question) not in [last[-1], *person.unconfirmed]:
                lost.append((person.email, person.question, last[-1], answers.get(person.question)))
        db.engine.dispose()
    return checked, lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SOAK_DATABASE_URL", DEFAULT_URL),
        help="a scratch PostgreSQL database on this machine (tables are dropped)",
    )
    parser.add_argument("--duration", type=float, default=180, help="seconds of load (180)")
    parser.add_argument("--users", type=int, default=50, help="simulated staff (50)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--no-kill", action="store_true", help="do not kill a worker")
    parser.add_argument("--record", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    host = urlsplit(args.database_url.replace("+psycopg", "")).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The soak only runs against a database on this machine (loopback).")
    _ensure_database(args.database_url)
    crowd, assessment_id, modules = seed(args.database_url, args.users)
    from app import create_app

    content = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://").extensions["content"]
    checklist = content.checklists[CHECKLIST]
    options = {
        q: [o.value for o in checklist.options_for(checklist.questions[q])]
        for _, q in SHARED_WRITERS
    }
    port = free_port()
    env = os.environ | {
        "FLASK_CONFIG": "production",
        "SECRET_KEY": "soak-only-secret-key-0123456789",
        "DATABASE_URL": args.database_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
    }
    env.pop("REDIS_URL", None)  # rate limits in the database: what a deployment without Redis has
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = Path(tempfile.gettempdir()) / f"soak-gunicorn-{port}.log"
    print(f"gunicorn on 127.0.0.1:{port}, its log in {log}", flush=True)
    server = subprocess.Popen(
        [
            str(gunicorn),
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    tally, killed = Tally(), None
    try:
        wait_until_up(port)
        browsers = [Browser(port, tally) for _ in crowd]
        for person, browser in zip(crowd, browsers, strict=True):
            browser.sign_in(person.email)
        started = time.monotonic()
        deadline = started + args.duration
        threads = []
        for n, (person, browser) in enumerate(zip(crowd, browsers, strict=True)):
            if person.kind == "writer":
                target, params = writer_loop, (assessment_id, options, deadline)
            else:
                target, params = teacher_loop, (modules, deadline, random.Random(n))
            thread = threading.Thread(target=target, args=(person, browser, *params), daemon=True)
            threads.append(thread)
            thread.start()
        if not args.no_kill:
            time.sleep(args.duration / 2)
            workers = gunicorn_workers(server.pid)
            if workers:
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=args.duration + 60)
        elapsed = time.monotonic() - started
        throttle_codes, throttled_right = throttle_check(port, tally)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    checked, lost = verify(args.database_url, crowd, assessment_id)
    return report(args, tally, elapsed, killed, checked, lost, throttle_codes, throttled_right, log)


def report(
    args, tally, elapsed, killed, checked, lost, throttle_codes, throttled_right, log=None
) -> int:
    requests = sum(tally.statuses.values()) + tally.transport_errors
    latencies = sorted(tally.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0
    server_errors = len(tally.server_errors)
    rows = [
        ("simulated staff / gunicorn workers", f"{args.users} / {args.workers}"),
        ("writers on one assessment (two in one section)", str(len(SHARED_WRITERS))),
        ("duration", f"{elapsed:.0f} s"),
        ("worker killed with SIGKILL half-way", f"pid {killed}" if killed else "none"),
        ("requests", f"{requests:,} ({requests / elapsed:.0f} per second)"),
        ("5xx responses", str(server_errors)),
        ("transport errors (connections cut by the kill)", str(tally.transport_errors)),
        ("latency p50 / p95", f"{statistics.median(latencies) * 1000:.0f} / {p95 * 1000:.0f} ms"),
        ("acknowledged writes checked", f"{checked:,}"),
        ("acknowledged writes missing from the database", str(len(lost))),
        ("wrong passwords before 429, across workers", str(throttle_codes.count(200))),
        ("right password after 12 wrong ones", str(throttled_right)),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    print(table)
    for item in lost[:20]:
        print("LOST", item)
    counts = Counter(re.sub(r"/\d+/", "/<id>/", label) for label in tally.server_errors)
    by_request = "".join(f"- {n} × `{label}`\n" for label, n in sorted(counts.items()))
    print(by_request, end="")
    notes = f"\n5xx responses by request:\n\n{by_request}" if by_request else ""
    if by_request and log is not None:
        raised = sorted(set(EXCEPTION_LINE.findall(log.read_text(errors="replace"))))
        notes += f"\nExceptions in the server log: {', '.join(f'`{e}`' for e in raised)}.\n"
        print("exceptions in the server log:", ", ".join(raised))
    if args.record:
        record_section(
            SECTION,
            f"{SECTION}\n\n`benchmarks/soak.py`: gunicorn with the production config and "
            f"{args.workers} workers on PostgreSQL (rate limits counted in the database, no "
            f"Redis), {args.users} simulated staff mixing page views, lesson reads, knowledge "
            "checks and section saves; six business managers save one assessment at once (two "
            "of them the same section, each owning one question); one worker is killed with "
            "SIGKILL half-way. Every acknowledged write (a redirect after a POST) is then looked "
            "up in the database; a save whose connection the kill cut counts as acknowledged only "
            "if the database shows it. Then twelve wrong passwords for one account, spread over "
            "the workers, and the right one.\n\n| figure | value |\n| --- | --- |\n"
            f"{table}\n{notes}\nMeasured {date.today():%Y-%m-%d} on {platform.machine()}, "
            f"{platform.system()}, Python {platform.python_version()}, {os.cpu_count()} CPUs.\n",
        )
    ok = not server_errors and not lost and throttled_right == 429
    return 0 if ok else 1


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url.replace("postgresql+psycopg", "postgresql"))
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())
