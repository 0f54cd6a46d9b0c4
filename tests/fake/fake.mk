# tests/fake/fake.mk - the fake vhost-vdpa kernel (libfakevdpa.so) and its selftest.
#
# Included by the top Makefile.  Targets:
#   tests/fake/libfakevdpa.so   the LD_PRELOAD library (never sanitized)
#   tests/fake/selftest         TAP tests of the library (SAN=1: ASan+UBSan)
#   check-fake                  build both, run the selftest on tests/fake/scenarios
#   fake-clean                  remove what the targets built
# Honours CC; FAKE_CFLAGS (default -O2 -g) adds optimisation/debug flags to both.
# A change of CC, SAN or FAKE_CFLAGS rebuilds (flags are recorded in stamp files).

FAKE_DIR      := tests/fake
FAKE_LIB      := $(FAKE_DIR)/libfakevdpa.so
FAKE_SELFTEST := $(FAKE_DIR)/selftest
FAKE_SRCS     := $(addprefix $(FAKE_DIR)/,fake_core.c fake_scenario.c fake_inject.c \
                   fake_vhost.c fake_iotlb.c fake_sysfs.c fake_netlink.c fake_datapath.c \
                   fake_proc.c)
FAKE_HDRS     := $(addprefix $(FAKE_DIR)/,fake.h fake_uapi.h fake_vdpa.h) src/compat.h

FAKE_CFLAGS   ?= -O2 -g
FAKE_WARN     := -std=c11 -D_GNU_SOURCE -U_FORTIFY_SOURCE -Wall -Wextra $(if $(filter 0,$(WERROR)),,-Werror)
FAKE_JSONC_CFLAGS := $(shell pkg-config --cflags json-c)
FAKE_JSONC_LIBS   := $(shell pkg-config --libs json-c)
fake_comma    := ,
FAKE_SAN_FLAGS := $(if $(filter 1,$(SAN)),-fsanitize=address$(fake_comma)undefined -fno-omit-frame-pointer)
# The selftest preloads the (unsanitized) library into a sanitized binary,
# so ASan must not insist on coming first in the library list.
FAKE_ASAN_ENV := $(if $(filter 1,$(SAN)),ASAN_OPTIONS="$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}verify_asan_link_order=0")

FAKE_LIB_CMD  = $(CC) $(FAKE_WARN) $(FAKE_CFLAGS) -fPIC -shared -fvisibility=hidden \
                $(FAKE_JSONC_CFLAGS) -Wl,-z,defs -o $@ $(FAKE_SRCS) $(FAKE_JSONC_LIBS) \
                -ldl -lpthread
FAKE_TEST_CMD = $(CC) $(FAKE_WARN) $(FAKE_CFLAGS) $(FAKE_SAN_FLAGS) -o $@ \
                $(FAKE_DIR)/selftest.c -ldl

# Rewrite a stamp only when the command line changes, so flag changes rebuild.
define fake_stamp
	@printf '%s\n' '$(subst ','\'',$(1))' | cmp -s - $@ || \
		printf '%s\n' '$(subst ','\'',$(1))' > $@
endef

$(FAKE_DIR)/.lib.flags: FAKE_ALWAYS
	$(call fake_stamp,$(FAKE_LIB_CMD))

$(FAKE_DIR)/.selftest.flags: FAKE_ALWAYS
	$(call fake_stamp,$(FAKE_TEST_CMD))

$(FAKE_LIB): $(FAKE_SRCS) $(FAKE_HDRS) $(FAKE_DIR)/.lib.flags
	$(FAKE_LIB_CMD)

$(FAKE_SELFTEST): $(FAKE_DIR)/selftest.c $(FAKE_DIR)/fake_uapi.h src/compat.h $(FAKE_DIR)/fake_vdpa.h \
                  $(FAKE_DIR)/.selftest.flags
	$(FAKE_TEST_CMD)

check-fake: $(FAKE_LIB) $(FAKE_SELFTEST)
	$(FAKE_ASAN_ENV) LD_PRELOAD=$(abspath $(FAKE_LIB)) $(FAKE_SELFTEST) $(FAKE_DIR)/scenarios

fake-clean:
	rm -f $(FAKE_LIB) $(FAKE_SELFTEST) $(FAKE_DIR)/.lib.flags $(FAKE_DIR)/.selftest.flags

.PHONY: check-fake fake-clean FAKE_ALWAYS
