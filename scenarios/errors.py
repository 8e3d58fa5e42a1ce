"""Domain exceptions.

The library raises these and never prints or exits; front ends (CLI, web page) turn them into one
clear line for the user. Messages are in Russian because managers read them.
"""

from __future__ import annotations


class ScenariosError(Exception):
    """Base of every error a user can cause or fix; its message is shown as is."""


class InputError(ScenariosError):
    """Input that cannot become a story: empty, binary, undecodable, malformed, too large."""


class StoreError(ScenariosError):
    """The store cannot be opened or written: not SQLite, newer schema, read-only, locked."""


class NotFound(ScenariosError):
    """A story, scenario or run named by the user does not exist."""


class ConfigError(ScenariosError):
    """A component or option named in config or on the command line is unknown or invalid."""


class MissingDependency(ScenariosError):
    """An optional package or model is not installed; the message says what to install."""


class ComponentError(ScenariosError):
    """A component broke its contract (e.g. returned fewer results than texts); names the component."""
