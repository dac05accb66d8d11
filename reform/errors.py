"""The one exception hierarchy of reform-kg: every error a user can act on derives from ReformError."""


class ReformError(Exception):
    """An error with a message a user can act on; the CLI prints it without a traceback."""


class ConfigError(ReformError):
    """A setting (environment variable) has a value that cannot be used."""


class IngestError(ReformError):
    """A file could not be turned into a document; the message says why in one line."""


class UnsupportedFormatError(IngestError):
    """The file's extension or content is not a format reform-kg reads."""


class LegacyEncodingError(IngestError):
    """The text uses a pre-Unicode Vietnamese encoding (TCVN3/VNI) that cannot be converted safely."""


class StoreError(ReformError):
    """The data directory is missing, locked, or was written by an incompatible version."""


class NotFoundError(ReformError):
    """A document, passage or entity asked for by id does not exist."""


class QueryError(ReformError):
    """A search or SPARQL query is malformed or exceeds a limit."""
