"""The sync engine: bindings, cursors, run log, locks and the flows built on them."""
