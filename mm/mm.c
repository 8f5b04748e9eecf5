/*
 * mm — memory bring-up and the self-tests' resource probes.
 */
#include "mm/mm.h"

#include "kernel/ktest_runner.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/vm.h"

uint32_t mm_free_frames_probe(void)
{
	return frame_free_count() + kheap_pages();
}

void mm_init(void)
{
	frame_init();
	frame_print_map();
	vm_init();
	kheap_init();
	ktest_add_probe("free frames", mm_free_frames_probe);
	ktest_add_probe("heap bytes in use", kheap_bytes_in_use);
}
