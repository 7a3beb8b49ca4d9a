"""The Django project: an Oscar shop configured for a Khaos Control retailer."""
