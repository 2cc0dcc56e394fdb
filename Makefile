# vakt: the two commands a new machine needs, and a few for developers.
#
#   make demo    install what is missing, build, lint the bundled examples and scan two
#                images built from examples/image/ against examples/vulndb/ (exits 0)
#   make check   install, build with ASan+UBSan, run every test
#
# Everything else is CMake presets (dev, asan, release, fuzz): see README.md.

SHELL := /bin/sh
VAKT_RELEASE := build/release/vakt


.PHONY: all deps build demo demo-images check dev fuzz bench format docs clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release

# The demo shows findings; vakt exits 1 when it finds something, which is the point here,
# so only 2 (usage) and 3 (unreadable input) fail the demo.
# The demo images are built from specs in examples/image/, with nothing downloaded.
demo-images: build
	@mkdir -p build/demo
	@/usr/bin/python3 tests/image/mkimage.py examples/image/app.image.json build/demo/app.oci.tar
	@/usr/bin/python3 tests/image/mkimage.py examples/image/hardened.image.json build/demo/hardened.tar
	@rm -f build/demo/vuln.db
	@$(VAKT_RELEASE) db import -q --db build/demo/vuln.db examples/vulndb/debian-tracker.json examples/vulndb/nvd-cve-2.0.json

demo: build demo-images
	@echo
	@echo '== vakt lint examples/kubernetes/  (hardening rules; default threshold LOW)'
	@$(VAKT_RELEASE) lint examples/kubernetes/; rc=$$?; [ $$rc -le 1 ]
	@echo
	@echo '== vakt lint --pss restricted:v1.37 --severity MEDIUM,HIGH,CRITICAL examples/kubernetes/hardened-deployment.yaml  (passes restricted)'
	@$(VAKT_RELEASE) lint --pss restricted:v1.37 --severity MEDIUM,HIGH,CRITICAL examples/kubernetes/hardened-deployment.yaml; rc=$$?; [ $$rc -le 1 ]
	@echo
	@echo '== vakt lint --pss restricted:v1.37 examples/kubernetes/article-deployment.yaml  (the 2021 guide, as written)'
	@$(VAKT_RELEASE) lint --pss restricted:v1.37 --fail-on HIGH examples/kubernetes/article-deployment.yaml; rc=$$?; [ $$rc -le 1 ]
	@echo
	@echo '== vakt lint examples/docker/  (Dockerfiles, compose files, a script with docker run lines)'
	@$(VAKT_RELEASE) lint examples/docker/; rc=$$?; [ $$rc -le 1 ]
	@echo
	@echo "== vakt lint --severity MEDIUM,HIGH,CRITICAL --docker-run '<the guide's hardened line>'"
	@$(VAKT_RELEASE) lint --severity MEDIUM,HIGH,CRITICAL --docker-run 'docker run -d -p 8080:8080 --name web-app --cap-drop=ALL --cap-add=NET_BIND_SERVICE --read-only --tmpfs /tmp coolvds/secure-app:v1'; rc=$$?; [ $$rc -le 1 ]
	@echo
	@echo '== vakt image --db build/demo/vuln.db --list-packages build/demo/app.oci.tar  (an image built here from examples/image/app.image.json, against the demo vulnerability data in examples/vulndb/)'
	@$(VAKT_RELEASE) image --db build/demo/vuln.db --list-packages build/demo/app.oci.tar; rc=$$?; [ $$rc -le 1 ]
	@echo
	@echo '== vakt image --db build/demo/vuln.db --severity HIGH,CRITICAL --ignore-unfixed build/demo/hardened.tar  (the same service, hardened: the CI gate passes)'
	@$(VAKT_RELEASE) image --db build/demo/vuln.db --severity HIGH,CRITICAL --ignore-unfixed build/demo/hardened.tar; rc=$$?; [ $$rc -le 1 ]
	@echo
	@echo '== vakt rules show PSS-runAsNonRoot'
	@$(VAKT_RELEASE) rules show PSS-runAsNonRoot
	@echo
	@echo '== vakt run build/demo/rootfs -- sh -c ...  (a busybox rootfs, hardened by default; needs root)'
	@if [ "$$(id -u)" = 0 ] && [ -x /bin/busybox ]; then \
		mkdir -p build/demo/rootfs/bin && chmod 755 build build/demo build/demo/rootfs && \
		cp /bin/busybox build/demo/rootfs/bin/ && \
		for a in sh id grep touch cat; do ln -sf busybox build/demo/rootfs/bin/$$a; done && \
		$(VAKT_RELEASE) run build/demo/rootfs -- sh -c 'id; grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/uid_map; touch /etc-file || true; touch /tmp/ok && echo "/tmp is writable"'; \
	else echo '(skipped: vakt run needs root here, and busybox-static)'; fi
	@echo
	@echo "== vakt oci policy check, then vakt oci run: runc spec's config.json, tightened by vakt's default policy (needs root)"
	@if [ "$$(id -u)" = 0 ] && [ -x build/demo/rootfs/bin/busybox ] && command -v runc >/dev/null; then \
		rm -rf build/demo/bundle build/demo/oci-state && mkdir -p build/demo/bundle && runc spec -b build/demo/bundle && \
		/usr/bin/python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["root"]["path"]=sys.argv[2]; c["process"]["terminal"]=False; c["process"]["args"]=["sh","-c","grep -E \"^(CapEff|NoNewPrivs|Seccomp):\" /proc/self/status; touch /x 2>/dev/null || echo \"the root is read-only\""]; json.dump(c, open(p,"w"))' build/demo/bundle/config.json "$$(pwd)/build/demo/rootfs" && \
		{ $(VAKT_RELEASE) oci policy check build/demo/bundle/config.json; [ $$? -le 1 ]; } && \
		$(VAKT_RELEASE) oci --root build/demo/oci-state run --bundle build/demo/bundle demo-oci; \
	else echo '(skipped: vakt oci needs root here, busybox-static and runc)'; fi

check: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan -j2

dev: deps
	cmake --preset dev >/dev/null
	cmake --build --preset dev

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz
	@echo "run e.g.: build/fuzz/fuzz/fuzz_lint -max_total_time=300 fuzz/corpus/lint"

bench: build
	bench/lint-bench.sh
	bench/dockerfile-bench.sh
	bench/image-bench.sh
	bench/vuln-bench.sh

docs: dev
	/usr/bin/python3 scripts/gen-rule-docs.py build/dev/vakt

format:
	clang-format -i src/*/*.c src/*/*.h tests/unit/*/*.c fuzz/*.c

clean:
	rm -rf build
