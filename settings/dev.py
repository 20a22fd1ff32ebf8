"""Development and on-demand runs: the defaults, with the embedded store."""

from settings.base import *  # noqa: F403

LOG_LEVEL = "INFO"
