"""Fixtures of the aio tests, from molecule/shared/tests/aio_cloud.py."""

from aio_cloud import address, cloud, secrets  # noqa: F401  # pylint: disable=unused-import
