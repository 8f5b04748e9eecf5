/*
 * ringbuf: the single-producer, single-consumer byte queue.  See ringbuf.h
 * for why it needs no lock.
 *
 * __atomic_signal_fence() is a compiler barrier and nothing more: it emits
 * no instruction, but gcc may not move memory accesses across it.  That is
 * all a uniprocessor needs, since an interrupt sees the memory exactly as
 * the interrupted code left it in program order.
 */
#include "lib/ringbuf.h"

#include "lib/kassert.h"

#define RINGBUF_BARRIER() __atomic_signal_fence(__ATOMIC_SEQ_CST)

void ringbuf_init(struct ringbuf *rb, void *storage, uint32_t size)
{
	kassert(size != 0 && (size & (size - 1)) == 0);
	rb->data = storage;
	rb->mask = size - 1;
	rb->head = 0;
	rb->tail = 0;
	rb->dropped = 0;
}

/* The byte is stored before head moves on, so the consumer never sees an
 * index that covers a byte not yet written. */
bool ringbuf_put(struct ringbuf *rb, uint8_t byte)
{
	uint32_t head = rb->head;

	if (head - rb->tail > rb->mask) {
		rb->dropped = rb->dropped + 1;
		return false;
	}
	rb->data[head & rb->mask] = byte;
	RINGBUF_BARRIER();
	rb->head = head + 1;
	return true;
}

uint32_t ringbuf_write(struct ringbuf *rb, const void *src, uint32_t n)
{
	const uint8_t *p = src;
	uint32_t done = 0;

	while (done < n && ringbuf_put(rb, p[done]))
		done++;
	if (done < n)
		/* The put that failed has already counted one of them. */
		rb->dropped = rb->dropped + (n - done - 1);
	return done;
}

/* head is read before the byte it covers, and the byte before tail gives
 * its slot back to the producer. */
bool ringbuf_get(struct ringbuf *rb, uint8_t *byte)
{
	uint32_t tail = rb->tail;

	if (rb->head == tail)
		return false;
	RINGBUF_BARRIER();
	*byte = rb->data[tail & rb->mask];
	RINGBUF_BARRIER();
	rb->tail = tail + 1;
	return true;
}

bool ringbuf_peek(const struct ringbuf *rb, uint8_t *byte)
{
	uint32_t tail = rb->tail;

	if (rb->head == tail)
		return false;
	RINGBUF_BARRIER();
	*byte = rb->data[tail & rb->mask];
	return true;
}

uint32_t ringbuf_read(struct ringbuf *rb, void *dst, uint32_t n)
{
	uint8_t *p = dst;
	uint32_t done = 0;

	while (done < n && ringbuf_get(rb, &p[done]))
		done++;
	return done;
}

uint32_t ringbuf_size(const struct ringbuf *rb)
{
	return rb->mask + 1;
}

/*
 * Unsigned subtraction is right across the 2^32 wrap of the counters.  tail
 * is read first: head never falls behind it, so the difference cannot go
 * negative even when a third party takes the snapshot while both sides
 * run; the clamp covers the tail having moved on in between.
 */
uint32_t ringbuf_count(const struct ringbuf *rb)
{
	uint32_t tail = rb->tail;
	uint32_t head = rb->head;
	uint32_t n = head - tail;

	return n > rb->mask ? rb->mask + 1 : n;
}

uint32_t ringbuf_space(const struct ringbuf *rb)
{
	return ringbuf_size(rb) - ringbuf_count(rb);
}

uint32_t ringbuf_dropped(const struct ringbuf *rb)
{
	return rb->dropped;
}

bool ringbuf_empty(const struct ringbuf *rb)
{
	return ringbuf_count(rb) == 0;
}

bool ringbuf_full(const struct ringbuf *rb)
{
	return ringbuf_count(rb) == ringbuf_size(rb);
}
