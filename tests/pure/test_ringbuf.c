/*
 * Tests of lib/ringbuf.c, run in the kernel at boot and on the host.
 * Single-threaded: they check the queue's bookkeeping (order, capacity,
 * wrap-around, drop counting); the lock-free argument is in ringbuf.h.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/ringbuf.h"

KTEST(ringbuf, starts_empty)
{
	uint8_t store[8];
	struct ringbuf rb;
	uint8_t b = 0x77;

	ringbuf_init(&rb, store, sizeof(store));
	KEXPECT_EQ(ringbuf_size(&rb), 8);
	KEXPECT_EQ(ringbuf_count(&rb), 0);
	KEXPECT_EQ(ringbuf_space(&rb), 8);
	KEXPECT_TRUE(ringbuf_empty(&rb));
	KEXPECT_FALSE(ringbuf_full(&rb));
	KEXPECT_FALSE(ringbuf_get(&rb, &b));
	KEXPECT_FALSE(ringbuf_peek(&rb, &b));
	/* A failed get leaves the output alone. */
	KEXPECT_EQ(b, 0x77);
	KEXPECT_EQ(ringbuf_dropped(&rb), 0);
}

KTEST(ringbuf, first_in_first_out)
{
	uint8_t store[8];
	struct ringbuf rb;
	uint8_t b;

	ringbuf_init(&rb, store, sizeof(store));
	KEXPECT_TRUE(ringbuf_put(&rb, 'a'));
	KEXPECT_TRUE(ringbuf_put(&rb, 'b'));
	KEXPECT_TRUE(ringbuf_put(&rb, 'c'));
	KEXPECT_EQ(ringbuf_count(&rb), 3);
	KEXPECT_EQ(ringbuf_space(&rb), 5);
	KASSERT_TRUE(ringbuf_get(&rb, &b));
	KEXPECT_EQ(b, 'a');
	KASSERT_TRUE(ringbuf_get(&rb, &b));
	KEXPECT_EQ(b, 'b');
	KEXPECT_EQ(ringbuf_count(&rb), 1);
}

KTEST(ringbuf, peek_does_not_take)
{
	uint8_t store[4];
	struct ringbuf rb;
	uint8_t b = 0;

	ringbuf_init(&rb, store, sizeof(store));
	ringbuf_put(&rb, 42);
	ringbuf_put(&rb, 43);
	KASSERT_TRUE(ringbuf_peek(&rb, &b));
	KEXPECT_EQ(b, 42);
	KASSERT_TRUE(ringbuf_peek(&rb, &b));
	KEXPECT_EQ(b, 42);
	KEXPECT_EQ(ringbuf_count(&rb), 2);
	KASSERT_TRUE(ringbuf_get(&rb, &b));
	KEXPECT_EQ(b, 42);
}

KTEST(ringbuf, every_byte_of_storage_is_usable)
{
	uint8_t store[8];
	struct ringbuf rb;
	uint8_t b;

	ringbuf_init(&rb, store, sizeof(store));
	for (int i = 0; i < 8; i++)
		KEXPECT_TRUE(ringbuf_put(&rb, (uint8_t)(100 + i)));
	KEXPECT_TRUE(ringbuf_full(&rb));
	KEXPECT_EQ(ringbuf_space(&rb), 0);
	KEXPECT_EQ(ringbuf_count(&rb), 8);
	for (int i = 0; i < 8; i++) {
		KASSERT_TRUE(ringbuf_get(&rb, &b));
		KEXPECT_EQ(b, 100 + i);
	}
	KEXPECT_TRUE(ringbuf_empty(&rb));
}

KTEST(ringbuf, put_when_full_drops_and_counts)
{
	uint8_t store[4];
	struct ringbuf rb;
	uint8_t b;

	ringbuf_init(&rb, store, sizeof(store));
	for (int i = 0; i < 4; i++)
		ringbuf_put(&rb, (uint8_t)i);
	KEXPECT_FALSE(ringbuf_put(&rb, 'x'));
	KEXPECT_FALSE(ringbuf_put(&rb, 'y'));
	KEXPECT_EQ(ringbuf_dropped(&rb), 2);
	/* The queued bytes are intact; the dropped ones are not in it. */
	KASSERT_TRUE(ringbuf_get(&rb, &b));
	KEXPECT_EQ(b, 0);
	KEXPECT_TRUE(ringbuf_put(&rb, 'z'));
	KEXPECT_EQ(ringbuf_dropped(&rb), 2);
	for (int i = 1; i < 4; i++) {
		KASSERT_TRUE(ringbuf_get(&rb, &b));
		KEXPECT_EQ(b, i);
	}
	KASSERT_TRUE(ringbuf_get(&rb, &b));
	KEXPECT_EQ(b, 'z');
}

KTEST(ringbuf, wraps_around_the_storage)
{
	uint8_t store[8];
	struct ringbuf rb;
	uint8_t next_in = 0;
	uint8_t next_out = 0;
	uint8_t b;

	ringbuf_init(&rb, store, sizeof(store));
	/* 5 in, 5 out, 40 times: the indexes cross the end 25 times. */
	for (int round = 0; round < 40; round++) {
		for (int i = 0; i < 5; i++)
			KASSERT_TRUE(ringbuf_put(&rb, next_in++));
		KEXPECT_EQ(ringbuf_count(&rb), 5);
		for (int i = 0; i < 5; i++) {
			KASSERT_TRUE(ringbuf_get(&rb, &b));
			KASSERT_EQ(b, next_out++);
		}
	}
	KEXPECT_TRUE(ringbuf_empty(&rb));
	KEXPECT_EQ(ringbuf_dropped(&rb), 0);
}

KTEST(ringbuf, counters_wrap_at_2_to_the_32)
{
	uint8_t store[4];
	struct ringbuf rb;
	uint8_t b;

	ringbuf_init(&rb, store, sizeof(store));
	/* White box: start the free-running counters just below the wrap. */
	rb.head = UINT32_MAX - 1;
	rb.tail = UINT32_MAX - 1;
	for (int i = 0; i < 4; i++)
		KEXPECT_TRUE(ringbuf_put(&rb, (uint8_t)(i + 1)));
	KEXPECT_EQ(rb.head, 2);
	KEXPECT_EQ(ringbuf_count(&rb), 4);
	KEXPECT_TRUE(ringbuf_full(&rb));
	KEXPECT_FALSE(ringbuf_put(&rb, 9));
	for (int i = 0; i < 4; i++) {
		KASSERT_TRUE(ringbuf_get(&rb, &b));
		KEXPECT_EQ(b, i + 1);
	}
	KEXPECT_TRUE(ringbuf_empty(&rb));
}

KTEST(ringbuf, bulk_write_and_read)
{
	uint8_t store[8];
	uint8_t out[16] = {0};
	struct ringbuf rb;

	ringbuf_init(&rb, store, sizeof(store));
	KEXPECT_EQ(ringbuf_write(&rb, "abcdef", 6), 6);
	/* Only 2 of these fit; the other 3 count as dropped. */
	KEXPECT_EQ(ringbuf_write(&rb, "ghijk", 5), 2);
	KEXPECT_EQ(ringbuf_dropped(&rb), 3);
	KEXPECT_EQ(ringbuf_read(&rb, out, 3), 3);
	KEXPECT_EQ(out[0], 'a');
	KEXPECT_EQ(out[2], 'c');
	KEXPECT_EQ(ringbuf_read(&rb, out, sizeof(out)), 5);
	KEXPECT_EQ(out[0], 'd');
	KEXPECT_EQ(out[4], 'h');
	KEXPECT_EQ(ringbuf_read(&rb, out, sizeof(out)), 0);
}

KTEST(ringbuf, stays_inside_its_storage)
{
	uint8_t store[12];
	struct ringbuf rb;
	uint8_t b;

	for (int i = 0; i < 12; i++)
		store[i] = 0xee;
	/* Only the middle 8 bytes are the queue's. */
	ringbuf_init(&rb, store + 2, 8);
	for (int i = 0; i < 20; i++) {
		ringbuf_put(&rb, 1);
		ringbuf_put(&rb, 2);
		ringbuf_get(&rb, &b);
	}
	KEXPECT_EQ(store[0], 0xee);
	KEXPECT_EQ(store[1], 0xee);
	KEXPECT_EQ(store[10], 0xee);
	KEXPECT_EQ(store[11], 0xee);
}

KTEST(ringbuf, size_one_holds_one_byte)
{
	uint8_t store[1];
	struct ringbuf rb;
	uint8_t b;

	ringbuf_init(&rb, store, 1);
	KEXPECT_TRUE(ringbuf_put(&rb, 5));
	KEXPECT_FALSE(ringbuf_put(&rb, 6));
	KASSERT_TRUE(ringbuf_get(&rb, &b));
	KEXPECT_EQ(b, 5);
	KEXPECT_TRUE(ringbuf_put(&rb, 7));
	KASSERT_TRUE(ringbuf_get(&rb, &b));
	KEXPECT_EQ(b, 7);
}

struct ringbuf_test_init {
	struct ringbuf rb;
	uint8_t store[12];
	uint32_t size;
};

static void ringbuf_test_init_fn(void *arg)
{
	struct ringbuf_test_init *t = arg;

	ringbuf_init(&t->rb, t->store, t->size);
}

KTEST(ringbuf, init_rejects_sizes_not_a_power_of_two)
{
	struct ringbuf_test_init t = {.size = 12};
	char msg[128];

	KEXPECT_TRUE(
	    ktest_catch_fatal(ringbuf_test_init_fn, &t, msg, sizeof(msg)));
	t.size = 0;
	KEXPECT_TRUE(
	    ktest_catch_fatal(ringbuf_test_init_fn, &t, msg, sizeof(msg)));
	t.size = 8;
	KEXPECT_FALSE(
	    ktest_catch_fatal(ringbuf_test_init_fn, &t, msg, sizeof(msg)));
}
