"""Mappers: pure functions from Khaos records to what the shop should hold, and back.

No Django here: every rule of ``mapping.md`` is testable without a database.
"""
