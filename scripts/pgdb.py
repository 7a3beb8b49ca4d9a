"""Create or drop a PostgreSQL database for one test run: pgdb.py create|drop|ping URL [NAME]."""

import sys

import psycopg


def main(action: str, admin_url: str, name: str = "") -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')
        elif action == "drop":
            for db in (name, f"test_{name}"):
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main(*sys.argv[1:])
