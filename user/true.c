/* true: exit with status 0 — the smallest process there is.  Its whole
 * life is the process API of OSTEP (000): created by fork, its image loaded
 * by execve, its status collected by the parent's wait. */
int main(void)
{
	return 0;
}
