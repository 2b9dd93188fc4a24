"""Run playbooks/audit_base_images.yml for real against a fake instances tree.

The tree is what Nova's libvirt driver leaves on a compute host: qcow2 disks
made with ``qemu-img create -b <base> -F raw`` over raw files in ``_base``
named by the sha1 of their Glance image id. No OpenStack is needed: the image
ids are given with ``-e audit_image_ids``. Needs qemu-img (qemu-utils).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRESENT = "6f0c3f0e-1111-4c3a-9d55-0a1b2c3d4e5f"  # base present, used by instance A
DELETED = "b7e2a9c4-2222-4f6b-8e21-1f2e3d4c5b6a"  # base deleted under instance B, image still listed
ORPHAN = "c3d4e5f6-3333-4a1b-9c8d-7e6f5a4b3c2d"  # base present, no instance uses it
GONE = "d9e8f7a6-4444-4b5c-8d7e-6f5a4b3c2d1e"  # base deleted under instance C, image not listed
LISTED = [PRESENT, DELETED, ORPHAN]

pytestmark = pytest.mark.skipif(shutil.which("qemu-img") is None, reason="needs qemu-img (qemu-utils)")


def sha1(image_id: str) -> str:
    """Nova's name for the cached base image of ``image_id``."""
    return hashlib.sha1(image_id.encode()).hexdigest()


def qemu_img(*args: str) -> None:
    subprocess.run(["qemu-img", *args], check=True, capture_output=True)


def snapshot(tree: Path) -> dict[str, tuple]:
    """Path -> (mtime_ns, size, sha256 of the content) of every entry under ``tree``."""
    entries = {}
    for path in sorted(tree.rglob("*")):
        stat = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        entries[str(path.relative_to(tree))] = (stat.st_mtime_ns, stat.st_size, digest)
    return entries


@pytest.fixture(name="instances", scope="module")
def fixture_instances(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Nova instances path: instance A (ok), B and C (base deleted), an orphan base."""
    tree = tmp_path_factory.mktemp("audit") / "instances"
    base = tree / "_base"
    for directory in (base, tree / "locks", tree / "aaaa-0001", tree / "bbbb-0002", tree / "cccc-0003"):
        directory.mkdir(parents=True)
    (tree / "compute_nodes").write_text('{"compute1": 1700000000.0}\n')
    for name in (sha1(PRESENT), sha1(DELETED), sha1(ORPHAN), sha1(GONE), "ephemeral_1_0706d66"):
        qemu_img("create", "-q", "-f", "raw", str(base / name), "1M")
    qemu_img("create", "-q", "-f", "qcow2", "-b", str(base / sha1(PRESENT)), "-F", "raw", str(tree / "aaaa-0001/disk"))
    qemu_img("create", "-q", "-f", "qcow2", "-b", str(base / "ephemeral_1_0706d66"), "-F", "raw",
             str(tree / "aaaa-0001/disk.eph0"))
    qemu_img("create", "-q", "-f", "raw", str(tree / "aaaa-0001/disk.config"), "64K")
    (tree / "aaaa-0001/console.log").write_text("OPENDEPLOY-GUEST-OK\n")
    qemu_img("create", "-q", "-f", "qcow2", "-b", str(base / sha1(DELETED)), "-F", "raw", str(tree / "bbbb-0002/disk"))
    qemu_img("create", "-q", "-f", "qcow2", "-b", str(base / sha1(GONE)), "-F", "raw", str(tree / "cccc-0003/disk"))
    (base / sha1(DELETED)).unlink()
    (base / sha1(GONE)).unlink()
    return tree


def run_audit(instances: Path, report: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    env.pop("SCENARIO", None)
    command = [
        "ansible-playbook", "-i", "localhost,", "-c", "local", "playbooks/audit_base_images.yml",
        "-e", f"ansible_python_interpreter={sys.executable}",
        "-e", "audit_hosts=localhost",
        "-e", f"nova_instances_path={instances}",
        "-e", f"audit_image_ids=[{','.join(LISTED)}]",
        "-e", f"audit_report={report}",
        *extra,
    ]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def recap(output: str) -> dict[str, int]:
    line = re.search(r"^localhost\s+:\s+(.*)$", output, re.MULTILINE)
    assert line, output
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line.group(1))}


@pytest.mark.parametrize("mode", ["run", "check"])
def test_audit_reports_missing_and_unused_base_images_and_changes_nothing(
    instances: Path, tmp_path: Path, mode: str
) -> None:
    before = snapshot(instances)
    report_path = tmp_path / "report.json"
    result = run_audit(instances, report_path, *(["--check"] if mode == "check" else []))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    counts = recap(output)
    assert counts["changed"] == 0 and counts["failed"] == 0, output
    assert snapshot(instances) == before, "the audit changed the instances tree"

    report = json.loads(report_path.read_text())
    assert report["image_ids_from"] == "audit_image_ids"
    assert report["hosts_not_audited"] == []
    host = report["hosts"]["localhost"]
    assert host["instances_path"] == str(instances)
    assert host["instances_path_found"] is True
    # disk, disk.eph0 of A; disk of B and C; disk.config is not an image with a base.
    assert sorted(disk["disk"] for disk in host["disks"]) == [
        str(instances / "aaaa-0001/disk"), str(instances / "aaaa-0001/disk.eph0"),
        str(instances / "bbbb-0002/disk"), str(instances / "cccc-0003/disk"),
    ]
    assert host["errors"] == []

    missing = {disk["instance"]: disk for disk in host["missing_backing_files"]}
    assert sorted(missing) == ["bbbb-0002", "cccc-0003"]
    assert missing["bbbb-0002"]["backing_file"] == str(instances / "_base" / sha1(DELETED))
    assert missing["bbbb-0002"]["image_id"] == DELETED
    assert missing["bbbb-0002"]["image_listed"] is True
    assert missing["cccc-0003"]["image_id"] == "unknown"
    assert missing["cccc-0003"]["image_listed"] is False

    bases = {base["name"]: base for base in host["base_files"]}
    assert sorted(bases) == sorted([sha1(PRESENT), sha1(ORPHAN), "ephemeral_1_0706d66"])
    assert bases[sha1(PRESENT)]["image_id"] == PRESENT
    assert bases[sha1(PRESENT)]["used_by"] == ["aaaa-0001"]
    assert bases[sha1(ORPHAN)]["image_id"] == ORPHAN
    assert bases[sha1(ORPHAN)]["used_by"] == []
    assert bases["ephemeral_1_0706d66"]["kind"] == "ephemeral"
    assert bases["ephemeral_1_0706d66"]["used_by"] == ["aaaa-0001"]

    assert host["unused_base_files"] == [
        {"name": sha1(ORPHAN), "image_id": ORPHAN, "kind": "image", "used_on_other_hosts": []}
    ]
    assert report["summary"] == {"hosts": 1, "disks_checked": 4, "missing_backing_files": 2, "unused_base_files": 1}
    # The readable report is in the output too (the YAML callback folds long lines).
    shown = " ".join(output.split())
    assert f"MISSING backing file {instances / '_base' / sha1(DELETED)}" in shown
    assert f"UNUSED here: {sha1(ORPHAN)} (image {ORPHAN})" in shown


def test_audit_of_a_host_without_instances_path_reports_nothing_found(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    result = run_audit(tmp_path / "absent", report_path)
    assert result.returncode == 0, result.stdout + result.stderr
    host = json.loads(report_path.read_text())["hosts"]["localhost"]
    assert host["instances_path_found"] is False
    assert host["disks_checked"] == 0
    assert host["base_files"] == [] and host["missing_backing_files"] == []


def test_unused_base_file_names_the_other_hosts_that_use_it(tmp_path: Path) -> None:
    # Two hosts with separate instance trees: compute1 keeps an unused copy of
    # the base image compute2's instance runs on.
    trees = {}
    for host in ("compute1", "compute2"):
        tree = tmp_path / host
        (tree / "_base").mkdir(parents=True)
        qemu_img("create", "-q", "-f", "raw", str(tree / "_base" / sha1(PRESENT)), "1M")
        trees[host] = tree
    (trees["compute2"] / "eeee-0005").mkdir()
    qemu_img("create", "-q", "-f", "qcow2", "-b", str(trees["compute2"] / "_base" / sha1(PRESENT)), "-F", "raw",
             str(trees["compute2"] / "eeee-0005/disk"))
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        "computes:\n  hosts:\n"
        + "".join(f"    {host}:\n      ansible_connection: local\n      nova_instances_path: {tree}\n"
                  for host, tree in trees.items())
    )
    report_path = tmp_path / "report.json"
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    result = subprocess.run(
        ["ansible-playbook", "-i", str(inventory), "playbooks/audit_base_images.yml",
         "-e", f"ansible_python_interpreter={sys.executable}", "-e", f"audit_image_ids={PRESENT}",
         "-e", f"audit_report={report_path}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(report_path.read_text())
    assert report["hosts"]["compute1"]["unused_base_files"] == [
        {"name": sha1(PRESENT), "image_id": PRESENT, "kind": "image", "used_on_other_hosts": ["compute2"]}
    ]
    assert report["hosts"]["compute2"]["unused_base_files"] == []
    assert report["summary"]["hosts"] == 2
    shown = " ".join(result.stdout.split())  # the YAML callback folds long lines
    assert f"UNUSED here: {sha1(PRESENT)} (image {PRESENT}), in use on compute2" in shown
