/* SPDX-License-Identifier: MIT */
/*
 * dev.h - what accelctl knows about one device, whatever its source.
 *
 * Three sources fill these records (one file each): libaccel's own devices
 * (dev_emu.c), DRM nodes through libdrm (dev_drm.c) and PCI accelerators
 * through libpci (dev_pci.c). device.c prints them.
 */
#ifndef ACCELCTL_DEV_H
#define ACCELCTL_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"

/**
 * enum ac_dev_kind - where a device was found.
 * @AC_DEV_EMU: a libaccel device that is not a DRM node (the in-process
 *	"emu" device, and later ones like "sched").
 * @AC_DEV_DRM: a DRM render or accel node.
 * @AC_DEV_PCI: a PCI function that is an accelerator.
 */
enum ac_dev_kind {
	AC_DEV_EMU,
	AC_DEV_DRM,
	AC_DEV_PCI,
};

/** AC_SLOT_MAX - "dddd:bb:dd.f" and its terminator. */
#define AC_SLOT_MAX 16

/**
 * struct ac_pci_info - one PCI function.
 * @slot: "dddd:bb:dd.f".
 * @vendor_id: config space 0x00.
 * @device_id: config space 0x02.
 * @class_id: base class << 8 | subclass (config space 0x0b, 0x0a).
 * @prog_if: config space 0x09.
 * @revision: config space 0x08.
 * @subsys_vendor_id: config space 0x2c (0 if the header has none).
 * @subsys_id: config space 0x2e.
 * @numa_node: NUMA node of the device, -1 if unknown (always in a dump).
 * @vendor: vendor name from pci.ids, "" if unknown.
 * @device: device name from pci.ids, "" if unknown.
 * @class_name: class name from pci.ids, "" if unknown.
 * @kernel_driver: the bound kernel driver (live bus only), "" if none.
 */
struct ac_pci_info {
	char slot[AC_SLOT_MAX];
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t class_id;
	uint8_t prog_if;
	uint8_t revision;
	uint16_t subsys_vendor_id;
	uint16_t subsys_id;
	int numa_node;
	char vendor[128];
	char device[128];
	char class_name[64];
	char kernel_driver[64];
};

/**
 * struct ac_drm_info - one DRM node.
 * @error: 0, or the negative errno that kept us from opening it or reading
 *	its version (the node is listed anyway).
 * @version_major: drmVersion.version_major.
 * @version_minor: drmVersion.version_minor.
 * @version_patch: drmVersion.version_patchlevel.
 * @date: drmVersion.date.
 * @slot: PCI slot of the device behind the node, "" if not on PCI.
 */
struct ac_drm_info {
	int error;
	int version_major;
	int version_minor;
	int version_patch;
	char date[32];
	char slot[AC_SLOT_MAX];
};

/**
 * struct ac_dev - one device.
 * @kind: its source.
 * @name: what `accelctl device info` takes: the libaccel name, the node
 *	path, or the PCI slot.
 * @driver: libaccel backend, DRM driver or bound kernel driver; "" unknown.
 * @description: one human line.
 * @drm: valid for AC_DEV_DRM.
 * @pci: valid for AC_DEV_PCI.
 * @params: vaccel params (emu devices, and DRM nodes of driver "vaccel").
 */
struct ac_dev {
	enum ac_dev_kind kind;
	char name[128];
	char driver[64];
	char description[256];
	struct ac_drm_info drm;
	struct ac_pci_info pci;
	struct ac_params params;
};

/** struct ac_devlist - a growable array of devices. */
struct ac_devlist {
	struct ac_dev *devs;
	size_t count;
	size_t capacity;
};

/** ac_devlist_add() - append a zeroed record; NULL when out of memory. */
struct ac_dev *ac_devlist_add(struct ac_devlist *list);
void ac_devlist_free(struct ac_devlist *list);

/*
 * The sources. *_collect() appends every device the source has (zero is
 * not an error); *_find() fills @dev for one name and returns -ENODEV when
 * the source has no such device. Both return other negative errnos after
 * printing why on stderr, except -ENOMEM, which the caller reports.
 * @details asks for the fields that cost more to read (opening the emu
 * device to read its params).
 */
int emu_devices_collect(struct ac_devlist *list, bool details);
int emu_device_find(const char *name, struct ac_dev *dev);
int drm_devices_collect(struct ac_devlist *list);
int drm_device_find(const char *path, struct ac_dev *dev);
int pci_devices_collect(const char *dump, struct ac_devlist *list);
int pci_device_find(const char *dump, const char *slot, struct ac_dev *dev);

/**
 * pci_slot_parse() - parse "dddd:bb:dd.f" or "bb:dd.f" (domain 0), hex
 * fields, dd < 32, f < 8. Returns 0 and the canonical form in @canon
 * (AC_SLOT_MAX bytes), or -EINVAL.
 */
int pci_slot_parse(const char *s, char *canon);

/** ac_strlcpy() - copy with truncation; @dst is always terminated. */
void ac_strlcpy(char *dst, const char *src, size_t size);

#endif /* ACCELCTL_DEV_H */
