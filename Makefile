# Thin driver over Meson (userspace) and Kbuild (the module, see Kbuild).
# `make demo` and `make check` are the two commands README.md promises.

BUILD      ?= build
MESON_DIR  := $(BUILD)/meson
ASAN_DIR   := $(BUILD)/asan
FUZZ_DIR   := $(BUILD)/fuzz
# The test VM runs under TCG, which has no AVX-512: what runs there is built
# for AVX2 (-Dportable=true), not -march=native (SIGILL in the VM otherwise).
VM_DIR     := $(BUILD)/vm
BIN_DIR    := $(BUILD)/bin
FUZZ_SECS  ?= 60

# Debian 12 packages the build and the tests need.
DEB_PKGS := gcc clang libclang-rt-14-dev meson ninja-build pkg-config python3 \
	libopenblas-dev libdnnl-dev libdrm-dev libpci-dev linux-headers-amd64 kmod \
	qemu-system-x86 linux-image-amd64 busybox-static cpio \
	protobuf-c-compiler libprotobuf-c-dev libonnx-dev python3-torchvision

BINARIES := tools/accelctl/accelctl tools/accelc/accelc tools/demo/accel-mlp-demo

.PHONY: all deps build demo check vmtest bench bench-deps kmod kmod-clean clean

# The newest kernel with both headers (/lib/modules/V/build) and an image
# (/boot/vmlinuz-V): the module is built for the kernel the test VM boots.
# Never a hard-coded version.
KVER ?= $(shell tests/vm/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build

all: build

deps:
	@./tools/install-deps.sh $(DEB_PKGS)

$(MESON_DIR)/build.ninja:
	meson setup $(MESON_DIR) --werror

$(ASAN_DIR)/build.ninja:
	meson setup $(ASAN_DIR) --werror -Db_sanitize=address,undefined -Db_lundef=false \
		--buildtype=debug

$(FUZZ_DIR)/build.ninja:
	CC=clang meson setup $(FUZZ_DIR) -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false --buildtype=debugoptimized

$(VM_DIR)/build.ninja:
	meson setup $(VM_DIR) --werror -Dportable=true

build: deps $(MESON_DIR)/build.ninja
	ninja -C $(MESON_DIR)
	@mkdir -p $(BIN_DIR)
	@# symlinks: the binaries find libaccel.so through their $$ORIGIN-relative rpath
	@for b in $(BINARIES); do ln -sfr $(MESON_DIR)/$$b $(BIN_DIR)/; done

demo: build
	$(BIN_DIR)/accel-mlp-demo

check: build kmod $(ASAN_DIR)/build.ninja $(FUZZ_DIR)/build.ninja $(VM_DIR)/build.ninja
	ninja -C $(ASAN_DIR)
	ninja -C $(FUZZ_DIR)
	ninja -C $(VM_DIR)
	VM_BUILD_DIR=$(VM_DIR) KDIR=$(KDIR) KVER=$(KVER) ./tests/check.sh $(MESON_DIR) $(ASAN_DIR) $(FUZZ_DIR) $(FUZZ_SECS)

# The kernel driver's tests (tests/vm/vm-tests.txt) in a QEMU VM booting
# Debian's kernel; see tests/vm/README.md. VMTEST_FILTER="name ..." runs some,
# VACCEL_PARAMS="param=value ..." loads vaccel.ko with those parameters.
vmtest: build kmod $(VM_DIR)/build.ninja
	ninja -C $(VM_DIR)
	KVER=$(KVER) ./tests/vm/vmtest.sh $(VM_DIR)

kmod: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

kmod-clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

# The model benchmarks also need PyTorch and torchvision (to export the models
# and as a peer) and node + npm (ONNX Runtime through onnxruntime-node,
# installed into $(BUILD)/bench by bench/models.sh); of these make check needs
# only PyTorch and torchvision (tests/compiler/full_models.py: DEB_PKGS). Debian's
# npm conflicts with NodeSource's nodejs, which carries its own npm: only ask
# for them when node or npm is missing.
BENCH_DEB_PKGS := python3-torch python3-torchvision python3-onnx python3-numpy

bench-deps:
	@./tools/install-deps.sh $(BENCH_DEB_PKGS)
	@command -v node >/dev/null && command -v npm >/dev/null || \
		./tools/install-deps.sh nodejs npm || \
		echo "bench: no node/npm; the ONNX Runtime column will be skipped"

bench: build bench-deps
	$(MESON_DIR)/bench/accel-bench
	BENCH_DIR=$(BUILD)/bench ./bench/models.sh $(MESON_DIR)

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
