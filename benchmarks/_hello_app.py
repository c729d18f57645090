"""The hello-world that benchmarks/load.py compares pages with (`gunicorn _hello_app:app`)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}
