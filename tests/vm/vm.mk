# Real-kernel test layer (tests/vm/), included by the top-level Makefile.
# Expects VDPACTL = path of the built vdpactl binary (with a rule that builds it).
#
#   make vm-kernels       build the 6.1 and 6.12 test kernels (cached outside the work tree in
#                         $${XDG_CACHE_HOME:-$$HOME/.cache}/vdpactl/kernels; a warm run costs nothing)
#   make tests/vm/holder  the static helper that holds a device open inside the VM
#   make vm-tools         the real layer's other helpers, in build/vm-tools: for the guest
#                         (static) nlprobe, vduse-mk and the vhost-log.so ioctl logger; for the host
#                         nlprobe, run under the fake kernel
#   make check-real       boot both kernels under QEMU (once) and run tests/bats/real_*.bats
#                         (tests/vm/real-layer.sh)
#   make vm-clean         remove what this fragment built in the work tree (not the kernel cache)

VM_DIR := tests/vm
VM_HOLDER := $(VM_DIR)/holder
VM_HOLDER_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2

VM_TOOLS := build/vm-tools
VM_TOOL_BINS := $(VM_TOOLS)/guest/nlprobe $(VM_TOOLS)/guest/vduse-mk $(VM_TOOLS)/guest/vhost-log.so \
	$(VM_TOOLS)/host/nlprobe

.PHONY: vm-kernels vm-tools check-real vm-clean

vm-kernels:
	$(VM_DIR)/build-kernel.sh all

$(VM_HOLDER): $(VM_DIR)/holder.c
	$(CC) $(VM_HOLDER_CFLAGS) -static -o $@ $<

vm-tools: $(VM_TOOL_BINS)

$(VM_TOOLS)/guest/nlprobe: tests/fake/nlprobe.c
	@mkdir -p $(@D)
	$(CC) $(VM_HOLDER_CFLAGS) -static -o $@ $<

$(VM_TOOLS)/guest/vduse-mk: tests/fake/vduse-mk.c
	@mkdir -p $(@D)
	$(CC) $(VM_HOLDER_CFLAGS) -static -o $@ $<

# the LD_PRELOAD logger of the guest's QEMU's vhost ioctls (what it acks)
$(VM_TOOLS)/guest/vhost-log.so: $(VM_DIR)/vhost-log.c
	@mkdir -p $(@D)
	$(CC) $(VM_HOLDER_CFLAGS) -shared -fPIC -o $@ $< -ldl

$(VM_TOOLS)/host/nlprobe: tests/fake/nlprobe.c
	@mkdir -p $(@D)
	$(CC) $(VM_HOLDER_CFLAGS) -o $@ $<

check-real: $(VDPACTL) $(VM_HOLDER) vdpactl-testhooks tests/fake/libfakevdpa.so vm-tools vm-kernels
	$(if $(VDPACTL),,$(error VDPACTL (the vdpactl binary) must be set before including tests/vm/vm.mk))
	VDPACTL=$(abspath $(VDPACTL)) HOLDER=$(abspath $(VM_HOLDER)) $(VM_DIR)/real-layer.sh

vm-clean:
	rm -f $(VM_HOLDER) $(VM_TOOL_BINS)
