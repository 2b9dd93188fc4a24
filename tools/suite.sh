# shellcheck shell=bash
# The Debian release the test containers and VMs are built from, for the
# tools that build them (sourced: tools/container-image, tools/vm/build-image).
# OPENDEPLOY_SUITE picks it: trixie (Debian 13, OpenStack 2025.1) by default,
# or bookworm (Debian 12, OpenStack Zed). This is the one place that names the
# default: the Makefile, Molecule and the playbooks use the image tag
# `default`, which tools/container-image gives the default suite's image.
OPENDEPLOY_DEFAULT_SUITE=trixie
suite=${OPENDEPLOY_SUITE:-$OPENDEPLOY_DEFAULT_SUITE}
case $suite in
  bookworm|trixie) ;;
  *) printf '%s: OPENDEPLOY_SUITE=%s: the suites are bookworm and trixie\n' "$(basename "$0")" "$suite" >&2; exit 2 ;;
esac
