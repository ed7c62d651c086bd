# SwiftEBSD — the two commands a new user types: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DEB_PACKAGES := libpng-dev libtiff-dev libfftw3-dev libopenblas-dev pkg-config libhdf5-dev hdf5-plugin-lzf liblzf1 \
	libcairo2-dev fonts-dejavu-core libjpeg-dev libmicrohttpd-dev
# What only the tests need: a headless browser for the map viewer's page (EBSDViewerTests).
TEST_DEB_PACKAGES := chromium
# Peer tools the tests and benchmarks compare with, side by side on the same data (PyPI, pinned).
PEER_PACKAGES := orix==0.15.0 kikuchipy==0.13.1 pyebsdindex==0.3.10.1 numba==0.68.1 h5py==3.16.0 tifffile==2026.3.3 \
	pandas==2.3.3 pytest==9.0.3 build==1.3.0 wheel==0.45.1
PEER_VENV := .build/peers
OUT := out/demo
EBSD := .build/release/ebsd

# Debian's OpenBLAS detects some virtual CPUs as "Prescott" and runs sgemm
# 4-5x slower; the core type must be in the environment before the process
# starts. (The ebsd and ebsd-bench binaries also set it themselves.)
OPENBLAS_CORETYPE ?= $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo SkylakeX || (grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo Haswell))
ifneq ($(OPENBLAS_CORETYPE),)
export OPENBLAS_CORETYPE
endif

.PHONY: help setup peers build test python-test demo bench clean sample-maps master-patterns

help:
	@echo "make demo   - install what is missing, build (release), run the pipeline on the shipped sample"
	@echo "make test   - install what is missing (Debian packages, the peer tools in .build/peers), run the test suite"
	@echo "make bench  - benchmarks in release mode (JSON lines; the peer tools from .build/peers side by side)"

## Installs the Debian packages that are missing; does nothing when all are present.
setup:
	@missing=""; \
	for p in $(DEB_PACKAGES) $(EXTRA_DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make setup: installing$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@command -v swift >/dev/null || { echo "make setup: the Swift toolchain (swift) is not on PATH; install Swift 6 from swift.org" >&2; exit 1; }

## The peer tools (Python) in their own virtual environment, $(PEER_VENV): made once (reused while the pins match),
## caches warmed serially; tests and benchmarks run them through Tests/Scripts/peer-python. Where PyPI cannot be
## reached the comparisons are skipped and say so.
peers:
	@bash Tests/Scripts/peers-setup.sh $(PEER_VENV) $(PEER_PACKAGES)

build: setup
	swift build -c release --product ebsd

## Tests: the peer environment is made (log: .build/peers.log) while the tests build, then `swift test`.
## A single-node Slurm (Tests/Scripts/slurm-cluster.sh) runs for the cluster tests where it can be started
## (root, apt-get): stopped afterwards by the PIDs it started. Where it cannot, those tests are skipped with the reason.
test:
	@$(MAKE) --no-print-directory setup EXTRA_DEB_PACKAGES="$(TEST_DEB_PACKAGES)" || \
	  { echo "make test: $(TEST_DEB_PACKAGES) could not be installed; the browser test says it is skipped"; \
	    $(MAKE) --no-print-directory setup; }
	@mkdir -p .build; \
	( $(MAKE) --no-print-directory peers > .build/peers.log 2>&1; echo $$? > .build/peers.status ) & \
	build=0; { swift build --build-tests && swift build --product SwiftEBSD; } || build=$$?; \
	wait; cat .build/peers.log; \
	[ $$build -eq 0 ] || exit $$build; [ "$$(cat .build/peers.status)" = 0 ] || exit 1; \
	slurm=$$(mktemp -d -t ebsd-slurm.XXXXXX); \
	bash Tests/Scripts/slurm-cluster.sh start $$slurm; \
	trap 'bash Tests/Scripts/slurm-cluster.sh stop '$$slurm EXIT; \
	EBSD_TEST_SLURM=$$slurm swift test || exit $$?; \
	$(MAKE) --no-print-directory python-test

## The C ABI and the Python package (after `swift test`, which builds libSwiftEBSD.so in .build/debug): a C program
## compiled against include/swiftebsd.h, the wheel built (Swift runtime bundled) and installed into the peer venv,
## then pytest: results against the `ebsd` command, the peers side by side, the README block, the C ABI fuzzed, and
## the wheel in a fresh venv with swift off PATH. Skipped, saying so, only where the peer venv could not be made.
python-test:
	@mkdir -p .build; \
	cc -std=c11 -Wall -Werror -Iinclude Tests/CABI/hough_ni.c -L.build/debug -lSwiftEBSD -Wl,-rpath,$(CURDIR)/.build/debug -lm \
	  -o .build/hough_ni && .build/hough_ni ../shared
	@if [ ! -x $(PEER_VENV)/bin/python ]; then echo "python-test: SKIPPED: no peer environment ($(PEER_VENV)); see .build/peers.log"; exit 0; fi; \
	rm -rf .build/wheel python/build python/swiftebsd.egg-info; \
	SWIFTEBSD_LIB_DIR=$(CURDIR)/.build/debug $(PEER_VENV)/bin/python -m build --wheel --no-isolation --outdir .build/wheel python \
	  > .build/wheel.log 2>&1 || { tail -n 30 .build/wheel.log; exit 1; }; \
	wheel=$$(ls .build/wheel/swiftebsd-*.whl); echo "python-test: built $$wheel ($$(du -h $$wheel | cut -f1))"; \
	$(PEER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps $$wheel && \
	SWIFTEBSD_WHEEL=$(CURDIR)/$$wheel Tests/Scripts/peer-python -m pytest python/tests -q -s -rs --durations=6 -p no:cacheprovider

demo: build
	@echo "== the reference study's protocol on the shipped synthetic Na electrodeposit (SampleMaps/reference-protocol.yaml) =="
	@echo "   Hough -> refinement of the Hough solutions, 2 deg dictionary where they fail -> neighbour check -> wild spikes -> fill 6, 5"
	@echo "   -> 60 deg <111> pseudo-symmetry checked on the patterns -> grains -> IPF-Y/IPF-Z maps -> report"
	$(EBSD) pipeline SampleMaps/reference-protocol.yaml --output $(OUT) --fresh
	@echo
	@echo "demo outputs (report.html, report.md, maps after every step, pictures, grains.csv) are in $(OUT)/:"
	@ls -1 $(OUT)

## Then the Python package (release libSwiftEBSD.so) side by side with PyEBSDIndex and kikuchipy in one process:
## the `swiftebsd-peer` lines of python/tests/test_peers.py, one JSON line per case.
bench: setup peers
	swift build -c release --product ebsd-bench
	swift build -c release --product ebsd
	.build/release/ebsd-bench
	swift build -c release --product SwiftEBSD
	@SWIFTEBSD_LIBRARY_DIR=$(CURDIR)/.build/release PYTHONPATH=$(CURDIR)/python Tests/Scripts/peer-python -m pytest \
	  python/tests/test_peers.py -q -s -p no:cacheprovider | sed -n 's/^swiftebsd-peer //p'

## Regenerates the shipped master patterns and sample maps (deterministic).
master-patterns: build
	for spec in "Na 20" "Na 15" "Na 10" "Li 20" "Li 15" "Li 10" "Al 20" "Cu 20"; do set -- $$spec; \
	  $(EBSD) simulate master --phase $$1 --kv $$2 --compress -o MasterPatterns/$$1-$$2kV-kinematical.tif; done
	for spec in "Na 20" "Li 20" "Li 10" "Al 20" "Cu 20" "Ni 20"; do set -- $$spec; \
	  $(EBSD) simulate master --dynamical --phase $$1 --kv $$2 --compress -o MasterPatterns/$$1-$$2kV-dynamical.tif; done

sample-maps: build
	$(EBSD) simulate map --phase Na --elongation 2.5 -o SampleMaps/na-deposit.ang
	for s in na-foil-topview na-foil-lowdose na-electrodeposit-cross-section li-electrodeposit-cross-section; do \
	  $(EBSD) synth $$s -o SampleMaps/$$s; done

clean:
	rm -rf .build out
