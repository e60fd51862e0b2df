/* SPDX-License-Identifier: MIT */
/*
 * clients.h - the DRM clients of one device, from /proc/PID/fdinfo.
 *
 * Every open file of a DRM node is a client; its fdinfo carries the
 * drm-usage-stats keys (fdinfo.h). A client open in several processes (a
 * dup'ed or inherited fd) has one drm-client-id and is listed once, under
 * the lowest pid holding it. Processes whose fdinfo this user may not read
 * are counted, not listed.
 */
#ifndef ACCELCTL_CLIENTS_H
#define ACCELCTL_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct ac_client - one DRM client of the device.
 * @pid: the lowest pid holding it.
 * @command: that process's comm.
 * @client_id: drm-client-id.
 * @has_engine: drm-engine-compute was present.
 * @engine_compute_ns: its value.
 * @has_total: drm-total-system (or drm-memory-system) was present.
 * @total_system: its value in bytes.
 * @has_resident: drm-resident-system was present.
 * @resident_system: its value in bytes.
 */
struct ac_client {
	int pid;
	char command[32];
	uint64_t client_id;
	bool has_engine;
	uint64_t engine_compute_ns;
	bool has_total;
	uint64_t total_system;
	bool has_resident;
	uint64_t resident_system;
};

/**
 * struct ac_clients - the clients found, sorted by client id.
 * @v: the array.
 * @count: entries.
 * @capacity: allocated.
 * @unreadable: processes whose fds could not be inspected (permissions).
 */
struct ac_clients {
	struct ac_client *v;
	size_t count;
	size_t capacity;
	unsigned int unreadable;
};

/**
 * clients_collect() - scan @proc_root ("/proc") for clients of driver
 * @driver whose file is the DRM device of node @node (any of its minors).
 * Returns 0 or a negative errno (-ENOMEM; errors reading @node).
 */
int clients_collect(const char *proc_root, const char *node, const char *driver,
		    struct ac_clients *out);
void clients_free(struct ac_clients *c);

#endif /* ACCELCTL_CLIENTS_H */
