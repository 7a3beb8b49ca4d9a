"""The "Khaos" section of Oscar's dashboard."""
