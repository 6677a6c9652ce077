/* srv_watch.c - a deadline for request headers (slow clients).
 *
 * libmicrohttpd (thread per connection) restarts a connection's timeout at
 * every byte it reads, so a client sending one header byte every few
 * seconds holds its connection, and a thread, for ever, before the access
 * token of --tunnel is even looked at.  Each connection here carries a
 * deadline: its request's headers must be complete SRV_HEADER_DEADLINE
 * seconds after the connection opened or its previous request ended.  A
 * thread looks once a second and shuts the socket of a late connection
 * down (shutdown(2): libmicrohttpd then reads the end and closes it in its
 * own thread).  The list lock is held across the shutdown and taken by
 * the CLOSED notification, which libmicrohttpd sends before it closes the
 * socket, so the descriptor shut down is always the connection's own.
 */
#include "srv_i.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct watched {
	struct watched *prev, *next;
	struct srv_watch *w;
	int fd;
	time_t since;            /* CLOCK_MONOTONIC seconds */
	bool in_body;            /* the headers of its request are in */
	bool cut;                /* shut down already */
};

struct srv_watch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool stop;
	struct watched head;     /* a ring */
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void *watch_main(void *arg)
{
	struct srv_watch *w = arg;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		struct timespec dl;
		time_t now = now_s();

		for (struct watched *c = w->head.next; c != &w->head; c = c->next) {
			if (!c->in_body && !c->cut && now - c->since >= SRV_HEADER_DEADLINE) {
				shutdown(c->fd, SHUT_RDWR);
				c->cut = true;
			}
		}
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 1;
		pthread_cond_timedwait(&w->cond, &w->lock, &dl);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int srv_watch_new(struct srv_watch **out)
{
	struct srv_watch *w = calloc(1, sizeof(*w));
	int e;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->head.next = w->head.prev = &w->head;
	e = pthread_create(&w->thread, NULL, watch_main, w);
	if (e) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return -e;
	}
	*out = w;
	return 0;
}

void srv_watch_free(struct srv_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	/* the daemon is stopped first: no connection is left in the ring */
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void srv_watch_notify(void *cls, struct MHD_Connection *con, void **socket_context,
		      enum MHD_ConnectionNotificationCode code)
{
	struct srv_watch *w = cls;
	struct watched *c = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = calloc(1, sizeof(*c));
		if (!c || !ci) {
			free(c); /* unwatched: the connection timeout still holds */
			return;
		}
		c->w = w;
		c->fd = ci->connect_fd;
		c->since = now_s();
		pthread_mutex_lock(&w->lock);
		c->next = w->head.next;
		c->prev = &w->head;
		w->head.next->prev = c;
		w->head.next = c;
		pthread_mutex_unlock(&w->lock);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	pthread_mutex_lock(&w->lock);
	c->prev->next = c->next;
	c->next->prev = c->prev;
	pthread_mutex_unlock(&w->lock);
	free(c);
	*socket_context = NULL;
}

static void mark(struct MHD_Connection *con, bool in_body)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watched *c = ci ? ci->socket_context : NULL;

	if (!c)
		return;
	pthread_mutex_lock(&c->w->lock);
	c->in_body = in_body;
	c->since = now_s();
	pthread_mutex_unlock(&c->w->lock);
}

void srv_watch_headers(struct MHD_Connection *con)
{
	mark(con, true);
}

void srv_watch_next(struct MHD_Connection *con)
{
	mark(con, false);
}
