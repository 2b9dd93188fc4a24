"""Run service_setup's config and service entry points for real, on this machine.

Every OpenStack service role writes its configuration files and its uwsgi
units through ``tasks_from: config`` and checks its APIs with ``tasks_from:
service``; tests/playbooks/service_config.yml does the same for a demo
service into a temporary directory, and a local HTTP server stands in for
its API.
"""

from __future__ import annotations

import configparser
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_scenario_selection import recap, run_playbook

PLAYBOOK = "tests/playbooks/service_config.yml"
SECRET = "not-to-be-seen"


def converge(directory: Path, url: str = "http://127.0.0.1:9/") -> tuple[int, str]:
    """Run the playbook against ``directory``; return its exit code and output."""
    extra = json.dumps({"service_config_dir": str(directory), "service_config_api_url": url})
    result, _seconds = run_playbook(PLAYBOOK, None, "-e", extra, "-v")
    return result.returncode, result.stdout + result.stderr


def ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    return parser


@pytest.fixture(name="api", scope="module")
def fixture_api() -> Iterator[str]:
    """A local HTTP server answering 200 on /, as an OpenStack API's version document does."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(name="written", scope="module")
def fixture_written(tmp_path_factory: pytest.TempPathFactory, api: str) -> tuple[Path, str, str]:
    """The files of a first run, and the output of the first and second runs."""
    directory = tmp_path_factory.mktemp("service_config")
    first_rc, first = converge(directory, api)
    assert first_rc == 0, first[-3000:]
    second_rc, second = converge(directory, api)
    assert second_rc == 0, second[-3000:]
    return directory, first, second


def test_a_config_file_is_its_defaults_with_the_overrides_merged_over_them(written: tuple[Path, str, str]) -> None:
    directory, _first, _second = written
    text = (directory / "demo.conf").read_text()
    assert text.startswith("# Managed by Ansible: set demo_demo_conf_overrides instead of editing")
    conf = ini(directory / "demo.conf")
    assert conf["DEFAULT"]["debug"] == "true"
    assert conf["database"]["connection"].endswith("@192.0.2.10/demo")
    assert conf["extra"]["option"] == "1"
    assert oct((directory / "demo.conf").stat().st_mode & 0o777) == "0o640"
    assert oct((directory / "public.ini").stat().st_mode & 0o777) == "0o644"


def test_a_uwsgi_ini_starts_from_the_shared_base(written: tuple[Path, str, str]) -> None:
    directory, _first, _second = written
    uwsgi = ini(directory / "demo-api-uwsgi.ini")["uwsgi"]
    assert uwsgi["master"] == "true"
    assert uwsgi["add-header"] == "Connection: close"
    assert uwsgi["listen"] == "50"  # the service's own option wins over the base
    assert uwsgi["threads"] == "4"  # and the operator's override over both
    assert uwsgi["http-socket"] == "127.0.0.1:8999"
    # oslo.messaging's queue manager tells APIs apart by this name, not "uwsgi".
    assert uwsgi["env"] == "OS_OSLO_MESSAGING_RABBIT__PROCESSNAME=demo-api"
    drop_in = (directory / "systemd/demo-api.service.d/opendeploy.conf").read_text()
    assert f"ExecStart=/usr/bin/uwsgi_python3 --ini {directory}/demo-api-uwsgi.ini" in drop_in
    assert "ExecStart=\n" in drop_in


def test_a_change_notifies_the_handlers_and_the_second_run_changes_nothing(written: tuple[Path, str, str]) -> None:
    _directory, first, second = written
    assert "demo restarted" in first
    assert recap(first, "localhost")["changed"] == 3  # the files, the drop-in directory, the drop-in
    assert "demo restarted" not in second
    assert recap(second, "localhost")["changed"] == 0


def test_a_secret_file_stays_out_of_the_output(written: tuple[Path, str, str]) -> None:
    _directory, first, _second = written
    assert SECRET not in first
    assert "public.ini" in first


def test_an_api_that_does_not_answer_fails_the_run_and_names_its_url(tmp_path: Path) -> None:
    returncode, output = converge(tmp_path, "http://127.0.0.1:9/")
    assert returncode != 0
    assert "http://127.0.0.1:9/" in output
    assert "failed=1" in output
