"""Why a file could not be imported, in words meant for the person importing it."""

from __future__ import annotations


class ImportFileError(Exception):
    """The file cannot be imported; nothing was written. The message says why."""


class UnsafeXMLError(ImportFileError):
    """The file uses an XML feature we refuse (DTDs, entity declarations)."""


class MalformedXMLError(ImportFileError):
    """The file is not well-formed XML; `line` and `column` say where the parser stopped."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        self.line = line
        self.column = column
        where = f"line {line}, column {column}" if line else "an unknown place"
        super().__init__(f"The file is not well-formed XML at {where}: {message}")


class WrongFormatError(ImportFileError):
    """The file is readable but is not the kind of export the importer was asked for."""


class MissingElementError(ImportFileError):
    """An item lacks an element that the import cannot do without."""


class ConflictError(ImportFileError):
    """Importing would take an address that already belongs to other content on the blog."""


class ArchiveTooLargeError(ImportFileError):
    """The archive holds more files or unpacks to more bytes than this site restores."""
