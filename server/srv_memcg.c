/* srv_memcg.c - a memory cgroup for a whole command (serve --memory, build
 * --memory): the playground's stage cgroups (srv_play_cg.c) with a memory
 * limit only.  See server.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv_play_i.h"

struct hs_srv_memcg {
	struct play_cg cg;
	struct play_cg_stage stage;
};

int hs_srv_memcg_make(const char *who, uint64_t bytes, struct hs_srv_memcg **out, char *note,
		      size_t cap)
{
	struct hs_srv_memcg *m = calloc(1, sizeof(*m));
	int e;

	*out = NULL;
	if (!m) {
		snprintf(note, cap, "out of memory");
		return -ENOMEM;
	}
	play_cg_init(&m->cg, who);
	if (!m->cg.mem[0]) {
		snprintf(note, cap, "%s", m->cg.note);
		play_cg_free(&m->cg);
		free(m);
		return -ENODEV;
	}
	e = play_cg_stage_make(&m->cg, bytes, 0, &m->stage);
	if (e < 0 || !m->stage.mem[0]) {
		snprintf(note, cap, "cannot make a memory cgroup in %s: %s", m->cg.mem,
			 strerror(e < 0 ? -e : ENODEV));
		play_cg_free(&m->cg);
		free(m);
		return e < 0 ? e : -ENODEV;
	}
	snprintf(note, cap, "memory cgroup v%d %s: %s %llu MiB", m->cg.version, m->stage.mem,
		 m->cg.version == 2 ? "memory.max" : "memory.limit_in_bytes",
		 (unsigned long long)(bytes >> 20));
	*out = m;
	return 0;
}

int hs_srv_memcg_join(const struct hs_srv_memcg *m)
{
	return play_cg_stage_join(&m->stage);
}

bool hs_srv_memcg_oom(const struct hs_srv_memcg *m)
{
	bool mem = false, pids = false;

	play_cg_stage_events(&m->stage, m->cg.version, &mem, &pids);
	return mem;
}

void hs_srv_memcg_free(struct hs_srv_memcg *m)
{
	if (!m)
		return;
	play_cg_stage_end(&m->stage);
	play_cg_free(&m->cg);
	free(m);
}
