"""Database leases: a flow runs on one process at a time, on any number of machines.

A lease (row with an expiry) rather than a session-level database lock, because
it works the same on SQLite and PostgreSQL. While the holder lives, a heartbeat
thread renews the lease every ``HEARTBEAT``; a holder that dies (kill -9, power
loss) is known at once on its own host (its pid is gone) and everywhere once its
lease lapses. The next run takes the lease over and marks the dead holder's run
"interrupted".
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from khaos_sync.sync.core.models import FlowLock, SyncRun

log = logging.getLogger(__name__)

HEARTBEAT = timedelta(seconds=20)
# A lease lapses after this long without a heartbeat (several missed beats).
LEASE = timedelta(minutes=2)


class FlowBusy(RuntimeError):
    """Another live process holds the flow's lease."""


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_dead(holder: str) -> bool:
    """True when ``holder`` ran on this host and its process is gone."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine: its lease lapsing tells
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by another user
    return False


def try_acquire(name: str, ttl: timedelta, holder: str) -> bool:
    now = timezone.now()
    lock = FlowLock.objects.filter(name=name).first()
    if lock is None:
        try:
            with transaction.atomic():
                FlowLock.objects.create(name=name, holder=holder, expires_at=now + ttl)
        except IntegrityError:
            return False
        return True
    if lock.holder == holder:
        return renew(name, holder, ttl)
    if lock.expires_at >= now and not (lock.holder and holder_is_dead(lock.holder)):
        return False
    # Free, lapsed or dead: take it, unless someone else was quicker.
    taken = FlowLock.objects.filter(
        name=name, holder=lock.holder, expires_at=lock.expires_at
    ).update(holder=holder, expires_at=now + ttl)
    if taken and lock.holder:
        interrupt_runs(name, lock.holder)
    return bool(taken)


def interrupt_runs(flow: str, dead_holder: str) -> int:
    """Close the runs a dead holder left "running"."""
    closed = SyncRun.objects.filter(
        flow=flow, outcome=SyncRun.Outcome.RUNNING, holder=dead_holder
    ).update(
        outcome=SyncRun.Outcome.INTERRUPTED,
        finished_at=timezone.now(),
        error=f"interrupted: process {dead_holder} stopped before the run finished",
    )
    if closed:
        log.warning("dead run taken over", extra={"flow": flow, "holder": dead_holder})
    return closed


def busy_message(name: str) -> str:
    lock = FlowLock.objects.filter(name=name).first()
    holder = lock.holder if lock else "another process"
    return f"{name} is already running ({holder}); try again when it has finished"


def release(name: str, holder: str) -> None:
    FlowLock.objects.filter(name=name, holder=holder).update(
        holder="", expires_at=timezone.now() - timedelta(seconds=1)
    )


def renew(name: str, holder: str, ttl: timedelta) -> bool:
    """Extend a lease still held; False means it expired and was taken over."""
    return bool(
        FlowLock.objects.filter(name=name, holder=holder).update(expires_at=timezone.now() + ttl)
    )


def heartbeat(name: str, holder: str, ttl: timedelta, stop: threading.Event) -> None:
    """Renew the lease until ``stop``; a missed beat is only logged (the lease has slack)."""
    try:
        while not stop.wait(HEARTBEAT.total_seconds()):
            try:
                renew(name, holder, ttl)
            except DatabaseError as exc:
                log.warning("lease heartbeat missed", extra={"flow": name, "error": str(exc)})
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def flow_lock(name: str, ttl: timedelta = LEASE) -> Iterator[str]:
    holder = holder_id()
    if not try_acquire(name, ttl, holder):
        raise FlowBusy(busy_message(name))
    stop = threading.Event()
    beats = threading.Thread(
        target=heartbeat, args=(name, holder, ttl, stop), name=f"lease-{name}", daemon=True
    )
    beats.start()
    try:
        yield holder
    finally:
        stop.set()
        beats.join(timeout=5)
        release(name, holder)
