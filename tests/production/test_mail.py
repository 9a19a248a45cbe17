"""Mail leaves through the database's task queue (core/mail.py): with the mail server down, a
message is not lost and nobody waits on it; once the server is back it is delivered, once.

The test runs a mail server of its own (the few SMTP commands Django's backend sends), not
listening at first, the queue of production (django-tasks-db) and its worker
(``db_worker --batch``, which works the queue and exits)."""

import io
import socketserver
import threading

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from programmes.notifications import queue_mail
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    joint_programme,
)
from tests.production.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


class MailServer(socketserver.ThreadingTCPServer):
    """Takes every message it is sent and keeps its recipients (``received``)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, *, hung: bool = False):
        self.received: list[list[str]] = []
        self.connections = 0
        self.hung = hung  # accepts and never answers, as a mail server that trickles
        super().__init__(("127.0.0.1", port), SMTPSession, bind_and_activate=False)

    def start(self) -> None:
        self.server_bind()
        self.server_activate()
        threading.Thread(target=self.serve_forever, daemon=True).start()


class SMTPSession(socketserver.StreamRequestHandler):
    def handle(self):
        self.server.connections += 1
        if self.server.hung:
            self.rfile.read()  # until the client gives up
            return
        recipients = []
        self.wfile.write(b"220 test ESMTP\r\n")
        for line in self.rfile:
            command = line.decode().strip()
            verb = command.split(" ")[0].upper()
            if verb == "RCPT":
                recipients.append(command.split("<", 1)[1].rstrip(">"))
            if verb == "DATA":
                self.wfile.write(b"354 go on\r\n")
                for body in self.rfile:
                    if body == b".\r\n":
                        break
                self.server.received.append(sorted(recipients))
                recipients = []
            if verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            if verb == "EHLO":
                self.wfile.write(b"250 test\r\n")
            elif verb != "DATA":
                self.wfile.write(b"250 OK\r\n")
            else:
                self.wfile.write(b"250 queued\r\n")


def queue_and_mailer(settings, port: int) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }


@pytest.fixture
def mail_server(settings):
    """A mail server on a port of its own, not listening yet, and the queue of production."""
    port = free_port()
    queue_and_mailer(settings, port)
    server = MailServer(port)
    yield server
    server.shutdown()
    server.server_close()


def work_the_queue() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


def queued() -> list[tuple[str, int]]:
    return [
        (result.status, result.args_kwargs["kwargs"].get("attempt", 1))
        for result in DBTaskResult.objects.order_by("enqueued_at")
    ]


def test_a_message_the_server_could_not_take_is_delivered_once_it_is_back(mail_server):
    queue_mail(subject="Dostlik: a test", body="Salom.", recipients={"uz@example.org"})
    waiting = queued()
    work_the_queue()  # the server is down: the first attempt fails, a second is queued
    after_failure = queued()
    mail_server.start()
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    work_the_queue()
    work_the_queue()  # nothing left: nothing sent again

    # Queued, not sent, while the change that caused it was saved: nobody waited on the server.
    assert waiting == [(TaskResultStatus.READY, 1)]
    assert after_failure == [(TaskResultStatus.SUCCESSFUL, 1), (TaskResultStatus.READY, 2)]
    assert queued() == [(TaskResultStatus.SUCCESSFUL, 1), (TaskResultStatus.SUCCESSFUL, 2)]
    assert mail_server.received == [["uz@example.org"]]


def test_a_request_that_mails_does_not_wait_on_a_hung_mail_server(settings, client):
    """Submitting a programme tells both countries' national coordinators: the request queues
    the message and answers; the mail server, which would hold it, is not even asked."""
    port = free_port()
    queue_and_mailer(settings, port)
    hung = MailServer(port, hung=True)
    hung.start()
    uwed = InstitutionFactory(country=CountryFactory(code="UZ"))
    kaznu = InstitutionFactory(country=CountryFactory(code="KZ"))
    for country in (uwed.country, kaznu.country):
        NationalCoordinatorFactory(country=country)
    draft = joint_programme(uz=uwed, kz=kaznu)
    client.force_login(MembershipFactory(institution=uwed).user)

    try:
        response = client.post(reverse("programmes:submit", args=[draft.pk]))
    finally:
        hung.shutdown()
        hung.server_close()

    assert (response.status_code, hung.connections, queued()) == (
        302,
        0,
        [(TaskResultStatus.READY, 1)],
    )
