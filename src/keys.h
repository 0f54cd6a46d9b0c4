/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keys.h - every JSON key vdpactl emits. Keys are constants of the schema (vdpactl.schema.json),
 * never derived from labels; renaming one is a schema_version change.
 */
#ifndef VDPACTL_KEYS_H
#define VDPACTL_KEYS_H

/*
 * Bumped when a key is renamed, removed or changes type (adding a key or an enum value is not).
 * 2: the netlink feature masks of list became mask objects.
 */
#define SCHEMA_VERSION 2

#define K_SCHEMA_VERSION "schema_version"
#define K_TOOL "tool"
#define K_NAME "name"
#define K_VERSION "version"
#define K_HOST "host"
#define K_KERNEL_RELEASE "kernel_release"
#define K_MACHINE "machine"
#define K_HOSTNAME "hostname"
#define K_MACHINE_ID "machine_id"
#define K_BOOT_ID "boot_id"
#define K_TIME "time"
#define K_COMMAND "command"
#define K_COMPLETE "complete"
#define K_DEVICES "devices"
#define K_SUMMARY "summary"
#define K_EXIT_CODE "exit_code"
#define K_ERRORS "errors"
#define K_FEATURES "features"

/* device */
#define K_CHAR_DEVICE "char_device"
#define K_VDPA_DEVICE "vdpa_device"
#define K_CLASS "class"
#define K_VIRTIO_DEVICE_ID "virtio_device_id"
#define K_MGMTDEV "mgmtdev"
#define K_PARENT "parent"
#define K_HOLDER "holder"
#define K_VDUSE "vduse"
#define K_CONTROL_DEVICE "control_device"
#define K_MSG_TIMEOUT_S "msg_timeout_s"
#define K_DAEMON "daemon"
#define K_STATE "state"
#define K_PROCESSES "processes"
#define K_PID "pid"
#define K_COMM "comm"
#define K_VM "vm"
#define K_BOUND_DRIVER "bound_driver"
#define K_BACKEND_FEATURES "backend_features"
#define K_DEVICE_FEATURES "device_features"
#define K_STATUS "status"
#define K_LIMITS "limits"
#define K_CONFIG "config"
#define K_PROBES "probes"
#define K_VERDICT "verdict"
#define K_REQUIRE "require"
#define K_NOTE "note"
#define K_VDPA "vdpa"
#define K_BUS "bus"
#define K_BUS_ID "bus_id"
#define K_DRIVER "driver"
#define K_VENDOR_ID "vendor_id"
#define K_MAX_VQS "max_vqs"
#define K_MAX_VQ_SIZE "max_vq_size"
#define K_MIN_VQ_SIZE "min_vq_size"
#define K_DRIVER_OVERRIDE "driver_override"
#define K_NETLINK_CONFIG "netlink_config"
#define K_MAC "mac"
#define K_LINK_STATUS "status"
#define K_MAX_VQ_PAIRS "max_vq_pairs"
#define K_MTU "mtu"
#define K_NEGOTIATED_FEATURES "negotiated_features"
#define K_CAPACITY "capacity"
#define K_BLK_SIZE "blk_size"
#define K_SEG_MAX "seg_max"
#define K_SIZE_MAX "size_max"
#define K_NUM_QUEUES "num_queues"
#define K_READ_ONLY "read_only"

/* list */
#define K_MGMTDEVS "mgmtdevs"
#define K_DEV_NAME "dev_name"
#define K_SUPPORTED_CLASSES "supported_classes"
#define K_SUPPORTED_FEATURES "supported_features"
#define K_SOURCES "sources"
#define K_SYSFS "sysfs"
#define K_NETLINK "netlink"
#define K_MODULE_PARAMETERS "module_parameters"
#define K_VHOST_VDPA_MAX_IOTLB_ENTRIES "vhost_vdpa_max_iotlb_entries"
#define K_VDPA_SIM_USE_VA "vdpa_sim_use_va"
#define K_VDPA_SIM_BATCH_MAPPING "vdpa_sim_batch_mapping"
#define K_VDPA_SIM_MAX_IOTLB_ENTRIES "vdpa_sim_max_iotlb_entries"

/* probes and verdict */
#define K_ID "id"
#define K_DURATION_US "duration_us"
#define K_ERROR "error"
#define K_DETAIL "detail"
#define K_BASIS "basis"
#define K_SEVERITY "severity"
#define K_REASON "reason"
#define K_REMEDY "remedy"
#define K_CHECKS "checks"
#define K_ADVERTISED "advertised"
#define K_OBSERVED "observed"
#define K_EVIDENCE "evidence"
#define K_DESCRIPTION "description"
#define K_REQUIRED "required"
#define K_MISSING "missing"
#define K_MET "met"

/* prediction (the table of parent drivers) */
#define K_PREDICTION "prediction"
#define K_PARENT_KIND "parent_kind"
#define K_PERSIST_SINCE "persist_since"
#define K_SOURCE "source"

/* masks */
#define K_RAW "raw"
#define K_NAMES "names"
#define K_UNKNOWN_BITS "unknown_bits"
#define K_IOTLB_PERSIST "iotlb_persist"

/* limits */
#define K_MAX_VRING_SIZE "max_vring_size"
#define K_VQ_COUNT "vq_count"
#define K_CONFIG_SIZE "config_size"
#define K_ADDRESS_SPACES "address_spaces"
#define K_GROUPS "groups"
#define K_IOVA_RANGE "iova_range"
#define K_FIRST "first"
#define K_LAST "last"

/* config */
#define K_BYTES_READ "bytes_read"
#define K_RAW_BYTES "raw_bytes"
#define K_FIELDS "fields"

/* summary */
#define K_SUCCEEDED "succeeded"
#define K_FAILED "failed"
#define K_TRUSTED "trusted"
#define K_UNTRUSTED "untrusted"
#define K_UNKNOWN "unknown"

/* errors */
#define K_CODE "code"
#define K_ERRNO "errno"
#define K_ERRNO_NAME "errno_name"
#define K_OBJECT "object"
#define K_OP "op"
#define K_FIELD "field"
#define K_MESSAGE "message"

/* features catalogue */
#define K_NAMESPACE "namespace"
#define K_BIT "bit"
#define K_MASK "mask"
#define K_SINCE_KERNEL "since_kernel"
#define K_MEANING "meaning"

#endif
