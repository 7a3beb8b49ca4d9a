"""Khaos protocol layer: KSDXML documents and the KhaosWS SOAP client.

Pure Python with no Django imports, so it can be used (and type-checked
strictly) on its own.
"""
