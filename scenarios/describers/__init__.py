"""Describers: label, quotes, kind, tone and company mentions of a scenario, and the describe stage.

The configured kinds with their Russian titles: :func:`scenarios.describers.kinds.kind_titles`.
"""

from ._base import Member

__all__ = ["Member"]
