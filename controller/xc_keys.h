/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * xceiver keys DIR: throwaway credentials for a lab (a CA, the agent's and
 * the controller's certificates and keys, a pre-shared key), made with the
 * OpenSSL API.
 */
#ifndef XC_KEYS_H
#define XC_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define XC_KEYS_DEF_AGENT	"xceiver-agent"
#define XC_KEYS_DEF_CONTROLLER	"xceiver-controller"
#define XC_KEYS_DEF_DAYS	30
#define XC_KEYS_MAX_DAYS	3650
#define XC_KEYS_NAME_MAX	64

struct xc_keys_opts {
	const char *dir;
	const char *agent;		/* CN and DNS SAN of agent.crt */
	const char *controller;		/* of controller.crt */
	const char *psk_identity;	/* default: the controller's name */
	unsigned int days;
	bool expired_controller;	/* test seam: controller.crt expired */
};

/* Fill the defaults of what o leaves unset. */
void xc_keys_defaults(struct xc_keys_opts *o);
/* Make the files in o->dir; -errno with a message in err. */
int xc_keys_make(const struct xc_keys_opts *o, char *err, size_t errlen);
/* xceiver keys DIR [options]: an exit code. */
int xc_cmd_keys(int argc, char **argv);

#endif /* XC_KEYS_H */
