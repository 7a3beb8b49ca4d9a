"""Shop adapter: everything that writes Oscar's models, loaded with ``get_model``."""
