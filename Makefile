# sdfg-fpga: `make demo` installs and runs the main job on an example, `make test` installs and
# runs every test, `make bench` prints the performance figures.

NODE_DEPS := node_modules/.sdfg-fpga-installed
# dist/ is rebuilt only when a TypeScript source or the compiler settings changed.
TS_SOURCES := $(shell find src -name '*.ts') tsconfig.json package.json
DIST := dist/.sdfg-fpga-built

.PHONY: all install deps build demo test bench clean

all: build

# npm ci also builds dist/ (the `prepare` script): mark it built, so it is not compiled twice.
$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
	mkdir -p dist && touch $(DIST)

$(DIST): $(TS_SOURCES) | $(NODE_DEPS)
	npm run build
	touch $@

install: $(NODE_DEPS) deps

deps:
	./tools/install-deps.sh

build: install $(DIST)

demo: build
	npx sdfg-fpga platforms
	npx sdfg-fpga emulate stencils/hdiff.json --outputs out/demo/emulated
	npx sdfg-fpga generate stencils/hdiff.json --target xilinx --platform u280 -o out/demo/hdiff_u280 --force
	npx sdfg-fpga generate stencils/hdiff.json --target intel --platform 520n -o out/demo/hdiff_520n --force
	npx sdfg-fpga report stencils/hdiff.json --platform u280 -W 8
	@echo "Projects for hdiff: out/demo/hdiff_u280 (Vitis, U280) and out/demo/hdiff_520n (Intel OpenCL, 520N); see their README.md"

test: build
	npx tsc -p tsconfig.json --noEmit
	npx vitest run

bench: build
	node bench/published.mjs
	node bench/run.mjs

clean:
	rm -rf dist out
