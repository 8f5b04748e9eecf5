/*
 * Host tests of lib/ringbuf.c: long random runs of puts and gets checked
 * against a plain model queue (an array and two counters), for several
 * sizes, so every wrap-around position and the full and empty edges are
 * visited many times.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/ktest.h"
#include "lib/ringbuf.h"

#define RB_HOST_MODEL 4096

/* What the queue should hold: bytes model[out..in). */
struct rb_host_model {
	uint8_t bytes[RB_HOST_MODEL];
	uint32_t in, out, dropped;
};

static uint32_t rb_host_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* One random step on both queues; false on the first disagreement. */
static bool rb_host_step(struct ringbuf *rb, struct rb_host_model *m,
			 uint32_t size, uint32_t *rng)
{
	uint32_t r = rb_host_rand(rng);
	uint8_t b = (uint8_t)(r >> 8);

	if (r % 100 < 55) { /* slightly more puts: the queue fills up */
		bool fits = m->in - m->out < size;

		if (fits)
			m->bytes[m->in++ % RB_HOST_MODEL] = b;
		else
			m->dropped++;
		if (ringbuf_put(rb, b) != fits)
			return false;
	} else {
		bool some = m->in != m->out;

		if (ringbuf_get(rb, &b) != some)
			return false;
		if (some && b != m->bytes[m->out++ % RB_HOST_MODEL])
			return false;
	}
	return ringbuf_count(rb) == m->in - m->out &&
	       ringbuf_space(rb) == size - (m->in - m->out) &&
	       ringbuf_dropped(rb) == m->dropped;
}

KTEST(ringbuf_host, random_operations_match_a_model)
{
	static const uint32_t sizes[] = {1, 2, 8, 64, 1024};
	static uint8_t store[1024];
	static struct rb_host_model m;
	struct ringbuf rb;
	uint32_t rng = 1;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		memset(&m, 0, sizeof(m));
		ringbuf_init(&rb, store, sizes[s]);
		for (int step = 0; step < 200000; step++) {
			if (!rb_host_step(&rb, &m, sizes[s], &rng)) {
				ktest_diag("size %u, step %d", sizes[s], step);
				KASSERT_TRUE(false);
			}
		}
	}
}

KTEST(ringbuf_host, bulk_round_trip_in_uneven_chunks)
{
	static uint8_t store[256];
	uint8_t src[1000];
	uint8_t dst[1000] = {0};
	struct ringbuf rb;
	uint32_t put = 0, got = 0;

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 31 + 7);
	ringbuf_init(&rb, store, sizeof(store));
	/* Write 77 at a time, read 50 at a time: never more than fits. */
	while (got < sizeof(src)) {
		uint32_t n = sizeof(src) - put < 77 ? sizeof(src) - put : 77;

		if (n > ringbuf_space(&rb))
			n = ringbuf_space(&rb);
		KASSERT_EQ(ringbuf_write(&rb, src + put, n), n);
		put += n;
		got += ringbuf_read(&rb, dst + got, 50);
	}
	KEXPECT_EQ(memcmp(src, dst, sizeof(src)), 0);
	KEXPECT_EQ(ringbuf_dropped(&rb), 0);
}
