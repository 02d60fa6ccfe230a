# The two commands of the README: `make demo` and `make test`. Both install what is missing
# (Debian bookworm packages), configure and build incrementally.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# Lets ccache reuse objects between checkouts in different folders (paths hashed relative).
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: all deps configure build test demo package screenshots clean bench fuzz

all: build

deps:
	@bash packaging/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	    $$(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j $(JOBS)

demo: build
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	    echo "No display found: starting the GUI under Xvfb (headless)."; \
	    xvfb-run -a -s "-screen 0 1400x900x24" $(BUILD)/app/kidneyscope --demo; \
	else \
	    $(BUILD)/app/kidneyscope --demo; \
	fi

# libFuzzer on the four input parsers (clang, ASan+UBSan, its own build-fuzz/ folder with only the
# core libraries; tests/fuzz/README.md). FUZZ_SECONDS per harness, default 30.
fuzz: deps
	FUZZ_BUILD=$(CURDIR)/build-fuzz JOBS=$(JOBS) bash tests/fuzz/run-fuzzers.sh

package: build
	cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD)
