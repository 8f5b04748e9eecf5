/*
 * ringbuf: a single-producer, single-consumer byte queue over storage the
 * caller provides.
 *
 * Guarantees:
 *  - The storage is size bytes, size a power of two, and all of it holds
 *    data: head and tail count bytes for ever (wrapping at 2^32) and are
 *    reduced modulo size only to address the storage, so head - tail is the
 *    number of bytes queued and full and empty never look alike.
 *  - ringbuf_put() on a full queue stores nothing, returns false and adds
 *    one to the dropped counter, so lost input can be reported later.
 *  - One producer and one consumer may use a queue at the same time
 *    without a lock on a uniprocessor, the producer typically an interrupt
 *    handler and the consumer a thread.  The rules that make this safe:
 *      only the producer calls put and write, and only it stores to head
 *      and dropped; only the consumer calls get, read and peek, and only it
 *      stores to tail;
 *      each index update is one aligned 32-bit store (head and tail are
 *      volatile uint32_t), which an interrupt cannot split in two;
 *      a compiler barrier puts the store of a byte before the head update
 *      that publishes it, and the load of a byte before the tail update
 *      that gives its slot back.
 *    count, space and dropped may be called from either side; they give a
 *    snapshot that may be stale by the time it is used.  On a
 *    multiprocessor the compiler barriers would not be enough: the CPUs
 *    would also need memory fences.
 *  - init is not concurrent with anything: call it before the producer can
 *    run (before the interrupt is unmasked).
 */
#ifndef KEEL_LIB_RINGBUF_H
#define KEEL_LIB_RINGBUF_H

#include <stdbool.h>
#include <stdint.h>

/*
 * head counts the bytes ever put and tail those ever taken; dropped counts
 * the bytes refused because the queue was full.  The producer writes head
 * and dropped, the consumer writes tail.
 */
struct ringbuf {
	uint8_t *data;
	uint32_t mask; /* size - 1 */
	volatile uint32_t head;
	volatile uint32_t tail;
	volatile uint32_t dropped;
};

/* size must be a power of two (1, 2, 4, ... 2^31): kassert otherwise. */
void ringbuf_init(struct ringbuf *rb, void *storage, uint32_t size);

/* Producer side. */
bool ringbuf_put(struct ringbuf *rb, uint8_t byte);
/* Puts what fits of src[0..n) and returns how many; the rest count as
 * dropped. */
uint32_t ringbuf_write(struct ringbuf *rb, const void *src, uint32_t n);

/* Consumer side. */
bool ringbuf_get(struct ringbuf *rb, uint8_t *byte);
/* The oldest byte without taking it out; false when empty. */
bool ringbuf_peek(const struct ringbuf *rb, uint8_t *byte);
/* Takes up to n bytes into dst and returns how many. */
uint32_t ringbuf_read(struct ringbuf *rb, void *dst, uint32_t n);

/* Either side: snapshots. */
uint32_t ringbuf_size(const struct ringbuf *rb);
uint32_t ringbuf_count(const struct ringbuf *rb);
uint32_t ringbuf_space(const struct ringbuf *rb);
uint32_t ringbuf_dropped(const struct ringbuf *rb);
bool ringbuf_empty(const struct ringbuf *rb);
bool ringbuf_full(const struct ringbuf *rb);

#endif
