"""Load and failover: two shop servers and two workers sharing PostgreSQL, Redis and S3.

Starts, on this machine: a Khaos simulator, moto's S3 server with a bucket, a
PostgreSQL database copied from a migrated template (``clone_migrated``), two
``khaos-sync serve`` processes on different ports and two ``khaos-sync worker``
processes (the orders flow), all with ``[shop] cache_url`` on the Redis at
127.0.0.1:6379, sessions in that cache and media in the bucket. locust
(``load_shop.py``) then browses, searches and checks out as guests on both servers.
A third of the way in, one server and one worker are killed (SIGKILL) and started
again. At the end every order placed must be in Khaos exactly once.

Reports requests per second, p50/p95 latency, errors, and orders placed versus
orders in Khaos (lost, sent twice, duplicates), as JSON. Exits 1 on a lost or
duplicated order. The order bookkeeping is soak.py's; the shop set-up order_placing.py's.

    PYTHONPATH=src python benchmarks/load_failover.py --users 12 --seconds 180 \\
        [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/15]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import soak
from order_placing import khaos_products

HERE = Path(__file__).resolve().parent
PORTS = (8731, 8732)
BUCKET = "khaos-load"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=12, help="concurrent locust users")
    parser.add_argument("--seconds", type=int, default=180, help="length of the load")
    parser.add_argument(
        "--down", type=float, default=15.0, help="seconds the killed pair stays down"
    )
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--timeout", type=float, default=180.0, help="wait for orders to settle")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="khaos-load-"))
    soak.run_from_snapshot(workdir)
    database = f"khaos_load_{os.getpid()}"
    started = time.monotonic()
    clone_migrated(args.admin_url, database, workdir)
    report: dict[str, Any] = {}
    try:
        report = run(args, workdir, database_url(args.admin_url, database))
        report["database_seconds"] = round(report.pop("start") - started, 1)
        report["total_seconds"] = round(time.monotonic() - started, 1)
    finally:
        soak.pgdb("drop", args.admin_url, database)
        if report and not report["failures"]:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"logs kept in {workdir}", file=sys.stderr)
    print(json.dumps(report, indent=2))
    raise SystemExit(1 if report.get("failures") else 0)


def run(args: argparse.Namespace, workdir: Path, database_url: str) -> dict[str, Any]:
    start = time.monotonic()
    endpoint, moto = start_s3()
    khaos = soak.Khaos(workdir / "sim.sqlite3", faults="latency=0.02;seed=1")
    env = environment(workdir, khaos.sim.url, database_url, args.redis, endpoint)
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()  # the database is a migrated copy (clone_migrated)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log
    # Once here, so the two servers' own collectstatic at start finds nothing to copy.
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.monotonic()
    servers = [
        Process(["serve", "--port", str(port)], workdir / f"serve-{port}.log") for port in PORTS
    ]
    workers = [Process(["worker", "--flow", "orders"], workdir / f"worker-{n}.log") for n in (1, 2)]
    processes = [*servers, *workers]
    try:
        for process in processes:
            process.start(env)
        # The catalogue is made while the servers and workers start: neither needs it to.
        products = shop_catalogue(khaos.sim)
        catalogue_seconds = time.monotonic() - started
        for port in PORTS:
            wait_ready(port, 300)
        ready_seconds = time.monotonic() - started
        failover = threading.Thread(
            target=kill_and_restart,
            args=(servers[0], workers[0], env, args.seconds / 3, args.down),
            daemon=True,
        )
        failover.start()
        stats = run_locust(args, workdir, products)
        failover.join()
        numbers = placed_orders()
        soak.wait_settled(numbers, time.monotonic() + args.timeout)
        media_objects = bucket_objects(endpoint)
    finally:
        for process in processes:
            process.stop()
        moto.stop()
    orders = soak.count(khaos.sim, numbers)
    khaos.sim.stop()
    report = {
        **stats,
        "users": args.users,
        "load_seconds": args.seconds,
        "servers": len(servers),
        "workers": len(workers),
        "killed": [f"server :{PORTS[0]}", "worker 1"],
        "down_seconds": args.down,
        "start": start,
        "catalogue_seconds": round(catalogue_seconds, 1),
        "startup_seconds": round(ready_seconds, 1),
        "orders": {
            key: orders[key]
            for key in ("placed", "imported", "lost", "sent_twice", "duplicates_in_khaos", "held")
        },
        "media_objects_in_bucket": media_objects,
        "seconds": round(time.monotonic() - started, 1),
    }
    report["failures"] = [
        key for key in ("lost", "sent_twice", "duplicates_in_khaos") if orders[key]
    ]
    return report


def database_url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


def clone_migrated(admin_url: str, name: str, workdir: Path) -> None:
    """Create NAME as a copy of a migrated database: migrating takes minutes here, a copy seconds.

    The template is named after the migrations it holds, so a changed or new
    migration makes a new one; older templates are dropped.
    """
    import psycopg

    template = f"khaos_load_template_{migrations_digest()}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        names = [row[0] for row in conn.execute("SELECT datname FROM pg_database")]
        for old in names:
            if old.startswith("khaos_load_template_") and old != template:
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        if template not in names:
            building = f"{template}_building"
            conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{building}"')
            migrate(database_url(admin_url, building), workdir)
            # Renamed once complete: an interrupted migration never becomes the template.
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def migrations_digest() -> str:
    import hashlib

    import django
    import oscar

    digest = hashlib.sha256(f"{django.__version__} {oscar.VERSION}".encode())
    source = HERE.parent / "src" / "khaos_sync"
    for path in sorted(source.rglob("migrations/*.py")):
        digest.update(str(path.relative_to(source)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def migrate(url: str, workdir: Path) -> None:
    env = {
        **os.environ,
        **soak.shop_environment(workdir / "migrate", "http://127.0.0.1:9", url),
    }
    subprocess.run(
        [sys.executable, "-c", "from order_placing import setup_shop; setup_shop()"],
        env={**env, "PYTHONPATH": os.pathsep.join([str(HERE), env["PYTHONPATH"]])},
        check=True,
    )


def environment(
    workdir: Path, khaos_url: str, database_url: str, redis: str, s3: str
) -> dict[str, str]:
    return {
        **soak.shop_environment(workdir, khaos_url, database_url),
        "KHAOS_SYNC_SHOP_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,  # one for every server
        "KHAOS_SYNC_SHOP_CACHE_URL": redis,
        "KHAOS_SYNC_SHOP_SESSIONS": "cache",
        "KHAOS_SYNC_SHOP_SEARCH_BACKEND": "simple",  # the database: every server sees the same
        "KHAOS_SYNC_MEDIA_STORAGE": "s3",
        "KHAOS_SYNC_MEDIA_BUCKET": BUCKET,
        "KHAOS_SYNC_MEDIA_ENDPOINT_URL": s3,
        "KHAOS_SYNC_MEDIA_REGION": "eu-west-2",
        "KHAOS_SYNC_PAYMENTS_PROVIDER": "dummy",
        "KHAOS_SYNC_ORDERS_POLL_SECONDS": "1",
        "AWS_ACCESS_KEY_ID": "load-test",
        "AWS_SECRET_ACCESS_KEY": "load-test",
    }


def start_s3() -> tuple[str, Any]:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "load-test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "load-test")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return endpoint, server


def bucket_objects(endpoint: str) -> int:
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    return int(s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0))


def shop_catalogue(sim: Any) -> list[str]:
    """Twelve products bound to Khaos items, public, each with an image in the bucket.

    Enough for pages of products, searches that find several or one or none, and
    baskets of different lines; more only lengthens the set-up.
    """
    from django.core.files.base import ContentFile
    from oscar.core.loading import get_model
    from oscar.test import factories

    factories.CountryFactory(iso_3166_1_a2="GB", name="United Kingdom", is_shipping_country=True)
    products = khaos_products(sim, 12)
    Product = get_model("catalogue", "Product")
    Product.objects.update(published=True, is_public=True)
    ProductImage = get_model("catalogue", "ProductImage")
    for product in products:
        image = ProductImage(product=product, display_order=0)
        image.original.save(f"bench-{product.pk}.png", ContentFile(tiny_png()), save=True)
    return [product.get_absolute_url() for product in products]


def tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


class Process:
    """A ``khaos-sync`` command in a process group of its own, so a kill takes its children."""

    def __init__(self, argv: list[str], log: Path) -> None:
        self.argv, self.log = argv, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        stream = open(self.log, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "khaos_sync.cli", *self.argv],
            env={**os.environ, **env},
            stdout=stream,
            stderr=stream,
            start_new_session=True,
        )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()


def kill_and_restart(
    server: Process, worker: Process, env: dict[str, str], after: float, down: float
) -> None:
    time.sleep(after)
    server.kill()
    worker.kill()
    time.sleep(down)
    server.start(env)
    worker.start(env)


def wait_ready(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server on port {port} was not ready after {seconds:g} s")


def run_locust(args: argparse.Namespace, workdir: Path, products: list[str]) -> dict[str, Any]:
    """locust in its own process (it patches the standard library with gevent)."""
    prefix = workdir / "locust"
    env = {
        **os.environ,
        "LOAD_SERVERS": " ".join(f"http://127.0.0.1:{port}" for port in PORTS),
        "LOAD_PRODUCTS": " ".join(products),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(HERE / "load_shop.py"),
            "--headless",
            "-u",
            str(args.users),
            "-r",
            str(max(1, args.users // 4)),
            "-t",
            f"{args.seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        check=True,
        stdout=open(workdir / "locust.log", "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    return locust_figures(prefix)


def locust_figures(prefix: Path) -> dict[str, Any]:
    with open(f"{prefix}_stats.csv", newline="") as stream:
        rows = {row["Name"]: row for row in csv.DictReader(stream)}
    total = rows.pop("Aggregated")
    with open(f"{prefix}_exceptions.csv", newline="") as stream:
        exceptions = [(row["Count"], row["Message"][:160]) for row in csv.DictReader(stream)]
    return {
        "requests": int(total["Request Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": int(float(total["50%"])),
        "p95_ms": int(float(total["95%"])),
        "errors": int(total["Failure Count"]),
        "checkouts_paid": int(rows.get("checkout pay", {}).get("Request Count", 0)),
        "by_page": {
            name: {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": int(float(row["50%"])),
                "p95_ms": int(float(row["95%"])),
            }
            for name, row in rows.items()
        },
        "task_exceptions": exceptions[:10],
    }


def placed_orders() -> list[str]:
    from django.db import connection
    from oscar.core.loading import get_model

    connection.close()
    return [str(n) for n in get_model("order", "Order").objects.values_list("number", flat=True)]


if __name__ == "__main__":
    main()
