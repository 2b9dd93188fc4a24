"""After a restart of the container every service comes back by itself.

Runs last (pytest collects test files in name order): restarts the container
with podman, waits for systemd, then checks the APIs again without Ansible.
"""

from __future__ import annotations

from aio_cloud import connect, eventually, listeners, management_address, restart_container, scheduler_is_up


def test_services_come_back_after_a_container_restart() -> None:
    restart_container()

    def token_images_and_scheduler() -> None:
        conn = connect()
        try:
            assert conn.authorize()
            list(conn.image.images())
            scheduler_is_up(conn)
        finally:
            conn.close()

    eventually(token_images_and_scheduler, timeout=240, interval=5)
    # Nothing that booted with the container listens wider than configured.
    assert listeners(3306) == {management_address(), "127.0.0.1"}
    for port in (5000, 9292, 8776, 5672, 11211):
        assert listeners(port) == {management_address()}, port
