"""Describers: label, quotes, kind and company mentions of a scenario, and the describe stage."""

from ._base import Member

__all__ = ["Member"]
