# opendeploy.openstack: one entry point for the product and its tests.
#   make aio        deploy the all-in-one into a local systemd container (and,
#                   for LVM, a storage VM)
#   make test       everything CI runs (lint, unit, Molecule)
# See README.md for the rest.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV      ?= .venv
PYTHON    ?= python3
SCENARIO  ?= lvm
export OPENDEPLOY_CACHE ?= /var/cache/opendeploy
# OPENDEPLOY_SUITE, the Debian release of the containers and VMs make aio and
# the tests start: trixie (OpenStack 2025.1) when it is not set, or bookworm
# (OpenStack Zed). The default is named once, in tools/suite.sh.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

COLLECTION_LINK := .ansible/collections/ansible_collections/opendeploy/openstack
# Molecule scenarios `make test` runs, in order; the slow ones have their own
# targets and README lines.
TEST_SCENARIOS ?= common ceph aio

.PHONY: help deps venv link image vm-image guest-image aio aio-destroy aio-check test lint unit sanity build molecule molecule-all clean constraints benchmark

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: ## Install the Debian packages the harness needs (root).
	tools/install-host-deps

venv: $(VENV)/.installed link ## Build the project virtualenv (pinned toolchain).

$(VENV)/.installed: requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

link: ## Link this checkout in as the opendeploy.openstack collection.
	@mkdir -p $(dir $(COLLECTION_LINK))
	@[ -L $(COLLECTION_LINK) ] || ln -sfn ../../../.. $(COLLECTION_LINK)

image: deps ## Build the local systemd container image (idempotent).
	tools/container-image

aio: venv image ## Deploy the AIO (SCENARIO=lvm) into a local container.
	tools/guest-image/build >/dev/null
	ansible-playbook -i inventories/container playbooks/aio_container.yml -e scenario=$(SCENARIO)

# The storage VM (LVM scenarios) lives under $(OPENDEPLOY_CACHE)/aio/vms:
# destroy with the OPENDEPLOY_CACHE the AIO was made with.
AIO_UNITS = opendeploy-aio-$(SCENARIO).service opendeploy-aio-$(subst _,-,$(SCENARIO))-storage.service
aio-destroy: ## Remove the AIO container of SCENARIO, its storage VM and their boot units.
	if [ -d /run/systemd/system ]; then systemctl disable $(AIO_UNITS) 2>/dev/null || true; fi
	rm -f $(addprefix /etc/systemd/system/,$(AIO_UNITS)) $(addprefix $(OPENDEPLOY_CACHE)/aio/units/,$(AIO_UNITS))
	if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	podman rm --force --ignore opendeploy-aio-$(SCENARIO)
	tools/vm/vmctl stop opendeploy-aio-$(subst _,-,$(SCENARIO))-storage --state-root $(OPENDEPLOY_CACHE)/aio/vms

aio-check: venv ## Prove the AIO works: boot the test guest, a config drive, a volume; timings.
	tools/aio-check $(SCENARIO)

test: lint unit build guest-image molecule-all ## Everything CI runs.

lint: venv ## yamllint, ansible-lint (production profile), ansible-test sanity.
	yamllint --strict .
	ansible-lint --profile production
	tools/sanity

unit: venv image ## Unit tests of the Python plugins and the playbook tests (some start a container of the image).
	pytest

sanity: venv ## ansible-test sanity only.
	tools/sanity

build: venv ## Build the collection tarball into build/.
	ansible-galaxy collection build --force --output-path build .

# Molecule scenarios choose their deployment scenario in their molecule.yml:
# SCENARIO here names the Molecule scenario and must not leak into Ansible.
molecule: venv image ## One Molecule scenario: make molecule SCENARIO=common.
	env -u SCENARIO molecule test -s $(SCENARIO)

molecule-all: venv image ## Every Molecule scenario of make test, then a tally.
	passed=0; failed=0; for scenario in $(TEST_SCENARIOS); do \
	  if env -u SCENARIO molecule test -s $$scenario; then passed=$$((passed + 1)); else failed=$$((failed + 1)); echo "molecule: scenario $$scenario FAILED"; fi; \
	done; echo "molecule: $$passed passed, $$failed failed"; [ $$failed -eq 0 ]

vm-image: deps ## Build the real-kernel VM image of the VM test tier (idempotent).
	tools/vm/build-image

guest-image: deps ## Build the test guest (kernel + busybox initramfs) and boot it once under qemu.
	tools/guest-image/build
	tools/guest-image/selftest

benchmark: venv image ## Converge timings: make benchmark SCENARIO=aio [BENCHMARK_ARGS=--smoke].
	env -u SCENARIO tools/benchmark $(BENCHMARK_ARGS) $(SCENARIO)

constraints: ## Re-pin the toolchain from a fresh resolve.
	rm -rf /tmp/opendeploy-pin && $(PYTHON) -m venv /tmp/opendeploy-pin
	/tmp/opendeploy-pin/bin/pip install --quiet -r requirements.txt
	{ echo '# Exact versions of the toolchain (make constraints).'; /tmp/opendeploy-pin/bin/pip freeze; } > constraints.txt

clean: ## Remove the virtualenv, build output, caches and Molecule instances.
	-[ -x $(VENV)/bin/molecule ] && for s in molecule/*/molecule.yml; do n=$$(basename $$(dirname $$s)); $(VENV)/bin/molecule destroy -s $$n || true; done
	rm -rf $(VENV) .ansible build .pytest_cache
