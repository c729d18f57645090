"""Where a page's time goes: the data of benchmarks/load.py (the demo, 1,000 products, 5,000
staff), the production config, each page requested through the Flask test client under
cProfile. Prints each page's in-process time per request and the functions that cost most.

    .venv/bin/python benchmarks/profile_pages.py                    # every page
    .venv/bin/python benchmarks/profile_pages.py --pages "My training" --requests 200 --top 40
"""

import argparse
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

from load import PASSWORD, USER_AGENT, app_env, seed  # noqa: E402


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", default=None)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="a pstats sort key, e.g. tottime")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/load.db"
        env = app_env(url, Path(folder))
        pages = seed(env)
        os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
        from app import create_app

        app = create_app()
        clients = {}
        for page in pages:
            if args.pages and page["page"] not in args.pages:
                continue
            client = clients.get(page["user"]) or signed_in_client(app, page["user"])
            clients[page["user"]] = client
            for _ in range(5):  # warm
                response = client.get(page["path"], base_url="https://127.0.0.1")
                assert response.status_code == 200, (page, response.status_code)
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
