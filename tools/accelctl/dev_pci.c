// SPDX-License-Identifier: MIT
/*
 * dev_pci.c - PCI accelerators through libpci, from the live bus or from a
 * recorded `lspci -x` dump (libpci's "dump" access method).
 *
 * What counts as an accelerator:
 *  - class 0x12 (processing accelerators), any vendor;
 *  - class 0x03 (display: VGA 0x0300, 3D 0x0302, other 0x0380) of vendors
 *    whose display-class functions are compute parts, listed in
 *    pci_accel_vendors[]; Intel only for 3D and "other" display
 *    controllers, because its VGA functions are integrated graphics.
 *
 * libpci reports fatal errors through a callback that must not return; it
 * longjmp()s back to pci_walk(), which then still runs pci_cleanup().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pci/pci.h>

#include "accelctl.h"
#include "dev.h"

#define PCI_BASE_CLASS_ACCEL 0x12
#define PCI_BASE_CLASS_DISPLAY_ 0x03 /* pci.h names it PCI_BASE_CLASS_DISPLAY */

/**
 * struct pci_accel_vendor - a vendor whose display-class functions count.
 * @vendor_id: PCI vendor id.
 * @non_vga_only: only classes 0x0302 and 0x0380 count, not VGA 0x0300.
 */
static const struct pci_accel_vendor {
	uint16_t vendor_id;
	bool non_vga_only;
} pci_accel_vendors[] = {
	{ 0x10de, false }, /* NVIDIA */
	{ 0x1002, false }, /* AMD (ATI) */
	{ 0x1da3, false }, /* Habana Labs */
	{ 0x8086, true },  /* Intel: Data Center GPU Max/Flex, not iGPUs */
	{ 0x17cb, false }, /* Qualcomm (Cloud AI 100) */
	{ 0x1e26, false }, /* Graphcore */
	{ 0x1e52, false }, /* Tenstorrent */
	{ 0x1ae0, false }, /* Google (TPU) */
	{ 0x1de0, false }, /* Groq */
	{ 0x19e5, false }, /* Huawei (Ascend) */
};

static bool pci_is_accelerator(uint16_t vendor_id, uint16_t class_id)
{
	if ((class_id >> 8) == PCI_BASE_CLASS_ACCEL)
		return true;
	if ((class_id >> 8) != PCI_BASE_CLASS_DISPLAY_)
		return false;
	for (size_t i = 0; i < sizeof(pci_accel_vendors) / sizeof(pci_accel_vendors[0]); i++) {
		const struct pci_accel_vendor *v = &pci_accel_vendors[i];

		if (v->vendor_id == vendor_id)
			return !v->non_vga_only || class_id == 0x0302 || class_id == 0x0380;
	}
	return false;
}

int pci_slot_parse(const char *s, char *canon)
{
	unsigned int domain = 0, bus, dev, fn;
	int used = -1;

	/* Hex fields only: reject signs and spaces that sscanf would skip. */
	for (const char *p = s; *p; p++) {
		if (!strchr("0123456789abcdefABCDEF:.", *p))
			return -EINVAL;
	}
	if (sscanf(s, "%4x:%2x:%2x.%1x%n", &domain, &bus, &dev, &fn, &used) != 4 ||
	    (size_t)used != strlen(s)) {
		domain = 0;
		used = -1;
		if (sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &used) != 3 ||
		    (size_t)used != strlen(s))
			return -EINVAL;
	}
	if (dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(canon, AC_SLOT_MAX, "%04x:%02x:%02x.%u", domain, bus, dev, fn);
	return 0;
}

/* Where the libpci error callback jumps back to; one walk at a time. */
static jmp_buf pci_jmp;

static void __attribute__((noreturn, format(printf, 1, 2))) pci_error_cb(char *msg, ...)
{
	va_list ap;

	fputs("accelctl: libpci: ", stderr);
	va_start(ap, msg);
	vfprintf(stderr, msg, ap);
	va_end(ap);
	fputc('\n', stderr);
	longjmp(pci_jmp, 1);
}

static void __attribute__((format(printf, 1, 2))) pci_warning_cb(char *msg, ...)
{
	va_list ap;

	fputs("accelctl: libpci: warning: ", stderr);
	va_start(ap, msg);
	vfprintf(stderr, msg, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((format(printf, 1, 2))) pci_debug_cb(char *msg, ...)
{
	(void)msg;
}

/*
 * NO_NUMBERS: NULL for an unknown id, so the JSON can say null. NO_HWDB:
 * names come from pci.ids alone (libpci's udev hwdb path also leaks its udev
 * context, which the ASan build reports).
 */
#define PCI_NAME_FLAGS (PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB)

/* A pci_lookup_name() result into @buf: "" when the database lacks the id. */
static void pci_name_copy(char *buf, size_t size, const char *name)
{
	/* libpci may return a pointer into its own table rather than @buf. */
	if (!name)
		buf[0] = '\0';
	else if (name != buf)
		ac_strlcpy(buf, name, size);
}

/* Fill @info from a libpci device; @live: from the running machine. */
static void pci_info_fill(struct pci_access *pacc, struct pci_dev *pd, bool live,
			  struct ac_pci_info *info)
{
	unsigned int want = PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT |
			    PCI_FILL_SUBSYS | PCI_FILL_NUMA_NODE;
	unsigned int have;

	/* The bound driver is a fact of this machine, not of a recorded one. */
	if (live)
		want |= PCI_FILL_DRIVER;
	have = (unsigned int)pci_fill_info(pd, (int)want);
	memset(info, 0, sizeof(*info));
	snprintf(info->slot, sizeof(info->slot), "%04x:%02x:%02x.%u", (unsigned int)pd->domain,
		 pd->bus, pd->dev, pd->func);
	info->vendor_id = pd->vendor_id;
	info->device_id = pd->device_id;
	info->class_id = pd->device_class;
	if (have & PCI_FILL_CLASS_EXT) {
		info->prog_if = pd->prog_if;
		info->revision = pd->rev_id;
	}
	if (have & PCI_FILL_SUBSYS) {
		info->subsys_vendor_id = pd->subsys_vendor_id;
		info->subsys_id = pd->subsys_id;
	}
	info->numa_node = (have & PCI_FILL_NUMA_NODE) ? pd->numa_node : -1;
	if (live && (have & PCI_FILL_DRIVER)) {
		const char *drv = pci_get_string_property(pd, PCI_FILL_DRIVER);

		ac_strlcpy(info->kernel_driver, drv ? drv : "", sizeof(info->kernel_driver));
	}
	pci_name_copy(info->vendor, sizeof(info->vendor),
		      pci_lookup_name(pacc, info->vendor, sizeof(info->vendor),
				      PCI_LOOKUP_VENDOR | PCI_NAME_FLAGS, info->vendor_id));
	pci_name_copy(info->device, sizeof(info->device),
		      pci_lookup_name(pacc, info->device, sizeof(info->device),
				      PCI_LOOKUP_DEVICE | PCI_NAME_FLAGS, info->vendor_id,
				      info->device_id));
	pci_name_copy(info->class_name, sizeof(info->class_name),
		      pci_lookup_name(pacc, info->class_name, sizeof(info->class_name),
				      PCI_LOOKUP_CLASS | PCI_NAME_FLAGS, info->class_id));
}

static void pci_dev_fill(struct ac_dev *dev, const struct ac_pci_info *info)
{
	dev->kind = AC_DEV_PCI;
	dev->pci = *info;
	ac_strlcpy(dev->name, info->slot, sizeof(dev->name));
	ac_strlcpy(dev->driver, info->kernel_driver, sizeof(dev->driver));
	if (info->vendor[0] && info->device[0])
		snprintf(dev->description, sizeof(dev->description), "%s %s", info->vendor,
			 info->device);
	else /* not in pci.ids: say what is known and the ids */
		snprintf(dev->description, sizeof(dev->description), "%s device %04x:%04x",
			 info->vendor[0] ? info->vendor : "Unknown vendor's", info->vendor_id,
			 info->device_id);
}

typedef int (*pci_visit_fn)(const struct ac_pci_info *info, void *ctx);

/*
 * Call @fn for every function on the bus (or in the dump) until it returns
 * non-zero; return that, 0, or a negative errno.
 */
static int pci_walk(const char *dump, pci_visit_fn fn, void *ctx)
{
	struct pci_access *volatile pacc;
	volatile int ret = 0;
	struct pci_dev *pd;
	bool live = !dump;

	if (dump) {
		/* Say plainly what is wrong rather than libpci's generic error. */
		if (access(dump, R_OK)) {
			ret = -errno;
			ac_err("cannot read PCI dump %s: %s", dump, strerror(errno));
			return ret;
		}
	} else if (access("/sys/bus/pci", F_OK) && access("/proc/bus/pci", F_OK)) {
		return 0; /* no PCI bus visible (a container, a non-PCI machine) */
	}
	pacc = pci_alloc();
	if (!pacc)
		return -ENOMEM;
	pacc->error = pci_error_cb;
	pacc->warning = pci_warning_cb;
	pacc->debug = pci_debug_cb;
	if (setjmp(pci_jmp)) {
		ret = -EIO;
		goto out_cleanup;
	}
	if (dump) {
		pacc->method = PCI_ACCESS_DUMP;
		if (pci_set_param(pacc, "dump.name", (char *)dump)) {
			ac_err("libpci has no dump.name parameter");
			ret = -ENOTSUP;
			goto out_cleanup;
		}
	}
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (pd = pacc->devices; pd && !ret; pd = pd->next) {
		struct ac_pci_info info;

		pci_info_fill(pacc, pd, live, &info);
		ret = fn(&info, ctx);
	}
out_cleanup:
	pci_cleanup(pacc);
	return ret;
}

static int pci_collect_visit(const struct ac_pci_info *info, void *ctx)
{
	struct ac_devlist *list = ctx;
	struct ac_dev *dev;

	if (!pci_is_accelerator(info->vendor_id, info->class_id))
		return 0;
	dev = ac_devlist_add(list);
	if (!dev)
		return -ENOMEM;
	pci_dev_fill(dev, info);
	return 0;
}

static int pci_dev_cmp(const void *a, const void *b)
{
	/* Canonical slots are fixed-width lowercase hex: text order is bus order. */
	return strcmp(((const struct ac_dev *)a)->pci.slot, ((const struct ac_dev *)b)->pci.slot);
}

int pci_devices_collect(const char *dump, struct ac_devlist *list)
{
	size_t first = list->count;
	int ret;

	ret = pci_walk(dump, pci_collect_visit, list);
	/* libpci's order is the access method's; list in bus order instead. */
	if (!ret && list->count - first > 1)
		qsort(list->devs + first, list->count - first, sizeof(*list->devs), pci_dev_cmp);
	return ret;
}

struct pci_find_ctx {
	const char *slot; /* canonical */
	struct ac_pci_info info;
	bool found;
};

static int pci_find_visit(const struct ac_pci_info *info, void *ctx)
{
	struct pci_find_ctx *f = ctx;

	if (strcmp(info->slot, f->slot) != 0)
		return 0;
	f->info = *info;
	f->found = true;
	return 1; /* stop the walk */
}

int pci_device_find(const char *dump, const char *slot, struct ac_dev *dev)
{
	char canon[AC_SLOT_MAX];
	struct pci_find_ctx f = { .slot = canon };
	int ret;

	if (pci_slot_parse(slot, canon))
		return -ENODEV;
	ret = pci_walk(dump, pci_find_visit, &f);
	if (ret < 0)
		return ret;
	if (!f.found)
		return -ENODEV;
	if (!pci_is_accelerator(f.info.vendor_id, f.info.class_id)) {
		ac_err("%s is not an accelerator (class %04x, %s)", canon, f.info.class_id,
		       f.info.class_name[0] ? f.info.class_name : "unknown class");
		return -EINVAL;
	}
	pci_dev_fill(dev, &f.info);
	return 0;
}
