"""Where a page's time goes: the data of benchmarks/load.py (the demo, 1,000 products, 5,000
staff), the production config, each page requested through the Flask test client under
cProfile. Prints each page's in-process time per request and the functions that cost most.

    .venv/bin/python benchmarks/profile_pages.py                    # every page
    .venv/bin/python benchmarks/profile_pages.py --pages "My training" --requests 200 --top 40
    .venv/bin/python benchmarks/profile_pages.py --phases    # each part of a request, unprofiled

`--phases` times the parts of every request without the profiler's overhead (which inflates
small calls about 2.5 times): the whole WSGI call, the signed-in user's load, opening the
session, the before-request hooks (CSRF, rate limits, request guards), template rendering and
the response hooks; what is left is routing, the view's own work and teardown.
"""

import argparse
import collections
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from load import PASSWORD, USER_AGENT, app_env, reset_postgres, seed  # noqa: E402


def signed_in_client(app, email: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/sign-in", base_url="https://127.0.0.1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post(
        "/sign-in",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        base_url="https://127.0.0.1",
        headers={"Referer": "https://127.0.0.1/sign-in"},  # Flask-WTF checks it over https
    )
    assert response.status_code == 302, response.status_code
    return client


PHASES = {
    "load_user": "the signed-in user (one statement)",
    "open_session": "opening the session cookie",
    "preprocess_request": "before-request hooks",
    "_render": "rendering templates",
    "process_response": "response hooks",
}


def _time_phases(app) -> dict:  # type: ignore[no-untyped-def]
    """Wrap each part of a request in a timer; returns the running totals (seconds)."""
    import flask.templating

    from app.extensions import login_manager

    spent: dict[str, float] = collections.defaultdict(float)

    def timed(label: str, function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started

        return wrapper

    login_manager._user_callback = timed("load_user", login_manager._user_callback)
    flask.templating._render = timed("_render", flask.templating._render)
    app.preprocess_request = timed("preprocess_request", app.preprocess_request)
    app.process_response = timed("process_response", app.process_response)
    interface = app.session_interface
    interface.open_session = timed("open_session", interface.open_session)  # type: ignore[method-assign]
    app.wsgi_app = timed("wsgi", app.wsgi_app)  # type: ignore[method-assign]
    return spent


def _print_phases(page: dict, client, spent: dict, requests: int) -> None:
    spent.clear()
    for _ in range(requests):
        client.get(page["path"], base_url="https://127.0.0.1")
    per = {label: seconds / requests * 1000 for label, seconds in spent.items()}
    whole = per.pop("wsgi")
    parts = "; ".join(f"{PHASES[label]} {ms:.2f}" for label, ms in per.items())
    rest = whole - sum(per.values())
    print(f"{page['page']}: {whole:.2f} ms a request: {parts}; "
          f"the view's own work, routing and teardown {rest:.2f} ms")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", default=None)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="a pstats sort key, e.g. tottime")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--phases", action="store_true", help="time each part, no profiler")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/load.db"
        env = app_env(url, Path(folder))
        if url.startswith("postgresql"):
            reset_postgres(url)  # the database is emptied and seeded afresh, as load.py does
        pages = seed(env)
        os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
        from app import create_app

        app = create_app()
        spent = _time_phases(app) if args.phases else None
        clients = {}
        for page in pages:
            if args.pages and page["page"] not in args.pages:
                continue
            client = clients.get(page["user"]) or signed_in_client(app, page["user"])
            clients[page["user"]] = client
            for _ in range(5):  # warm
                response = client.get(page["path"], base_url="https://127.0.0.1")
                assert response.status_code == 200, (page, response.status_code)
            if spent is not None:
                _print_phases(page, client, spent, args.requests)
                continue
            plain = []
            for _ in range(args.requests):
                started = time.perf_counter()
                client.get(page["path"], base_url="https://127.0.0.1")
                plain.append(time.perf_counter() - started)
            timings = []
            profiler = cProfile.Profile()
            for _ in range(args.requests):
                started = time.perf_counter()
                profiler.enable()
                client.get(page["path"], base_url="https://127.0.0.1")
                profiler.disable()
                timings.append(time.perf_counter() - started)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(f"=== {page['page']} ({page['path']}): median "
                  f"{statistics.median(plain) * 1000:.2f} ms per request "
                  f"({statistics.median(timings) * 1000:.2f} ms profiled)")  # fmt: skip
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
