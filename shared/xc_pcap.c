// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Classic libpcap capture files with nanosecond timestamps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xc_pcap.h"
#include "xc_util.h"

struct xc_pcap_filehdr {
	uint32_t magic;
	uint16_t major;
	uint16_t minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct xc_pcap_rechdr {
	uint32_t sec;
	uint32_t nsec;
	uint32_t caplen;
	uint32_t origlen;
};

static int xc_pcap_io_err(const struct xc_pcap *p, const char *what,
			  char *err, size_t errlen)
{
	int e = errno ? errno : EIO;

	return xc_errf(err, errlen, e, "%s: cannot %s: %s", p->path, what,
		       strerror(e));
}

static int xc_pcap_header(struct xc_pcap *p, char *err, size_t errlen)
{
	struct xc_pcap_filehdr h = {
		.magic = XC_PCAP_MAGIC_NS,
		.major = 2,
		.minor = 4,
		.snaplen = XC_PCAP_SNAPLEN,
		.linktype = XC_PCAP_LINKTYPE_ETH,
	};

	errno = 0;
	if (fwrite(&h, sizeof(h), 1, p->f) != 1)
		return xc_pcap_io_err(p, "write", err, errlen);
	return 0;
}

int xc_pcap_open(struct xc_pcap *p, const char *path, char *err,
		 size_t errlen)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->path = strdup(path);
	if (!p->path)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	errno = 0;
	p->f = fopen(path, "wb");
	if (!p->f) {
		ret = xc_pcap_io_err(p, "create it", err, errlen);
		goto err_path;
	}
	ret = xc_pcap_header(p, err, errlen);
	if (ret)
		goto err_file;
	return 0;
err_file:
	fclose(p->f);
	p->f = NULL;
err_path:
	free(p->path);
	p->path = NULL;
	return ret;
}

int xc_pcap_open_stream(struct xc_pcap *p, FILE *f, const char *name,
			char *err, size_t errlen)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->path = strdup(name);
	if (!p->path)
		return xc_errf(err, errlen, ENOMEM, "out of memory");
	p->f = f;
	p->borrowed = true;
	ret = xc_pcap_header(p, err, errlen);
	if (ret) {
		p->f = NULL;
		free(p->path);
		p->path = NULL;
	}
	return ret;
}

int xc_pcap_write(struct xc_pcap *p, const uint8_t *data, uint32_t caplen,
		  uint32_t origlen, uint64_t ts_ns, char *err, size_t errlen)
{
	struct xc_pcap_rechdr r;

	if (!p->f)
		return xc_errf(err, errlen, EBADF, "pcap file is not open");
	if (!origlen || origlen < caplen)
		origlen = caplen;
	caplen = XC_MIN(caplen, (uint32_t)XC_PCAP_SNAPLEN);
	r.sec = ts_ns / 1000000000ull;
	r.nsec = ts_ns % 1000000000ull;
	r.caplen = caplen;
	r.origlen = origlen;
	errno = 0;
	if (fwrite(&r, sizeof(r), 1, p->f) != 1 ||
	    (caplen && fwrite(data, caplen, 1, p->f) != 1))
		return xc_pcap_io_err(p, "write", err, errlen);
	p->frames++;
	return 0;
}

int xc_pcap_close(struct xc_pcap *p, char *err, size_t errlen)
{
	int ret = 0;

	if (!p || !p->f)
		goto out;
	errno = 0;
	if (p->borrowed ? fflush(p->f) || ferror(p->f) : fclose(p->f))
		ret = xc_pcap_io_err(p, "write", err, errlen);
	p->f = NULL;
out:
	if (p) {
		free(p->path);
		p->path = NULL;
	}
	return ret;
}
