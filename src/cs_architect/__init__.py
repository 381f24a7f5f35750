"""cs-architect: design a customer success function, then run it on your data."""

__version__ = "0.1.0"
