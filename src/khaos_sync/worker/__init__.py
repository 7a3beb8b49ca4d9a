"""The worker: runs every registered flow on its interval, on any number of machines.

- ``schedule`` decides from the database when a flow is due and lets exactly one
  worker claim each due slot;
- ``runner`` runs one flow (its own lease keeps it from running twice at once)
  and cleans up after a run that a shutdown had to abandon;
- ``loop`` is the long-running process: one thread per flow in flight, graceful
  shutdown on SIGTERM/SIGINT;
- ``rules`` checks the settings the worker depends on before it starts.
"""
