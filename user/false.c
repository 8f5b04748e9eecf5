/* false: exit with status 1, so a shell's `$?` and a parent's wait status
 * have something to show (OSTEP's process API, 000).  It is also the good
 * ELF file tools/mkbadelf cuts the bad-ELF fixtures from. */
int main(void)
{
	return 1;
}
