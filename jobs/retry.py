"""What counts as a transient error worth retrying with backoff."""

import smtplib
import socket

from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,  # database restarting, lock timeout, serialization failure
    InterfaceError,  # connection dropped
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    socket.timeout,
    ConnectionError,
)

# Shared by every task: late acknowledgement (a task whose worker dies is redelivered, so
# every task is idempotent) and exponential backoff on transient errors.
TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}
