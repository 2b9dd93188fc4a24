# Copyright: opendeploy engineers
# Apache License 2.0 (see galaxy.yml)
"""Module: which databases are behind the alembic migrations a service's installed code ships?"""

from __future__ import annotations

DOCUMENTATION = r"""
module: alembic_pending
short_description: Tell which databases lack migrations of an OpenStack service's installed code
version_added: 0.2.0
author: opendeploy engineers (@opendeploy)
description:
  - Reads the head revisions of the alembic migration scripts that a
    service's installed package ships (nova, placement, cinder, neutron...)
    and compares them with the revisions each database records in its
    C(alembic_version) table, as the caller read them.
  - A database is behind when its revisions differ from the heads, including
    an empty database. A package update that brings a migration thus makes
    the database behind, and the caller runs the service's own sync command.
  - Fails when a database records a revision the scripts do not know (the
    code is older than the schema, for example after a package downgrade);
    no sync command can repair that.
  - Reads files only; changes nothing.
options:
  scripts:
    description:
      - The directory of the migration scripts, the one holding C(env.py) and
        C(versions/). Either absolute, or relative to an entry of the target
        Python's C(sys.path), e.g. C(nova/db/api/migrations).
      - Every directory under C(versions/) that holds scripts is a version
        location (neutron keeps one per release and branch).
    required: true
    type: str
  databases:
    description: The databases these scripts migrate.
    required: true
    type: list
    elements: str
  recorded:
    description:
      - The revisions each database records in its C(alembic_version)
        table, by database name, as the caller read them. A database missing
        here has no such table (an empty database).
    type: dict
    default: {}
requirements:
  - alembic (a dependency of every OpenStack service that migrates with it)
notes:
  - Supports check mode; it reads only.
"""

EXAMPLES = r"""
- name: Compare the Nova API database with the installed migrations
  opendeploy.openstack.alembic_pending:
    scripts: nova/db/api/migrations
    databases: [nova_api]
    recorded:
      nova_api: [cdeec0c85668]
  register: nova_api_migrations

- name: Migrate the Nova API database
  ansible.builtin.command:
    argv: [nova-manage, api_db, sync]
  when: nova_api_migrations.pending | length > 0
  changed_when: true
"""

RETURN = r"""
heads:
  description: The head revisions of the installed scripts, sorted.
  returned: success
  type: list
  elements: str
  sample: [b30f573d3377]
pending:
  description: The databases whose revisions differ from the heads, sorted.
  returned: success
  type: list
  elements: str
  sample: [nova_api]
directory:
  description: The scripts' directory that was read.
  returned: success
  type: str
  sample: /usr/lib/python3/dist-packages/nova/db/api/migrations
"""

import os
import sys
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    from alembic.script import ScriptDirectory
except ImportError:
    ScriptDirectory = None
    ALEMBIC_IMPORT_ERROR = traceback.format_exc()
else:
    ALEMBIC_IMPORT_ERROR = ""


def find_scripts(scripts: str, search_path: list[str]) -> str | None:
    """The migration scripts' directory: ``scripts`` itself if absolute, else under the first ``search_path`` entry that has it."""
    candidates = [scripts] if os.path.isabs(scripts) else [os.path.join(entry, scripts) for entry in search_path if entry]
    return next((path for path in candidates if os.path.isdir(os.path.join(path, "versions"))), None)


def version_locations(directory: str) -> list[str]:
    """Every directory under ``directory``/versions that holds a migration script, sorted."""
    found = []
    for root, _dirs, files in os.walk(os.path.join(directory, "versions")):
        if any(name.endswith(".py") and name != "__init__.py" for name in files):
            found.append(root)
    return sorted(found)


def pending(heads: list[str], databases: dict[str, list[str]]) -> list[str]:
    """The databases whose recorded revisions are not exactly ``heads``."""
    return sorted(name for name, revisions in databases.items() if sorted(revisions) != sorted(heads))


def unknown(known: set[str], databases: dict[str, list[str]]) -> dict[str, list[str]]:
    """The recorded revisions of each database that the scripts do not know."""
    found = {name: sorted(set(revisions) - known) for name, revisions in databases.items()}
    return {name: revisions for name, revisions in found.items() if revisions}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "scripts": {"type": "str", "required": True},
            "databases": {"type": "list", "elements": "str", "required": True},
            "recorded": {"type": "dict", "default": {}},
        },
        supports_check_mode=True,
    )
    if ScriptDirectory is None:
        module.fail_json(msg=missing_required_lib("alembic"), exception=ALEMBIC_IMPORT_ERROR)
    directory = find_scripts(module.params["scripts"], sys.path)
    if directory is None:
        module.fail_json(msg=f"no migration scripts at {module.params['scripts']} (is the service installed?)")
    recorded = module.params["recorded"]
    databases = {name: [str(revision) for revision in recorded.get(name) or []] for name in module.params["databases"]}
    script = ScriptDirectory(directory, version_locations=version_locations(directory))
    strangers = unknown({revision.revision for revision in script.walk_revisions()}, databases)
    if strangers:
        module.fail_json(msg=f"revisions the installed code does not know, by database: {strangers}; "
                             "the schema is newer than the code (a package downgrade?), no sync can repair it")
    heads = sorted(script.get_heads())
    module.exit_json(changed=False, heads=heads, pending=pending(heads, databases), directory=directory)


if __name__ == "__main__":
    main()
