/*
 * errno — names of the error numbers, for the system-call trace.
 */
#include "lib/errno.h"

#include <stddef.h>

static const char *const names[] = {
    [EPERM] = "EPERM",	 [ENOENT] = "ENOENT",
    [ESRCH] = "ESRCH",	 [EINTR] = "EINTR",
    [EIO] = "EIO",	 [ENXIO] = "ENXIO",
    [E2BIG] = "E2BIG",	 [ENOEXEC] = "ENOEXEC",
    [EBADF] = "EBADF",	 [ECHILD] = "ECHILD",
    [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
    [EACCES] = "EACCES", [EFAULT] = "EFAULT",
    [EBUSY] = "EBUSY",	 [EEXIST] = "EEXIST",
    [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR",
    [EISDIR] = "EISDIR", [EINVAL] = "EINVAL",
    [ENFILE] = "ENFILE", [EMFILE] = "EMFILE",
    [ENOTTY] = "ENOTTY", [ESPIPE] = "ESPIPE",
    [EROFS] = "EROFS",	 [EPIPE] = "EPIPE",
    [ERANGE] = "ERANGE", [ENAMETOOLONG] = "ENAMETOOLONG",
    [ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY",
    [ELOOP] = "ELOOP",	 [EOVERFLOW] = "EOVERFLOW",
    [ENOSPC] = "ENOSPC",
};

const char *errno_name(int e)
{
	if (e <= 0 || e >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[e];
}
