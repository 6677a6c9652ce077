/* gdb_conn.c - the listener and the remote protocol's framing.
 *
 * A packet is "$DATA#CS": CS is the sum of DATA's bytes modulo 256 in two
 * hex digits.  Until QStartNoAckMode each side answers every packet with
 * '+' (good) or '-' (bad checksum: send it again).  In DATA, '#', '$',
 * '}' and '*' travel as '}' followed by the byte xor 0x20 (replies escape
 * them the same way; run-length encoding is never sent).  A ^C byte
 * (0x03) outside a packet is gdb's interrupt: every request here is
 * answered before the next is read, so there is nothing to interrupt.
 */
#include "gdb_i.h"

#include "hindsight/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Packets gdb sends are short, but X and vFile can carry PacketSize. */
#define GDB_PKT_MAX (64u << 10)

/* ---- buffers --------------------------------------------------------------- */

void gdb_buf_add(struct gdb_buf *b, const void *data, size_t n)
{
	if (b->err)
		return;
	if (hs_grow((void **)&b->p, &b->cap, b->len + n + 1, 1)) {
		b->err = -ENOMEM;
		return;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = 0;
}

void gdb_buf_str(struct gdb_buf *b, const char *s)
{
	gdb_buf_add(b, s, strlen(s));
}

void gdb_buf_fmt(struct gdb_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		b->err = -EOVERFLOW;
		return;
	}
	gdb_buf_add(b, tmp, (size_t)n);
}

void gdb_buf_hex(struct gdb_buf *b, const uint8_t *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char pair[2];

	for (size_t i = 0; i < n; i++) {
		pair[0] = hex[data[i] >> 4];
		pair[1] = hex[data[i] & 15];
		gdb_buf_add(b, pair, 2);
	}
}

void gdb_buf_xml(struct gdb_buf *b, const char *s, bool ascii)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			gdb_buf_str(b, "&lt;");
		else if (c == '>')
			gdb_buf_str(b, "&gt;");
		else if (c == '&')
			gdb_buf_str(b, "&amp;");
		else if (c == '"')
			gdb_buf_str(b, "&quot;");
		else if (c < 0x20 || c == 0x7f || (ascii && c > 0x7f))
			gdb_buf_fmt(b, "&#%u;", c);
		else
			gdb_buf_add(b, s, 1);
	}
}

/* ---- reading and writing bytes --------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EPIPE;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The next byte from the connection; -ECONNRESET at its end. */
static int read_byte(struct hs_gdb *g)
{
	if (g->in_pos == g->in_len) {
		ssize_t n;

		do
			n = recv(g->fd, g->in, sizeof g->in, 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		g->in_pos = 0;
		g->in_len = (size_t)n;
	}
	return g->in[g->in_pos++];
}

int gdb_poll_interrupt(struct hs_gdb *g)
{
	struct pollfd p = { .fd = g->fd, .events = POLLIN };

	if (g->fd < 0)
		return 0;
	if (g->in_pos == g->in_len) {
		ssize_t n;

		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			return 0;
		n = recv(g->fd, g->in, sizeof g->in, MSG_DONTWAIT);
		if (n <= 0)
			return 0;   /* the end of the connection: read_packet says so */
		g->in_pos = 0;
		g->in_len = (size_t)n;
	}
	if (g->in[g->in_pos] != 0x03)
		return 0;
	g->in_pos++;
	return 1;
}

/* Sends one packet and, in ack mode, waits for its '+' (resending it on
 * '-', a few times). */
int gdb_send(struct hs_gdb *g, const char *data, size_t len)
{
	struct gdb_buf f = { 0 };
	unsigned sum = 0;
	int err = 0, tries;

	gdb_buf_add(&f, "$", 1);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)data[i];

		if (c == '#' || c == '$' || c == '}' || c == '*') {
			uint8_t esc[2] = { '}', (uint8_t)(c ^ 0x20) };

			gdb_buf_add(&f, esc, 2);
			sum += '}' + esc[1];
		} else {
			gdb_buf_add(&f, &c, 1);
			sum += c;
		}
	}
	gdb_buf_fmt(&f, "#%02x", sum & 0xff);
	if (f.err) {
		err = f.err;
		goto out;
	}
	if (g->log)
		fprintf(g->log, "gdbserver: <- %.*s\n", (int)(f.len > 200 ? 200 : f.len), f.p);
	for (tries = 0; tries < 5; tries++) {
		int c;

		err = write_all(g->fd, f.p, f.len);
		if (err || g->noack)
			goto out;
		do
			c = read_byte(g);
		while (c >= 0 && c != '+' && c != '-');
		if (c < 0) {
			err = c;
			goto out;
		}
		if (c == '+')
			goto out;
	}
	err = -EPROTO;
out:
	free(f.p);
	return err;
}

/* Reads the next packet into *pkt (NUL-terminated, escapes undone).
 * Returns its length, or -errno.  A packet with a bad checksum is
 * answered '-' and skipped. */
static ssize_t read_packet(struct hs_gdb *g, struct gdb_buf *pkt)
{
	for (;;) {
		unsigned sum = 0;
		int c, h1, h2;
		bool too_long = false;

		pkt->len = 0;
		do
			c = read_byte(g);
		while (c >= 0 && c != '$');
		if (c < 0)
			return c;
		for (;;) {
			c = read_byte(g);
			if (c < 0)
				return c;
			if (c == '#')
				break;
			sum += (unsigned)c;
			if (c == '}') {
				c = read_byte(g);
				if (c < 0)
					return c;
				sum += (unsigned)c;
				c ^= 0x20;
			}
			if (pkt->len < GDB_PKT_MAX) {
				uint8_t b = (uint8_t)c;
				gdb_buf_add(pkt, &b, 1);
			} else {
				too_long = true;
			}
		}
		if ((h1 = read_byte(g)) < 0)
			return h1;
		if ((h2 = read_byte(g)) < 0)
			return h2;
		if (pkt->err)
			return pkt->err;
		gdb_buf_add(pkt, "", 0);
		if (hs_hexval(h1) < 0 || hs_hexval(h2) < 0 || too_long ||
		    (unsigned)(hs_hexval(h1) << 4 | hs_hexval(h2)) != (sum & 0xff)) {
			if (g->log)
				fprintf(g->log, "gdbserver: bad packet (checksum %c%c)\n", h1, h2);
			if (!g->noack && write_all(g->fd, "-", 1) < 0)
				return -EPIPE;
			continue;
		}
		if (!g->noack && write_all(g->fd, "+", 1) < 0)
			return -EPIPE;
		if (g->log)
			fprintf(g->log, "gdbserver: -> %.*s\n", (int)(pkt->len > 200 ? 200 : pkt->len), pkt->p);
		return (ssize_t)pkt->len;
	}
}

/* ---- connections ------------------------------------------------------------ */

static void conn_reset(struct hs_gdb *g, int fd)
{
	g->fd = fd;
	g->noack = false;
	g->in_pos = g->in_len = 0;
	g->t = 0;
	g->gtid = 0;
	g->n_bps = 0;
	g->n_wps = 0;
	memset(g->pass, 0, sizeof g->pass);
	g->pre_signal = false;
}

static void serve_one(struct hs_gdb *g, int fd)
{
	struct gdb_buf pkt = { 0 }, reply = { 0 };
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	conn_reset(g, fd);
	for (;;) {
		ssize_t n = read_packet(g, &pkt);
		int rc;

		if (n < 0)
			break;
		reply.len = 0;
		reply.err = 0;
		gdb_buf_add(&reply, "", 0);
		rc = gdb_packet(g, pkt.p, (size_t)n, &reply);
		if (rc < 0 || reply.err) {
			fprintf(stderr, "hindsight gdbserver: %.40s: %s\n", pkt.p,
				strerror(-(rc < 0 ? rc : reply.err)));
			/* answer an error, and keep serving */
			reply.len = 0;
			reply.err = 0;
			gdb_buf_str(&reply, "E05");
			rc = 0;
		}
		if (rc != 2 && rc != 3 && gdb_send(g, reply.p, reply.len) < 0)
			break;
		if (rc == 1 || rc == 2)
			break;
	}
	free(pkt.p);
	free(reply.p);
	close(fd);
	g->fd = -1;
}

int hs_gdb_serve(struct hs_gdb *g)
{
	for (;;) {
		int fd = accept4(g->lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return -errno;
		}
		if (g->log)
			fprintf(g->log, "gdbserver: connection\n");
		serve_one(g, fd);
		if (g->log)
			fprintf(g->log, "gdbserver: connection closed\n");
	}
}

static int listen_on(struct hs_gdb *g, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	socklen_t alen = sizeof a;
	int one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (g->lfd < 0)
		return -errno;
	setsockopt(g->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(g->lfd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(g->lfd, 4) < 0 ||
	    getsockname(g->lfd, (struct sockaddr *)&a, &alen) < 0)
		return -errno;
	g->port = ntohs(a.sin_port);
	return 0;
}

int hs_gdb_open(const char *trace_dir, const struct hs_gdb_opts *o,
		struct hs_gdb **out)
{
	struct hs_db_options dbo = { .cache_bytes = o->cache_bytes };
	struct hs_db_image_info info;
	struct hs_gdb *g;
	int err;

	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->lfd = g->fd = -1;
	g->log = o->log;
	g->trace_dir = strdup(trace_dir);
	if (!g->trace_dir) {
		err = -ENOMEM;
		goto out_free;
	}
	err = hs_db_open(trace_dir, &dbo, &g->db);
	if (err)
		goto out_free;
	g->img = o->image ? hs_db_image_find(g->db, o->image) : hs_db_image_at(g->db, 0);
	if (!g->img) {
		fprintf(stderr, "hindsight gdbserver: no image %s in %s\n",
			o->image ? o->image : "0", trace_dir);
		err = -ENOENT;
		goto out_free;
	}
	hs_db_image_info(g->img, &info);
	g->t_end = info.t_end;
	err = gdb_exec_open(g);
	if (err)
		goto out_free;
	err = gdb_xfer_init(g);
	if (err)
		goto out_free;
	err = listen_on(g, o->port);
	if (err)
		goto out_free;
	*out = g;
	return 0;
out_free:
	hs_gdb_close(g);
	return err;
}

uint16_t hs_gdb_port(const struct hs_gdb *g)
{
	return g->port;
}

const char *hs_gdb_exec_path(const struct hs_gdb *g)
{
	return g->exec_path ? g->exec_path : "";
}

void hs_gdb_close(struct hs_gdb *g)
{
	if (!g)
		return;
	if (g->lfd >= 0)
		close(g->lfd);
	gdb_exec_close(g);
	free(g->bps);
	free(g->wps);
	free(g->tids);
	free(g->names);
	free(g->exec_path);
	free(g->auxv);
	hs_db_close(g->db);
	free(g->trace_dir);
	free(g);
}
