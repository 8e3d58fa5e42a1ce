"""scenarios: find the recurring scenarios in what clients say.

Library first: every CLI command is a thin wrapper over a function here that a notebook can call.
"""

from .errors import ScenariosError
from .stages.ingest import IngestOptions, IngestReport, add_paths, add_stream, add_text
from .store import Store

__version__ = "0.1.0"
__all__ = ["IngestOptions", "IngestReport", "ScenariosError", "Store", "add_paths", "add_stream", "add_text"]
