"""Typed errors whose messages are safe to show staff. Adapters map them in one place each."""

from __future__ import annotations


class PartnershipError(Exception):
    """Base error. ``message`` is plain English with no case details and no stack trace."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotReadyError(PartnershipError):
    """The knowledge base has not been built yet."""

    status_code = 503


class BadRequestError(PartnershipError):
    """The caller's input cannot be used (empty question, unknown option)."""

    status_code = 400


class PersonalDataError(BadRequestError):
    """Text to be stored or posted looks like it identifies a person; the message names the kinds, never the text."""

    status_code = 422


class NotFoundError(PartnershipError):
    status_code = 404


class IngestError(PartnershipError):
    """A whole ingest failed; per-file problems are reported as skipped files instead."""

    status_code = 422


class ReloadInProgressError(PartnershipError):
    """Another reload holds the writer lock."""

    status_code = 409


class FileRejected(PartnershipError):
    """One file cannot be ingested; the message names the reason (empty, encrypted, wrong type...)."""

    status_code = 422


class ConfigError(PartnershipError):
    """A rules or settings file is invalid; the message says what and where."""

    status_code = 500


class SignInRequiredError(PartnershipError):
    """The caller has not signed in (or sent no valid token)."""

    status_code = 401


class AccessDeniedError(PartnershipError):
    """The caller may not do this, or the thing may not be shown (a quarantined document)."""

    status_code = 403
