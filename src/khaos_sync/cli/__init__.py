"""The ``khaos-sync`` command line."""
