"""Order and line statuses, shaped for Khaos's invoice stages.

Oscar ships no pipeline and refuses any status change without one. Khaos moves
orders forwards and sometimes back (an order picked, then put on hold, then
picked again), so every open status may move to any other open status; the
closed ones (dispatched, cancelled) are final.
"""

from __future__ import annotations

STATUS_PENDING = "Pending"  # placed in the shop, not yet accepted by Khaos
STATUS_PROCESSING = "Processing"  # Khaos stages 9, 10
STATUS_AWAITING_PAYMENT = "Awaiting payment"  # stage 11
STATUS_PICKING = "Picking"  # stages 12, 13, 20
STATUS_DISPATCHING = "Dispatching"  # stages 14, 15
STATUS_ON_HOLD = "On hold"  # stages 17, 18, 19, 21
STATUS_PART_DISPATCHED = "Part dispatched"  # some lines sent, some not yet
STATUS_DISPATCHED = "Dispatched"  # stages 16, 70, 71: complete
STATUS_CANCELLED = "Cancelled"

OPEN_STATUSES = (
    STATUS_PENDING,
    STATUS_PROCESSING,
    STATUS_AWAITING_PAYMENT,
    STATUS_PICKING,
    STATUS_DISPATCHING,
    STATUS_ON_HOLD,
    STATUS_PART_DISPATCHED,
)
CLOSED_STATUSES = (STATUS_DISPATCHED, STATUS_CANCELLED)


def open_pipeline(
    open_statuses: tuple[str, ...], closed: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    pipeline: dict[str, tuple[str, ...]] = {}
    for status in open_statuses:
        pipeline[status] = tuple(s for s in open_statuses + closed if s != status)
    for status in closed:
        pipeline[status] = ()
    return pipeline


ORDER_STATUS_PIPELINE = open_pipeline(OPEN_STATUSES, CLOSED_STATUSES)
LINE_STATUS_PIPELINE = open_pipeline(OPEN_STATUSES, CLOSED_STATUSES)

# Whole-order changes that every line follows (Oscar applies these on set_status).
ORDER_STATUS_CASCADE = {
    STATUS_PROCESSING: STATUS_PROCESSING,
    STATUS_CANCELLED: STATUS_CANCELLED,
    STATUS_DISPATCHED: STATUS_DISPATCHED,
}
