"""Starting the simulator: preparing its database and serving it, in a thread or for good."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from khaos_sync.simulator.control import Control
from khaos_sync.simulator.faults import FaultPlan
from khaos_sync.simulator.generator import generate as generate_catalogue
from khaos_sync.simulator.server import SOAP_PATH, WSDL_PATH, ArrayStyle, SimulatorServer
from khaos_sync.simulator.store import Store


def open_store(
    db_path: str | Path,
    *,
    generate: int | None = None,
    seed: int = 0,
    catalogue: Sequence[str | Path] = (),
    regenerate: bool = False,
) -> Store:
    """Open (or create) the database; fill it when it is empty or a regeneration is asked for."""
    store = Store(db_path)
    if regenerate and (generate or catalogue):
        store.clear_catalogue()
    if store.is_empty():
        if catalogue:
            from khaos_sync.simulator.catalogue_files import load_catalogue_files

            load_catalogue_files(store, catalogue, seed=seed)
        elif generate:
            generate_catalogue(store, generate, seed)
    return store


class RunningSimulator:
    """A simulator serving on 127.0.0.1 in a background thread."""

    def __init__(self, server: SimulatorServer) -> None:
        self.server = server
        self.store = server.store
        self.control: Control = server.control
        self.control_token = server.control_token
        self._thread = threading.Thread(
            target=server.serve_forever,
            name="khaos-simulator",
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def url(self) -> str:
        return self.base_url + SOAP_PATH

    @property
    def wsdl_url(self) -> str:
        return self.base_url + WSDL_PATH

    @property
    def control_url(self) -> str:
        return self.base_url + "/control"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.server.close_connections()
        self._thread.join(timeout=5)
        self.store.close()

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def run_in_thread(
    db_path: str | Path,
    *,
    generate: int | None = None,
    seed: int = 0,
    faults: str | None = None,
    arrays: ArrayStyle = "inline",
    catalogue: Sequence[str | Path] = (),
    control_token: str | None = None,
    port: int = 0,
) -> RunningSimulator:
    """Serve the simulator on 127.0.0.1 (an ephemeral port unless ``port`` is given).

    Use as a context manager, or call ``.stop()``::

        with run_in_thread(tmp_path / "sim.sqlite3", generate=100, seed=1) as sim:
            client = KhaosClient(sim.url)
            sim.control.ship("WEB1001", consignment_ref="RM123")
    """
    store = open_store(db_path, generate=generate, seed=seed, catalogue=catalogue)
    server = make_server(
        store, "127.0.0.1", port, faults=faults, arrays=arrays, control_token=control_token
    )
    return RunningSimulator(server)


def make_server(
    store: Store,
    host: str,
    port: int,
    *,
    faults: str | None = None,
    arrays: ArrayStyle = "inline",
    control_token: str | None = None,
) -> SimulatorServer:
    return SimulatorServer(
        (host, port),
        store,
        faults=FaultPlan(faults),
        control_token=control_token or secrets.token_urlsafe(18),
        arrays=arrays,
    )
