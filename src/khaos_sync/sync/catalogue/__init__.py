"""Catalogue flow: Khaos stock items and web categories into Oscar products."""
