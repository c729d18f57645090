"""Reminder emails through a real SMTP server on loopback (aiosmtpd): every email carries its
link from PUBLIC_BASE_URL, and a server that fails part-way through a run costs only the
messages it refused, which the next run sends; nobody gets the same reminder twice."""

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from tests.factories import NOW, assign, bulk_staff, set_clock


class Inbox:
    """An SMTP handler that keeps what it accepts and can refuse after a number of messages."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.refuse_after: int | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
            return "421 Service not available, closing transmission channel"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message.get_content()))
        return "250 OK"


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port (aiosmtpd's own check needs a real one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://privacy.trust.example")
    yield inbox
    controller.stop()


def test_training_reminders_link_to_my_training(world, runner, monkeypatch, smtp):
    set_clock(monkeypatch, NOW)
    assign(world.school_a, due=NOW.date() + timedelta(days=30), role="teacher")
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    [(recipients, message)] = smtp.messages
    assert recipients == [world.user("A", "teacher").email]
    assert "https://privacy.trust.example/training/" in message


def test_a_server_failing_mid_run_loses_nothing_and_sends_nothing_twice(
    world, runner, monkeypatch, smtp
):
    set_clock(monkeypatch, NOW)
    bulk_staff(world.school_a, 4)
    assign(world.school_a, due=NOW.date() + timedelta(days=30), role="teacher")
    smtp.refuse_after = 2
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 1
    assert "could not email" in first.output and "next run tries them again" in first.output
    assert len(smtp.messages) == 2
    smtp.refuse_after = None
    second = runner.invoke(args=["reminders", "send"])
    assert second.exit_code == 0, second.output
    recipients = [r for rs, _ in smtp.messages for r in rs]
    assert len(recipients) == 5 and len(set(recipients)) == 5  # 4 bulk staff + the teacher
    assert runner.invoke(args=["reminders", "send"]).output.startswith("0 reminder")
