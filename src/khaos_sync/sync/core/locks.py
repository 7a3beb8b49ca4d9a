"""Database leases: a flow runs on one worker at a time, on any number of machines.

A lease (row with an expiry) rather than a session-level database lock, because
it works the same on SQLite and PostgreSQL and survives a crashed worker: the
lease simply expires.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from khaos_sync.sync.core.models import FlowLock


class FlowBusy(RuntimeError):
    """Another worker holds the flow's lease."""


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def try_acquire(name: str, ttl: timedelta, holder: str) -> bool:
    now = timezone.now()
    taken = FlowLock.objects.filter(name=name, expires_at__lt=now).update(
        holder=holder, expires_at=now + ttl
    )
    if taken:
        return True
    if FlowLock.objects.filter(name=name, holder=holder).update(expires_at=now + ttl):
        return True
    try:
        with transaction.atomic():
            FlowLock.objects.create(name=name, holder=holder, expires_at=now + ttl)
    except IntegrityError:
        return False
    return True


def release(name: str, holder: str) -> None:
    FlowLock.objects.filter(name=name, holder=holder).update(
        holder="", expires_at=timezone.now() - timedelta(seconds=1)
    )


def renew(name: str, holder: str, ttl: timedelta) -> bool:
    """Extend a lease still held; False means it expired and was taken over."""
    return bool(
        FlowLock.objects.filter(name=name, holder=holder).update(expires_at=timezone.now() + ttl)
    )


@contextmanager
def flow_lock(name: str, ttl: timedelta = timedelta(minutes=30)) -> Iterator[str]:
    holder = holder_id()
    if not try_acquire(name, ttl, holder):
        raise FlowBusy(f"{name} is already running on another worker")
    try:
        yield holder
    finally:
        release(name, holder)
