"""Customers: Khaos company (URN) ↔ shop account bindings, and the one-time import."""
