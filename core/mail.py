"""Mail leaves through the task queue, never from the request that caused it.

A service queues a message as a task (django.tasks) when its transaction commits. In production
the queue is a table of the database (django-tasks-db, ``TASKS`` in ``config.settings``), worked
by ``manage.py db_worker``: no request waits on the mail server, and a queued message outlives a
restart. A message the mail server refuses or cannot take is queued again (``queued_again``)
after each of ``RETRY_DELAYS``; after the last, the task fails, and the admin's list of task
results shows it, with its traceback and the action "Queue again".

Each attempt is one task, which one worker takes under a row lock, so an attempt is made once,
and again only after it failed. A queue that runs tasks at once (``ImmediateBackend``: the
tests) cannot wait: there a failure is not retried.
"""

import datetime
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import Task, task
from django.utils import timezone

from core.validators import single_line

logger = logging.getLogger(__name__)

RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
)


def queued_again(task: Task, *, attempt: int, **kwargs) -> bool:
    """Queue ``task`` with ``kwargs`` as attempt ``attempt + 1``, after the delay that follows
    attempt ``attempt``; False if it may not be: the attempts are spent, or the queue cannot
    wait."""
    if attempt > len(RETRY_DELAYS) or not task.get_backend().supports_defer:
        return False
    later = task.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1])
    later.enqueue(attempt=attempt + 1, **kwargs)
    return True


@task
def send_one_mail(*, subject: str, body: str, recipient: str, attempt: int = 1) -> int:
    """Send one message to one address, queued again while the mail server fails (a refusal
    or no answer; smtplib's errors are OSErrors) and attempts are left."""
    try:
        return send_mail(single_line(subject), body, None, [recipient])
    except OSError:
        if queued_again(
            send_one_mail, attempt=attempt, subject=subject, body=body, recipient=recipient
        ):
            logger.warning(
                "Could not send the mail %r (attempt %d); it is queued again", subject, attempt
            )
            return 0
        logger.exception("Could not send the mail %r", subject)
        raise


def queue_one_mail(*, subject: str, body: str, recipient: str) -> None:
    """Queue ``send_one_mail`` once the current transaction commits: a rolled-back change
    sends nothing."""

    def queue() -> None:
        try:
            send_one_mail.enqueue(subject=subject, body=body, recipient=recipient)
        except Exception:
            logger.exception("Could not queue the mail %r", subject)

    transaction.on_commit(queue)
