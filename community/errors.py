"""The community bot's own exceptions (the loyalty library has its own ``LoyaltyError``)."""

from __future__ import annotations

from earful.errors import EarfulError


class CommunityError(EarfulError):
    """Something the community bot expects and explains."""


class MissingToken(CommunityError):
    """The bot token is not in the environment variable ``[community] token_env`` names."""
