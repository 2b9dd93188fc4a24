"""A database behind the installed code is migrated by the next converge, and the one after changes nothing.

What a package update that brings a migration does, made by hand: Cinder's
database is stamped one alembic revision back (alembic's `stamp` is this
UPDATE of `alembic_version`: the tables stay, the recorded revision moves),
so that the installed code is one migration ahead of the database. The
next converge must run Cinder's sync (changed) and bring the database back
to the head; Cinder must answer; the converge after it must report
changed=0. Before #19 the cinder role compared versions, but Placement, Nova
and Neutron only migrated a database with no tables; all four now share
one path (roles/service_setup/tasks/migrations.yml).

The head applied again must be safe to apply twice, and on both releases
it is: on 2025.1 (trixie) 9c74c1c6971f adds the default backup quotas only
where they are missing; on Zed (bookworm) c92a3e68beed makes
volumes.shared_targets nullable. The test reads the head and its parent
from the installed Cinder: no revision is written into it.
"""

from __future__ import annotations

import re
from typing import Any

from aio_cloud import converge_playbook, eventually, in_container, run_playbook, scheduler_is_up

HEAD_AND_PARENT = (
    "import cinder.db.migrations as m, os\n"
    "from alembic.script import ScriptDirectory\n"
    "script = ScriptDirectory(os.path.dirname(m.__file__))\n"
    "head = script.get_current_head()\n"
    "print(head, script.get_revision(head).down_revision)\n"
)


def recorded_revisions() -> list[str]:
    """The revisions Cinder's database records."""
    return in_container("mysql", "-NBe", "SELECT version_num FROM cinder.alembic_version").split()


def converge() -> str:
    """Run the scenario's converge and return its output; fail on a failed run."""
    run = run_playbook(converge_playbook(), timeout=2400)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    return output


def test_a_database_stamped_one_revision_back_is_migrated_then_nothing_changes(cloud: Any) -> None:
    head, parent = in_container("python3", "-c", HEAD_AND_PARENT).split()
    assert recorded_revisions() == [head]
    in_container("mysql", "-e", f"UPDATE cinder.alembic_version SET version_num = '{parent}'")
    assert recorded_revisions() == [parent]

    output = converge()
    migrate = output[output.index("TASK [opendeploy.openstack.service_setup : Migrate the databases that are behind, for cinder]"):]
    # The host is aio1 in the aio scenario and aio1-aio-control in this one.
    assert re.search(r"changed: \[aio1[^\]]*\] => \(item=cinder\)", migrate[:600]), migrate[:600]
    assert recorded_revisions() == [head]
    eventually(lambda: scheduler_is_up(cloud), timeout=120)
    assert "__DEFAULT__" in [volume_type.name for volume_type in cloud.block_storage.types()]

    recap = converge()[-2000:]
    recap = recap[recap.rindex("PLAY RECAP"):]
    assert not re.search(r"(changed|failed|unreachable)=[1-9]", recap), recap
