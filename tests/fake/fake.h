/* SPDX-License-Identifier: MIT */
/*
 * fake.h - internal interfaces of the fake vhost-vdpa kernel (libfakevdpa.so).
 *
 * The library is split by concern:
 *   fake_core.c     libc interposition, fd tracking, path redirection, temp
 *                   root, logging, the exit accounting line
 *   fake_scenario.c JSON scenario files -> struct fake_scenario
 *   fake_inject.c   FAKE_VDPA_INJECT / "inject" errno injection
 *   fake_vhost.c    the vhost-vdpa character device: open/release, ioctls,
 *                   write() parsing, device reset
 *   fake_iotlb.c    range tables, the vhost-vdpa IOTLB message handler, the
 *                   parent's translation (set_map / dma_map / platform IOMMU),
 *                   user-memory checks through /proc/self/maps
 *
 * Every kernel rule cites its kernel source (file and function).
 * Everything here is hidden (-fvisibility=hidden); only the interposed libc
 * symbols and the fake_vdpa_* API of fake_vdpa.h are exported.
 */
#ifndef FAKE_H
#define FAKE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fake_uapi.h"
#include "fake_vdpa.h"

#define FAKE_EXPORT __attribute__((visibility("default")))
#define FAKE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define FAKE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Kernel version code: 6.12.117 -> 6012117. */
#define FAKE_KV(a, b, c) ((unsigned long)(a) * 1000000UL + (unsigned long)(b) * 1000UL + (c))

#define FAKE_PAGE_SIZE 4096ULL

/* ------------------------------------------------------------------------ */
/* Scenario (fake_scenario.c)                                                */

enum fake_dma {
	FAKE_DMA_SET_MAP,  /* parent takes the whole table via .set_map */
	FAKE_DMA_DMA_MAP,  /* parent takes each range via .dma_map/.dma_unmap */
	FAKE_DMA_PLATFORM, /* neither: vhost-vdpa drives the platform IOMMU */
};

/* Parent ops a scenario can declare (struct vdpa_config_ops, include/linux/vdpa.h struct vdpa_config_ops). */
enum fake_op {
	FAKE_OP_SUSPEND,
	FAKE_OP_RESUME,
	FAKE_OP_RESET_MAP,
	FAKE_OP_COMPAT_RESET,
	FAKE_OP_GET_VQ_DESC_GROUP,
	FAKE_OP_GET_VQ_GROUP,
	FAKE_OP_SET_GROUP_ASID,
	FAKE_OP_GET_VQ_SIZE,
	FAKE_OP_SET_CONFIG,
	FAKE_OP_GET_VQ_NOTIFICATION,
	FAKE_OP_BIND_MM,
	FAKE_OP_GET_VENDOR_VQ_STATS,
	FAKE_OP_COUNT
};

/* The device's parent in sysfs (drivers/vdpa/vdpa.c, the vdpa bus in sysfs): NULL bus = none (vdpa_sim: /sys/devices/<name>). */
struct fake_parent {
	char *bus;    /* "pci", "auxiliary", "vduse" (the VDUSE class device), or NULL */
	char *bus_id; /* "0000:00:01.0", "mlx5_core.sf.1", the VDUSE device name */
	char *driver; /* driver bound to the parent device, NULL = none */
	char *path;   /* its sysfs directory, "/sys/devices/..." */
};

struct fake_dev_cfg {
	unsigned index; /* N of /dev/vhost-vdpa-N (only when bound to vhost_vdpa) */
	bool has_index;
	char *name;
	char *mgmtdev;	     /* handle ("vdpasim_net", "pci/0000:00:01.0"); NULL = none */
	char *parent_driver; /* informational name of the parent driver */
	struct fake_parent parent;
	char *bound_driver;    /* "vhost_vdpa", "virtio_vdpa" or NULL (unbound) */
	char *driver_override; /* NULL = "(null)" */
	uint32_t vendor_id;
	uint16_t vq_num_min;
	uint32_t device_id;
	uint64_t device_features;
	uint8_t *config; /* config_size bytes (given bytes, then config_pad) */
	uint32_t config_size;
	uint16_t vq_num_max;
	uint32_t nvqs;
	uint32_t ngroups;
	uint32_t nas;
	uint32_t *vq_group;      /* nvqs entries: get_vq_group() */
	uint32_t *vq_desc_group; /* nvqs entries: get_vq_desc_group() */
	uint16_t *vq_size;       /* nvqs entries: get_vq_size() */
	uint64_t iova_first;
	uint64_t iova_last;
	enum fake_dma dma;
	bool va_mode;
	uint32_t ops; /* bit (1u << enum fake_op) per declared op */
	uint64_t parent_backend_features;
	bool has_override;
	uint64_t backend_features_override;
	uint64_t features_required; /* SET_FEATURES must contain these bits */
	bool reset_drops_maps;
	bool reset_identity_fallback;
	bool busy;
	unsigned vduse_minor; /* a VDUSE device: its /dev/vduse/NAME's minor (1, 2, ...); else 0 */
	char *msg_timeout;    /* ...and its msg_timeout file's text ("30") */
	char *disk_sector0;   /* block: the text sector 0 starts with (the rest of the disk is
				 zeros) */
};

/* A management device (netlink MGMTDEV_GET; drivers/vdpa/vdpa.c vdpa_nl_cmd_mgmtdev_get_doit()). */
struct fake_mgmt_cfg {
	char *handle; /* "bus/dev" or "dev" */
	char *bus;    /* NULL for bus-less mgmtdevs (vdpasim_net, vduse) */
	char *dev;
	uint64_t classes; /* bit per virtio device id */
	uint32_t max_vqs;
	uint64_t features;
};

/* One sysfs module parameter (/sys/module/MODULE/parameters/NAME) or version file. */
struct fake_modparam {
	char *module;
	char *name; /* "version" for /sys/module/MODULE/version */
	char *value;
};

/*
 * A process of the fake host (its /proc/PID, fake_proc.c): the processes a scenario lists are
 * the host's whole process table as /proc shows it.
 */
struct fake_fd_cfg {
	int fd;
	int dev_index; /* N of /dev/vhost-vdpa-N, or -1 */
	char *path;    /* else: a real file the descriptor refers to ("/dev/null") */
	int vduse_dev; /* else: index into devs[] of a VDUSE device, the fd is on its
			  /dev/vduse/NAME (the daemon's control device); -1 otherwise */
	unsigned flags; /* open flags as fdinfo shows them (octal in "flags:") */
};

/* When the process exits while being read: from this step on its /proc entries are gone. */
enum fake_exit_at { FAKE_EXIT_NEVER, FAKE_EXIT_FD_DIR, FAKE_EXIT_FD_LINK, FAKE_EXIT_FDINFO,
		    FAKE_EXIT_COMM, FAKE_EXIT_CMDLINE };

struct fake_proc_cfg {
	int pid;
	unsigned uid;
	char *comm;
	char state;    /* /proc/PID/stat's state letter: 'S' (default), 'R', 'T' (stopped), ... */
	char *cmdline; /* NUL-separated arguments, each with its NUL */
	size_t cmdline_len;
	struct fake_fd_cfg *fds;
	size_t nfds;
	enum fake_exit_at exit_at;
};

struct fake_scenario {
	char *path;
	char *kernel;
	unsigned long kver;
	char *machine;
	unsigned major;
	bool module;
	unsigned max_iotlb_entries;
	struct fake_dev_cfg *devs;
	size_t ndevs;
	char **inject;
	size_t ninject;
	char **delay;
	size_t ndelay;
	/* sysfs and netlink (fake_sysfs.c, fake_netlink.c) */
	bool vdpa_bus;	   /* /sys/bus/vdpa exists (the vdpa core is loaded) */
	bool vdpa_netlink; /* the "vdpa" generic netlink family exists */
	uint16_t family_id;
	bool u64_pad; /* nla_put_u64_64bit emits VDPA_ATTR_PAD (no efficient unaligned access) */
	unsigned vduse_major;
	struct fake_mgmt_cfg *mgmt;
	size_t nmgmt;
	struct fake_modparam *params;
	size_t nparams;
	char **nl_faults;
	size_t nnl_faults;
	bool datapath; /* devices process their virtqueues (fake_datapath.c) */
	struct fake_proc_cfg *procs; /* the host's processes (/proc/PID), none by default */
	size_t nprocs;
	bool host_procs; /* "host_processes": /proc is the real one (benchmarks) */
};

/* Loads and validates; any problem ends the process with a message. */
void fake_scenario_load(const char *path, struct fake_scenario *sc);
/* "6.12.117" -> FAKE_KV(6, 12, 117); *ok = false if unparsable. */
unsigned long fake_parse_kver(const char *s, bool *ok);
const char *fake_op_name(unsigned op);

/* Management device of a device, NULL if none. */
const struct fake_mgmt_cfg *fake_mgmt_of(const struct fake_scenario *sc,
					 const struct fake_dev_cfg *d);

static inline bool fake_has_op(const struct fake_dev_cfg *c, enum fake_op op)
{
	return (c->ops >> op) & 1u;
}

/* ------------------------------------------------------------------------ */
/* Core services (fake_core.c)                                               */

_Noreturn void fake_die(const char *fmt, ...) FAKE_PRINTF(1, 2);
void fake_log(const char *fmt, ...) FAKE_PRINTF(1, 2);
bool fake_log_enabled(void);
/* "EBUSY", "ENOTSUPP" (524), or "E<n>". */
const char *fake_errname(int err);
/* errno value for a name such as "EBUSY"; -1 if unknown. */
int fake_errno_lookup(const char *name);

/* One lock serialises all emulation state (devices, tables, injection). */
extern pthread_mutex_t fake_lock;
/* A scenario is loaded and the emulation is on. */
bool fake_active(void);

/* The next (real) libc functions, for the library's own I/O. */
int fake_real_open(const char *path, int flags, mode_t mode);
ssize_t fake_real_read(int fd, void *buf, size_t len);
ssize_t fake_real_write(int fd, const void *buf, size_t len);
int fake_real_close(int fd);

/* ------------------------------------------------------------------------ */
/* Injection (fake_inject.c)                                                 */

enum fake_inj_op {
	FAKE_INJ_OPEN,
	FAKE_INJ_OPENDIR,
	FAKE_INJ_STAT,
	FAKE_INJ_ACCESS,
	FAKE_INJ_IOCTL,
	FAKE_INJ_WRITE,
	FAKE_INJ_READ,
	FAKE_INJ_FSTAT,
	FAKE_INJ_CLOSE,
	FAKE_INJ_UNAME,
	FAKE_INJ_NETLINK, /* target: a command name (VDPA_CMD_DEV_GET, CTRL_CMD_GETFAMILY) */
};

/* Parse one "op[:target][@n][#dev]=ERRNO" spec; dies with a message naming
 * origin on error. */
void fake_inject_add(const char *spec, const char *origin);
/* Parse a ';'-separated list. */
void fake_inject_add_list(const char *list, const char *origin);
/* Count the call and return the errno to inject (0 = none).  target is the
 * path, ioctl name or IOTLB message name; dev is the device index or -1. */
int fake_inject_check(enum fake_inj_op op, const char *target, int dev);

/* FAKE_VDPA_DELAY / "delay": same syntax with =MILLISECONDS. */
void fake_delay_add(const char *spec, const char *origin);
void fake_delay_add_list(const char *list, const char *origin);
/* Count the call; milliseconds to sleep before it (0 = none). Called with the lock held. */
unsigned long fake_delay_check(enum fake_inj_op op, const char *target, int dev);
/* Log "delay OP TARGET MS" and sleep the full time (nanosleep resumed after EINTR). Called
 * WITHOUT the lock, so that signal handlers may still close descriptors meanwhile. */
void fake_delay_sleep(const char *what, unsigned long ms);
/* The op's name as the specs spell it ("ioctl", "open", ...). */
const char *fake_inj_op_name(enum fake_inj_op op);

/* ------------------------------------------------------------------------ */
/* Range tables and user memory (fake_iotlb.c)                               */

struct fake_map {
	uint64_t start;
	uint64_t last; /* inclusive */
	uint64_t uaddr;
	uint8_t perm;
	uint64_t pinned; /* pages accounted (PA mode) */
};

struct fake_iotlb {
	struct fake_map *v; /* sorted by start, never overlapping */
	size_t n;
	size_t cap;
};

void fake_iotlb_clear(struct fake_iotlb *t);
int fake_iotlb_copy(struct fake_iotlb *dst, const struct fake_iotlb *src);
/* Returns 0 or -ENOMEM / -ENOSPC (limit, 0 = none). */
int fake_iotlb_add(struct fake_iotlb *t, uint64_t start, uint64_t last, uint64_t uaddr,
		   uint8_t perm, uint64_t pinned, size_t limit);
const struct fake_map *fake_iotlb_first(const struct fake_iotlb *t, uint64_t start, uint64_t last);

/* Process memory as the kernel sees it (from /proc/self/maps). */
bool fake_user_ok(const void *addr, size_t len, bool write);
int fake_copy_from_user(void *dst, const void *usrc, size_t len);
int fake_copy_to_user(void *udst, const void *src, size_t len);

/* ------------------------------------------------------------------------ */
/* Devices (fake_vhost.c, handler in fake_iotlb.c)                           */

struct fake_vq {
	uint32_t num; /* vhost copy of SET_VRING_NUM */
	bool ready;
	uint32_t addr_flags;
	uint64_t desc;
	uint64_t avail;
	uint64_t used;
	uint64_t log;
	uint32_t base; /* parent vq state (split: last_avail_idx) */
	int kick;      /* eventfd numbers as passed in, -1 = none */
	int call;
	int err;
	uint32_t busyloop;
	uint16_t last_used; /* device side: next used index (fake_datapath.c) */
};

struct fake_dev {
	const struct fake_dev_cfg *cfg;
	unsigned long kver;
	unsigned major;
	size_t max_iotlb_entries;

	/* vDPA device (parent) state: lives as long as the process, like the
	 * device itself outlives any open file. */
	uint8_t *config;
	uint8_t status;
	uint64_t driver_features;
	bool features_valid;
	bool suspended;
	uint32_t *group_asid;      /* ngroups */
	struct fake_vq *vqs;       /* nvqs */
	struct fake_iotlb *parent; /* nas: the translation the device uses */
	bool *parent_identity;     /* nas: identity/passthrough fallback on */
	uint64_t set_map_pushes;
	bool datapath; /* the scenario's "datapath": virtqueues are processed on kicks */

	/* vhost-vdpa file state: meaningful while opened. */
	bool opened;
	int fmode; /* O_ACCMODE bits of the open */
	pid_t owner;
	uint64_t acked_backend;
	struct fake_iotlb *as; /* nas: vhost-vdpa's own IOTLB per ASID */
	bool *as_exists;
	bool in_batch;
	uint32_t batch_asid;
	int config_call;
};

/* Process-wide pinned pages (mm->pinned_vm, "VmPin"). */
extern uint64_t fake_pinned_pages;

void fake_devs_init(const struct fake_scenario *sc);
struct fake_dev *fake_dev_by_index(unsigned index);
size_t fake_dev_count(void);
struct fake_dev *fake_dev_at(size_t i);

int fake_dev_open(struct fake_dev *d, int flags);
void fake_dev_release(struct fake_dev *d);
/* Returns 0 or -errno; detail gets a short human string for the log. */
int fake_dev_ioctl(struct fake_dev *d, unsigned long req, void *arg, char *detail, size_t dlen);
/* Returns bytes "written" or -errno; *inner gets the handler errno that
 * became EFAULT, for the log. */
ssize_t fake_dev_write(struct fake_dev *d, const void *buf, size_t count, char *detail,
		       size_t dlen, int *inner);
/* IOTLB message type of a write() buffer (no side effects); -1 if unreadable. */
int fake_write_peek_type(const void *buf, size_t count);

const char *fake_ioctl_name(unsigned long req);
bool fake_ioctl_lookup(const char *name, unsigned long *req);
const char *fake_iotlb_type_name(unsigned type);
int fake_iotlb_type_lookup(const char *name);

/* Version gates (drivers/vhost/vdpa.c vhost_vdpa_set_features(); drivers/vhost/vdpa.c vhost_vdpa_has_persistent_map(), Linux 6.7; include/linux/vdpa.h struct vdpa_config_ops). */
bool fake_kv_rules67(unsigned long kver); /* IOTLB_PERSIST, DESC_ASID, compat reset */
bool fake_kv_has_asid(unsigned long kver);

/* IOTLB message handler and parent translation (fake_iotlb.c). */
int fake_iotlb_msg(struct fake_dev *d, uint32_t asid, const struct vhost_iotlb_msg *msg);
/* Parent reset effect; drop = the parent throws its translation away. */
void fake_parent_reset(struct fake_dev *d, bool drop);
/* release(): tear vhost-vdpa's tables down (drivers/vhost/vdpa.c vhost_vdpa_open()/vhost_vdpa_release()). */
void fake_vhost_teardown(struct fake_dev *d);
/* Parent restored to its initial translation (.reset_map / creation). */
void fake_parent_initial(struct fake_dev *d, uint32_t asid);

/* A write() to fd just happened: if fd is some device's kick eventfd, run the device
 * (fake_datapath.c) and describe it in detail. Called with the lock held. */
bool fake_dp_kick(int fd, char *detail, size_t dlen);

/* ------------------------------------------------------------------------ */
/* sysfs (fake_sysfs.c)                                                      */

/* Build ROOT/sys for the scenario (called once, from the private root set-up). */
void fake_sysfs_build(const struct fake_scenario *sc, const char *root);
/* Does this absolute path fall in a redirected /sys subtree? */
bool fake_sysfs_path(const char *path);

/* ------------------------------------------------------------------------ */
/* /proc/PID of the scenario's processes (fake_proc.c)                       */

/* Build ROOT/proc/PID/{comm,cmdline,fd/,fdinfo/} (called once, from the private root set-up). */
void fake_proc_build(const struct fake_scenario *sc, const char *root);
/* "/proc/<digits>..." (a process directory, whatever the process). */
bool fake_proc_path(const char *path);

enum fake_proc_op { FAKE_PROC_OPEN, FAKE_PROC_OPENDIR, FAKE_PROC_STAT };
/*
 * What @op on the logical /proc path @path does: 0 and the real path to use in @use (ROOT/...
 * or, for a descriptor link, the file it refers to; *dev_index the node's N or -1), or an
 * errno: ENOENT (no such process, descriptor or file; or it exited, exit_at), EACCES (its
 * descriptors, as proc_fd_permission() and ptrace_may_access() refuse another user's to a
 * caller without privilege: euid != 0 and != the process's uid).
 */
struct fake_proc_chr {
	int dev_index;		/* the fd is on /dev/vhost-vdpa-N: N; else -1 */
	bool other;		/* the fd is on another character device (a VDUSE control device) */
	unsigned major, minor;	/* ...its number */
};
int fake_proc_resolve(const struct fake_scenario *sc, const char *root, const char *path,
		      enum fake_proc_op op, char *use, size_t len, struct fake_proc_chr *chr);

/* ------------------------------------------------------------------------ */
/* The vdpa generic netlink peer (fake_netlink.c)                            */

void fake_netlink_init(const struct fake_scenario *sc);
/* Parse one "KIND[:CMD][@N]" fault spec (FAKE_VDPA_NL_FAULT, "netlink_faults"). */
void fake_nl_fault_add(const char *spec, const char *origin);
void fake_nl_fault_add_list(const char *list, const char *origin);

/* Everything below is called with the lock held. */
struct fake_nlsock;
struct fake_nlsock *fake_nl_open(int fd);
struct fake_nlsock *fake_nl_find(int fd);
void fake_nl_close(struct fake_nlsock *s);
bool fake_nl_any(void);
int fake_nl_fd(const struct fake_nlsock *s);
long fake_nl_rcvtimeo(const struct fake_nlsock *s); /* SO_RCVTIMEO in ms, 0 = none */
int fake_nl_bind(struct fake_nlsock *s, const void *addr, unsigned len);
int fake_nl_getsockname(struct fake_nlsock *s, void *addr, unsigned *len);
int fake_nl_setsockopt(struct fake_nlsock *s, int level, int name, const void *val,
		       unsigned len);
int fake_nl_getsockopt(struct fake_nlsock *s, int level, int name, void *val, unsigned *len);
/* A request (one buffer, possibly several messages); returns bytes taken or -errno.
 * *delay_ms / *cmdname tell the caller about a delay spec on the first request. */
ssize_t fake_nl_send(struct fake_nlsock *s, const void *buf, size_t len, char *detail,
		     size_t dlen);
/* The next datagram: copies up to len bytes; *full = its size; pops it unless peek.
 * Returns 0, or -EAGAIN when nothing is queued (the caller waits on the fd). */
int fake_nl_recv(struct fake_nlsock *s, void *buf, size_t len, size_t iov_total, bool peek,
		 size_t *copied, size_t *full, char *detail, size_t dlen);
/* The first command name of a request buffer, for delay/injection targets. */
const char *fake_nl_peek_cmd(const struct fake_nlsock *s, const void *buf, size_t len);

#endif /* FAKE_H */
