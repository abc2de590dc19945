"""Fixtures shared by the reply tests."""

from .record_copy_fixtures import fast_convert, sample_pdfa  # noqa: F401
