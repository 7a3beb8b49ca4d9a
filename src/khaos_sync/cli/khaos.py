"""``khaos-sync khaos``: call one KhaosWS operation by hand and print the answer.

    khaos-sync khaos ExportStock StockCode=ABC,DEF MappingType=1 --url https://host/KhaosKSD.exe/soap/IKosWeb
    khaos-sync khaos ImportOrders Orders=@orders.xml

Documents are printed as the XML Khaos returned; structs and arrays as JSON.
Exit status: 0 success, 1 transport or protocol failure, 2 a SOAP fault or a
usage error.
"""

from __future__ import annotations

import base64
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.errors import KhaosError, SoapFault
from khaos_sync.protocol.soap.compression import decompress_result
from khaos_sync.protocol.soap.envelope import SoapRequestError
from khaos_sync.protocol.soap.operations import OPERATIONS, Operation

URL_ENV = "KHAOS_SYNC_KHAOS_URL"
FAULT_EXIT = 2
FAILURE_EXIT = 1


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("operation")
@click.argument("assignments", nargs=-1, metavar="[Name=Value]...")
@click.option(
    "--url",
    envvar=URL_ENV,
    required=True,
    help=f"KhaosWS endpoint, e.g. https://host:port/KhaosKSD.exe/soap/IKosWeb (or ${URL_ENV}).",
)
@click.option("--timeout", type=float, default=None, help="Read timeout in seconds.")
@click.option(
    "--ca-bundle",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="CA bundle that signs the Khaos server's certificate (self-signed setups).",
)
@click.option(
    "--decompress",
    is_flag=True,
    help="For …Compressed operations, print the decompressed payload instead of the struct.",
)
def khaos(
    operation: str,
    assignments: tuple[str, ...],
    url: str,
    timeout: float | None,
    ca_bundle: str | None,
    decompress: bool,
) -> None:
    """Call a KhaosWS OPERATION with Name=Value parameters (Name=@file reads a file)."""
    definition = _find_operation(operation)
    params = _parse_assignments(definition, assignments)
    client_options: dict[str, Any] = {"verify": ca_bundle or True}
    if timeout is not None:
        client_options["timeout"] = timeout
    try:
        with KhaosClient(url, **client_options) as client:
            result = client.call(definition.name, **params)
    except SoapRequestError as exc:
        raise click.UsageError(str(exc)) from exc
    except SoapFault as fault:
        click.echo(_describe_fault(fault), err=True)
        sys.exit(FAULT_EXIT)
    except KhaosError as exc:
        click.echo(f"{type(exc).__name__}: {exc}", err=True)
        sys.exit(FAILURE_EXIT)
    _print_result(definition, result, decompress=decompress)


def _find_operation(name: str) -> Operation:
    if name in OPERATIONS:
        return OPERATIONS[name]
    matches = [op for key, op in OPERATIONS.items() if key.lower() == name.lower()]
    if matches:
        return matches[0]
    raise click.UsageError(
        f"unknown operation {name!r}. Valid operations: {', '.join(sorted(OPERATIONS))}"
    )


def _parse_assignments(definition: Operation, assignments: tuple[str, ...]) -> dict[str, Any]:
    # Values stay text here; the codec checks them against the declared types.
    params: dict[str, Any] = {}
    valid = ", ".join(definition.param_names()) or "(none)"
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep:
            raise click.UsageError(f"expected Name=Value, got {assignment!r}")
        param = definition.param(name) or next(
            (p for p in definition.params if p.name.lower() == name.lower()), None
        )
        if param is None:
            raise click.UsageError(
                f"{definition.name} has no parameter {name!r}. Valid parameters: {valid}"
            )
        params[param.name] = _read_value(value)
    return params


def _read_value(value: str) -> str:
    if value.startswith("@"):
        path = Path(value[1:])
        if not path.is_file():
            raise click.UsageError(f"file not found: {path}")
        return path.read_text(encoding="utf-8-sig")
    return value


def _describe_fault(fault: SoapFault) -> str:
    parts = [f"Khaos fault ({fault.fault_code or 'no code'})"]
    if fault.exception_class:
        parts.append(fault.exception_class)
    return f"{' '.join(parts)}: {fault.fault_string}"


def _print_result(definition: Operation, result: Any, *, decompress: bool) -> None:
    if decompress and isinstance(result, dict) and "Data" in result:
        sys.stdout.buffer.write(decompress_result(result))
        sys.stdout.flush()
        return
    if isinstance(result, str):
        click.echo(result)
        return
    click.echo(json.dumps(result, default=_json_value, indent=2, ensure_ascii=False))


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot show {type(value).__name__} as JSON")
