// SPDX-License-Identifier: MIT
/*
 * device.c - `accelctl device`: list every accelerator, or show one.
 *
 * Text output is a table, one row per device; with -d (and always for
 * `info`) each row is followed by indented "key value" detail lines. JSON
 * output carries the same fields under stable snake_case keys: an array of
 * objects for `list`, one object for `info`. A field that applies to the
 * device's kind but is unknown is null; fields of other kinds are absent.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "accelctl.h"
#include "clients.h"
#include "dev.h"
#include "json_print.h"

/* The driver whose nodes have per-client usage to show. */
#define DEVICE_VACCEL_DRIVER "vaccel"

static const char *const dev_kind_names[] = {
	[AC_DEV_EMU] = "emu",
	[AC_DEV_DRM] = "drm",
	[AC_DEV_PCI] = "pci",
};

/* A string field that may be unknown: "" prints as null. */
static const char *opt_str(const char *s)
{
	return s[0] ? s : NULL;
}

/* The text label of a detail line; see params.c for the same layout. */
static void detail_label(enum output_type type, const char *key)
{
	if (type & PRINT_FP)
		print_string(PRINT_FP, NULL, "    %-20s ", key);
}

static void detail_string(enum output_type type, const char *key, const char *value)
{
	detail_label(type, key);
	print_string(type, key, "%s\n", value);
}

/* A 16-bit id as 4 lowercase hex digits, the way lspci -n prints it. */
static void detail_hex16(enum output_type type, const char *key, unsigned int value)
{
	char hex[8];

	snprintf(hex, sizeof(hex), "%04x", value);
	detail_string(type, key, hex);
}

static void detail_hex8(enum output_type type, const char *key, unsigned int value)
{
	char hex[4];

	snprintf(hex, sizeof(hex), "%02x", value);
	detail_string(type, key, hex);
}

static void device_table_header(void)
{
	print_string(PRINT_FP, NULL, "%-20s ", "NAME");
	print_string(PRINT_FP, NULL, "%-5s ", "KIND");
	print_string(PRINT_FP, NULL, "%-12s ", "DRIVER");
	print_string(PRINT_FP, NULL, "%s\n", "DESCRIPTION");
}

static void device_pci_print(const struct ac_pci_info *pci, bool details)
{
	/* The identity fields are always in JSON, in text only with -d. */
	enum output_type base = details ? PRINT_ANY : PRINT_JSON;

	detail_string(base, "slot", pci->slot);
	detail_hex16(base, "vendor_id", pci->vendor_id);
	detail_hex16(base, "device_id", pci->device_id);
	detail_string(base, "vendor", opt_str(pci->vendor));
	detail_string(base, "device", opt_str(pci->device));
	detail_hex16(base, "class_id", pci->class_id);
	detail_label(base, "numa_node");
	if (pci->numa_node >= 0)
		print_int(base, "numa_node", "%d\n", pci->numa_node);
	else
		print_null(base, "numa_node", "%s\n", "-");
	detail_string(base, "kernel_driver", opt_str(pci->kernel_driver));
	if (!details)
		return;
	detail_string(PRINT_ANY, "class", opt_str(pci->class_name));
	detail_hex8(PRINT_ANY, "prog_if", pci->prog_if);
	detail_hex8(PRINT_ANY, "revision", pci->revision);
	detail_hex16(PRINT_ANY, "subsystem_vendor_id", pci->subsys_vendor_id);
	detail_hex16(PRINT_ANY, "subsystem_device_id", pci->subsys_id);
}

static void device_drm_print(const struct ac_dev *dev, bool details)
{
	const struct ac_drm_info *drm = &dev->drm;
	enum output_type base = details ? PRINT_ANY : PRINT_JSON;
	char version[48];

	detail_string(base, "slot", opt_str(drm->slot));
	if (drm->error) {
		detail_string(base, "driver_version", NULL);
		detail_string(base, "driver_date", NULL);
		detail_string(base, "error", strerror(-drm->error));
		return;
	}
	snprintf(version, sizeof(version), "%d.%d.%d", drm->version_major, drm->version_minor,
		 drm->version_patch);
	detail_string(base, "driver_version", version);
	detail_string(base, "driver_date", opt_str(drm->date));
	detail_string(base, "error", NULL);
}

/* One optional u64 cell of the clients table: "-" / null when absent. */
static void device_client_u64(const char *key, bool has, uint64_t value, bool last)
{
	if (has)
		print_u64(PRINT_ANY, key, last ? "%" PRIu64 : "%-16" PRIu64 " ", value);
	else
		print_null(PRINT_ANY, key, last ? "%s" : "%-16s ", "-");
}

/*
 * The clients of a DRM node from fdinfo: a count line, then one indented
 * row per client in text; a "clients" array of objects in JSON.
 */
static void device_clients_print(const struct ac_clients *c)
{
	detail_label(PRINT_FP, "clients");
	print_uint(PRINT_FP, NULL, "%u\n", (unsigned int)c->count);
	print_uint(PRINT_JSON, "clients_unreadable", "%u", c->unreadable);
	if (c->unreadable)
		print_string(PRINT_FP, NULL,
			     "    (%s)\n", "some processes' fdinfo was not readable: run as root");
	if (c->count)
		print_string(PRINT_FP, NULL, "      %s\n",
			     "PID      COMMAND          CLIENT_ID  ENGINE_COMPUTE_NS "
			     "TOTAL_SYSTEM     RESIDENT_SYSTEM");
	open_json_array(PRINT_JSON, "clients", NULL);
	for (size_t i = 0; i < c->count; i++) {
		const struct ac_client *cl = &c->v[i];

		open_json_object(NULL);
		print_string(PRINT_FP, NULL, "%s", "      ");
		print_int(PRINT_ANY, "pid", "%-8d ", cl->pid);
		print_string(PRINT_ANY, "command", "%-16s ", cl->command);
		print_u64(PRINT_ANY, "client_id", "%-10" PRIu64 " ", cl->client_id);
		/* fdinfo reports nanoseconds and bytes; the keys say so. */
		if (cl->has_engine)
			print_u64(PRINT_ANY, "engine_compute_ns", "%-17" PRIu64 " ",
				  cl->engine_compute_ns);
		else
			print_null(PRINT_ANY, "engine_compute_ns", "%-17s ", "-");
		device_client_u64("total_system_bytes", cl->has_total, cl->total_system, false);
		device_client_u64("resident_system_bytes", cl->has_resident, cl->resident_system,
				  true);
		print_nl();
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
}

/* One device: its table row, then what its kind adds (and @clients, if any). */
static void device_print(const struct ac_dev *dev, bool details, const struct ac_clients *clients)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "%-20s ", dev->name);
	print_string(PRINT_ANY, "kind", "%-5s ", dev_kind_names[dev->kind]);
	print_string(PRINT_ANY, "driver", "%-12s ", opt_str(dev->driver));
	print_string(PRINT_ANY, "description", "%s\n", dev->description);
	switch (dev->kind) {
	case AC_DEV_EMU:
		/* For libaccel devices the driver is the backend; say so too. */
		print_string(PRINT_JSON, "backend", "%s", opt_str(dev->driver));
		break;
	case AC_DEV_DRM:
		device_drm_print(dev, details);
		break;
	case AC_DEV_PCI:
		device_pci_print(&dev->pci, details);
		break;
	}
	if (details)
		params_print(&dev->params);
	if (clients)
		device_clients_print(clients);
	close_json_object();
}

static int device_list(struct accelctl *ac)
{
	struct ac_devlist list = { 0 };
	int ret;

	if (ac_argv(ac)) {
		ac_err("device list takes no argument, got '%s'", ac_argv(ac));
		return -EINVAL;
	}
	/* Collect everything first, so an error leaves no half-printed output. */
	ret = emu_devices_collect(&list, ac->details);
	if (!ret)
		ret = drm_devices_collect(&list);
	if (!ret)
		ret = pci_devices_collect(ac->pci_dump, &list);
	if (ret == -ENOMEM)
		ac_err("out of memory");
	if (!ret) {
		device_table_header();
		open_json_array(PRINT_JSON, NULL, NULL);
		for (size_t i = 0; i < list.count; i++)
			device_print(&list.devs[i], ac->details, NULL);
		close_json_array(PRINT_JSON, NULL);
	}
	ac_devlist_free(&list);
	return ret;
}

/*
 * Which source a name belongs to: a node path (or libaccel's "drm:" form of
 * one) is DRM, a PCI slot is PCI, anything else is a libaccel name.
 */
static int device_find(struct accelctl *ac, const char *name, struct ac_dev *dev)
{
	char slot[AC_SLOT_MAX];

	if (strncmp(name, "drm:", 4) == 0)
		return drm_device_find(name + 4, dev);
	if (name[0] == '/')
		return drm_device_find(name, dev);
	if (!pci_slot_parse(name, slot))
		return pci_device_find(ac->pci_dump, slot, dev);
	return emu_device_find(name, dev);
}

static int device_info(struct accelctl *ac)
{
	const char *name = ac_argv(ac);
	struct ac_clients clients = { 0 };
	bool has_clients = false;
	struct ac_dev dev;
	int ret;

	if (!name) {
		ac_err("device info needs a device name (see 'accelctl device list')");
		return -EINVAL;
	}
	ac_arg_next(ac);
	if (ac_argv(ac)) {
		ac_err("device info takes one device, got also '%s'", ac_argv(ac));
		return -EINVAL;
	}
	memset(&dev, 0, sizeof(dev));
	ret = device_find(ac, name, &dev);
	if (ret == -ENODEV)
		ac_err("device '%s' not found (see 'accelctl device list')", name);
	else if (ret == -ENOMEM)
		ac_err("out of memory");
	if (ret)
		return ret;
	/* Per-client usage: fdinfo of every file open on a vaccel node. */
	if (dev.kind == AC_DEV_DRM && !dev.drm.error && !strcmp(dev.driver, DEVICE_VACCEL_DRIVER)) {
		ret = clients_collect("/proc", dev.name, DEVICE_VACCEL_DRIVER, &clients);
		if (ret) {
			ac_err("%s: cannot list its clients: %s", dev.name, strerror(-ret));
			return ret;
		}
		has_clients = true;
	}
	device_table_header();
	device_print(&dev, true, has_clients ? &clients : NULL);
	clients_free(&clients);
	return 0;
}

void device_help(void)
{
	fputs("Usage: accelctl [OPTIONS] device { list | info DEV | help }\n"
	      "  list       every accelerator: libaccel devices, DRM nodes, PCI functions\n"
	      "  info DEV   everything known about DEV: a libaccel name (emu),\n"
	      "             a DRM node path (/dev/dri/renderD128) or a PCI slot (0000:18:00.0);\n"
	      "             for a vaccel node also its clients' usage from /proc/*/fdinfo\n",
	      stderr);
}

static int device_help_cmd(struct accelctl *ac)
{
	device_help();
	return -EINVAL; /* help is not a result: exit 1, as iproute2 does */
}

int cmd_device(struct accelctl *ac)
{
	static const struct ac_cmd cmds[] = {
		{ "list", device_list },
		{ "show", device_list },
		{ "info", device_info },
		{ "help", device_help_cmd },
		{ NULL, NULL },
	};

	return ac_exec_cmd(ac, cmds, "device command");
}
