"""metrograph: the linked-open-data graph of Germany's European metropolitan regions.

This module must stay free of third-party imports: ``python3 -m metrograph`` runs it with a
bare interpreter to create the virtual environment before anything else is importable.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
