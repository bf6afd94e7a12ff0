// SPDX-License-Identifier: GPL-2.0
/*
 * shdev-agent: the smallest agent of the shdev uapi backend.
 *
 * It opens /dev/shdev-agent, declares the peers given with -p, then prints
 * every release and reclaim request it reads, with the device's resources,
 * and answers it: 0, or the error given with -e.  A real agent (a VMM)
 * would map the MMIO ranges into its guest and route the interrupts there
 * before answering a release, and undo that before answering a reclaim.
 * Exiting, or being killed, closes the file: the kernel then takes back
 * every device the declared peers held.
 *
 *   shdev-agent -p vm1:45 [-p vm2:8:untrusted] [-e EIO|5] [-t ms] [-n count]
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/shdev.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *progname = "shdev-agent";

static void help(void)
{
	fprintf(stderr,
		"usage: %s -p NAME:ID[:untrusted]... [-e ERRNO] [-t MS] [-n COUNT] [-d DEVICE]\n"
		"  -p  declare a peer (repeatable)\n"
		"  -e  answer every request with this error (a number or EIO, EBUSY, ENOMEM, EPERM)\n"
		"  -t  timeout of the requests, in milliseconds\n"
		"  -n  exit after answering COUNT requests\n"
		"  -d  the agent's device (default /dev/shdev-agent)\n",
		progname);
	exit(2);
}

static int parse_error(const char *s)
{
	static const struct { const char *name; int err; } names[] = {
		{ "EIO", EIO }, { "EBUSY", EBUSY }, { "ENOMEM", ENOMEM },
		{ "EPERM", EPERM }, { "EAGAIN", EAGAIN }, { "ENODEV", ENODEV },
	};
	unsigned int i;
	char *end;
	long v;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name))
			return -names[i].err;
	v = strtol(s, &end, 0);
	if (*end || v < -4095 || v > 4095)
		help();
	return v > 0 ? -v : v;
}

static void add_peer(int fd, char *arg)
{
	struct shdev_agent_peer p;
	char *id, *flag, *end;

	memset(&p, 0, sizeof(p));
	id = strchr(arg, ':');
	if (!id)
		help();
	*id++ = '\0';
	flag = strchr(id, ':');
	if (flag) {
		*flag++ = '\0';
		if (strcmp(flag, "untrusted"))
			help();
		p.flags = SHDEV_AGENT_PEER_UNTRUSTED;
	}
	p.id = strtoull(id, &end, 0);
	if (*end || !*id || strlen(arg) >= sizeof(p.name))
		help();
	memcpy(p.name, arg, strlen(arg));
	if (ioctl(fd, SHDEV_AGENT_IOC_ADD_PEER, &p)) {
		fprintf(stderr, "%s: peer %s: %s\n", progname, arg,
			strerror(errno));
		exit(1);
	}
	printf("%s: peer %s (id %llu%s) declared\n", progname, p.name,
	       (unsigned long long)p.id, flag ? ", untrusted" : "");
}

static void print_request(const struct shdev_agent_request *req)
{
	static const char *const types[] = {
		[SHDEV_AGENT_RES_MEM] = "mem",
		[SHDEV_AGENT_RES_IRQ] = "irq",
		[SHDEV_AGENT_RES_IO] = "io",
	};
	unsigned int i;

	printf("%s: request %llu: %s %s %s (id %llu):", progname,
	       (unsigned long long)req->seq,
	       req->op == SHDEV_AGENT_RELEASE ? "release" :
	       req->op == SHDEV_AGENT_RECLAIM ? "reclaim" : "unknown",
	       req->device, req->peer, (unsigned long long)req->peer_id);
	for (i = 0; i < req->nr_resources && i < SHDEV_AGENT_MAX_RESOURCES;
	     i++) {
		const struct shdev_agent_resource *r = &req->resources[i];
		const char *type = r->type < ARRAY_SIZE(types) &&
			types[r->type] ? types[r->type] : "?";

		if (r->type == SHDEV_AGENT_RES_IRQ)
			printf(" %s %llu", type, (unsigned long long)r->start);
		else
			printf(" %s %#llx+%#llx", type,
			       (unsigned long long)r->start,
			       (unsigned long long)r->size);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *path = "/dev/shdev-agent";
	struct shdev_agent_request req;
	struct shdev_agent_answer ans;
	long count = -1;
	int error = 0, peers = 0;
	unsigned int timeout = 0;
	char *peer_args[16];
	int fd, opt, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "p:e:t:n:d:")) != -1) {
		switch (opt) {
		case 'p':
			if (peers == (int)ARRAY_SIZE(peer_args))
				help();
			peer_args[peers++] = optarg;
			break;
		case 'e':
			error = parse_error(optarg);
			break;
		case 't':
			timeout = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			count = strtol(optarg, NULL, 0);
			break;
		case 'd':
			path = optarg;
			break;
		default:
			help();
		}
	}
	if (!peers || optind != argc)
		help();

	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(errno));
		return 1;
	}
	if (timeout && ioctl(fd, SHDEV_AGENT_IOC_SET_TIMEOUT, &timeout)) {
		fprintf(stderr, "%s: timeout: %s\n", progname, strerror(errno));
		return 1;
	}
	for (i = 0; i < peers; i++)
		add_peer(fd, peer_args[i]);

	while (count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		n = read(fd, &req, sizeof(req));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n != sizeof(req)) {
			fprintf(stderr, "%s: read: %s\n", progname,
				n < 0 ? strerror(errno) : "short read");
			return 1;
		}
		print_request(&req);

		memset(&ans, 0, sizeof(ans));
		ans.seq = req.seq;
		ans.error = error;
		if (write(fd, &ans, sizeof(ans)) != sizeof(ans))
			fprintf(stderr, "%s: answer %llu refused: %s\n", progname,
				(unsigned long long)req.seq, strerror(errno));
		else
			printf("%s: answered %llu: %d\n", progname,
			       (unsigned long long)req.seq, error);
		if (count > 0)
			count--;
	}
	close(fd);
	return 0;
}
