"""A simulated Khaos Control: a KhaosWS SOAP server with realistic data and Khaos's rules.

Used by the demo, the tests and the benchmarks, and by a retailer's developer
before they have a real Khaos system. Pure Python (no Django). Start it with
``khaos-sync simulate`` or, from Python, :func:`run_in_thread`.
"""

from khaos_sync.simulator.control import Control, ControlError
from khaos_sync.simulator.faults import FaultPlan, FaultSpecError
from khaos_sync.simulator.runner import RunningSimulator, open_store, run_in_thread

__all__ = [
    "Control",
    "ControlError",
    "FaultPlan",
    "FaultSpecError",
    "RunningSimulator",
    "open_store",
    "run_in_thread",
]
