"""Verify the common role in its container: time sync and names resolve."""

from __future__ import annotations


def test_chrony_is_running_and_enabled(host) -> None:
    chrony = host.service("chrony")
    assert chrony.is_running
    assert chrony.is_enabled


def test_chrony_answers_and_serves_the_management_network(host) -> None:
    tracking = host.run("chronyc -n tracking")
    assert tracking.rc == 0, tracking.stderr
    assert "Reference ID" in tracking.stdout
    config = host.file("/etc/chrony/chrony.conf").content_string
    address = host.interface.default().addresses[0]
    assert "local stratum 10" in config
    assert "allow " + ".".join(address.split(".")[:2]) in config


def test_chrony_does_not_steer_the_host_clock_from_a_container(host) -> None:
    assert 'DAEMON_OPTS="-F 1 -x"' in host.file("/etc/default/chrony").content_string


def test_inventory_names_resolve_to_the_management_address(host) -> None:
    address = host.interface.default().addresses[0]
    entry = host.run("getent hosts aio1")
    assert entry.rc == 0
    assert entry.stdout.split()[0] == address


def test_base_packages_are_installed(host) -> None:
    for name in ("chrony", "ca-certificates", "iproute2", "curl"):
        assert host.package(name).is_installed, name


def test_package_scripts_may_stop_services_but_not_start_them(host) -> None:
    policy = host.file("/usr/sbin/policy-rc.d")
    assert policy.is_file and policy.mode == 0o755 and policy.user == "root"
    assert host.run("/usr/sbin/policy-rc.d chrony.service start").rc == 101
    assert host.run("/usr/sbin/policy-rc.d chrony.service stop").rc == 0
