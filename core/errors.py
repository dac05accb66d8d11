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


class IndexUpdateError(ReformError):
    """A derived index (lexical, vectors, graph) could not take in one document.

    The document store keeps the document; the index skips it until the document (or the index's
    version) changes, and the run that hit it exits non-zero with this message.
    """

    def __init__(self, index: str, document_id: str | None, cause: str, *, failures: dict[str, str] | None = None) -> None:
        self.index, self.document_id, self.cause = index, document_id, cause
        # document id -> reason, for every document this error is about (none: the index as a whole)
        self.failures = dict(failures) if failures else ({document_id: cause} if document_id else {})
        where = f"document {document_id}" if document_id else "the whole index"
        more = f" (and {len(self.failures) - 1} more documents)" if len(self.failures) > 1 else ""
        super().__init__(f"{index} index not updated for {where}: {cause}{more}")

    def lines(self) -> list[str]:
        """One line per document (or one for the index), for a run's summary."""
        if not self.failures:
            return [f"{self.index} index not updated: {self.cause}"]
        return [f"{self.index} index skipped document {doc}: {reason}" for doc, reason in self.failures.items()]


def one_line(message: str, *, limit: int = 500) -> str:
    """A reason fit for one line of a summary: whitespace runs (newlines too) collapsed, long text cut.

    >>> one_line("cannot be parsed:\\n  bad  header")
    'cannot be parsed: bad header'
    """
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
