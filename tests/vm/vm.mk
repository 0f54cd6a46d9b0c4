# Real-kernel test layer (tests/vm/), included by the top-level Makefile.
# Expects VDPACTL = path of the built vdpactl binary (with a rule that builds it).
#
#   make vm-kernels       build the 6.1 and 6.12 test kernels (cached outside the work tree in
#                         $${XDG_CACHE_HOME:-$$HOME/.cache}/vdpactl/kernels; a warm run costs nothing)
#   make tests/vm/holder  the static helper that holds a device open inside the VM
#   make check-real       boot both kernels under QEMU (once) and run tests/bats/real_*.bats
#   make vm-clean         remove what this fragment built in the work tree (not the kernel cache)

VM_DIR := tests/vm
VM_HOLDER := $(VM_DIR)/holder
VM_HOLDER_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2

.PHONY: vm-kernels check-real vm-clean

vm-kernels:
	$(VM_DIR)/build-kernel.sh all

$(VM_HOLDER): $(VM_DIR)/holder.c
	$(CC) $(VM_HOLDER_CFLAGS) -static -o $@ $<

check-real: $(VDPACTL) $(VM_HOLDER) vm-kernels
	$(if $(VDPACTL),,$(error VDPACTL (the vdpactl binary) must be set before including tests/vm/vm.mk))
	VDPACTL=$(abspath $(VDPACTL)) HOLDER=$(abspath $(VM_HOLDER)) bats tests/bats/real_kernel.bats tests/bats/real_datapath.bats

vm-clean:
	rm -f $(VM_HOLDER)
