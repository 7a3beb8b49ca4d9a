"""Create or drop a PostgreSQL database for one test run: pgdb.py create|drop|ping URL [NAME]."""

import sys

import psycopg


def main(action: str, admin_url: str, name: str = "") -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')
        elif action == "drop":
            # pytest-django's own test database, one per xdist worker (test_NAME_gw0…),
            # is dropped by pytest-django; any it could not drop goes here too.
            workers = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (f"test_{name}_gw%",),
            ).fetchall()
            for db in (name, f"test_{name}", *(row[0] for row in workers)):
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main(*sys.argv[1:])
