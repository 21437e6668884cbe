"""framing: offline detection of framing markers and source reliability in news articles."""

__version__ = "0.1.0"
