"""ixm: white-label app packaging and tenant branding."""

from __future__ import annotations

__version__ = "0.1.0"
