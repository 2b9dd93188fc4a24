"""Compatibility shim for the openstack.cloud modules on the deploy host.

openstack.cloud 2.5 (the collection the ``ansible`` 12 package bundles) reads
``openstack.version.__version__`` after ``import openstack``; openstacksdk
4.15 and later no longer import that submodule from the package, so every
module fails with "module 'openstack' has no attribute 'version'". The roles
put this directory on PYTHONPATH for their openstack.cloud tasks only, and
Python imports this file at start-up. Drop it once the bundled collection
reads the version through importlib.metadata.
"""

from __future__ import annotations

import warnings

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import openstack.version  # noqa: F401  # pylint: disable=unused-import
except ImportError:
    pass
