/*
 * sh: a small shell — the first program a user meets, and the clearest use
 * of the process API (OSTEP 5.4, "why? motivating the API"; seed 000): for
 * each command it forks, the child execs the program, the parent waits.
 * Between fork and exec the child rewires its file descriptors, which is
 * how a pipeline `a | b | c` is built from pipes (seed 001).
 *
 *   sh                 read commands from standard input ("$ " prompt when
 *                      it is a terminal)
 *   sh -c 'COMMANDS'   run COMMANDS
 *   sh FILE            run the commands in FILE
 *
 * Syntax: words separated by blanks; '...' and "..." quote; `$?` is the
 * status of the last command; `|` joins commands into a pipeline; `;` or a
 * new line ends one; `#` starts a comment.  A command name without '/' is
 * looked up in /bin.  Builtins: `exit [N]`.  The status of a command is its
 * exit status, 128+N if signal N killed it, 127 if it was not found.
 *
 * Ctrl-C (SIGINT from the terminal, to every process: proc/signal.h) ends
 * the command in the foreground, every stage of a pipeline, and not the
 * shell: sh ignores SIGINT while it waits for a pipeline, and always when
 * it prompts a person at a terminal; each child gets back the disposition
 * sh itself was started with before it execs (the way shells without job
 * control do it; there are no process groups to pick a foreground one).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libkeel.h"

#define MAX_LINE  1024
#define MAX_WORDS 64
#define MAX_STAGE 16

extern char **environ;

static int last_status;

struct pipeline {
	int nstage;
	char **argv[MAX_STAGE]; /* each NULL-terminated, into words[] */
	char *words[MAX_WORDS + MAX_STAGE];
	char text[2 * MAX_LINE]; /* the words' characters, $? expanded */
};

/* Split LINE (one command, no ';' left) into P.  -1 on a syntax error. */
static int parse(const char *s, struct pipeline *p)
{
	char *out = p->text, *end = p->text + sizeof(p->text) - 16;
	int nw = 0, words_in_stage = 0;

	p->nstage = 1;
	p->argv[0] = &p->words[0];
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '|') {
			if (words_in_stage == 0 && (*s == '|' || p->nstage > 1))
				return -1; /* "| b", "a | | b", "a |" */
			p->words[nw++] = NULL;
			if (*s != '|')
				break;
			if (p->nstage == MAX_STAGE)
				return -1;
			s++;
			p->argv[p->nstage++] = &p->words[nw];
			words_in_stage = 0;
			continue;
		}
		if (nw >= MAX_WORDS + p->nstage - 1)
			return -1;
		p->words[nw++] = out;
		words_in_stage++;
		char quote = 0;

		while (*s &&
		       (quote || (*s != ' ' && *s != '\t' && *s != '|'))) {
			if (out >= end)
				return -1;
			if (!quote && (*s == '\'' || *s == '"')) {
				quote = *s++;
			} else if (quote && *s == quote) {
				quote = 0;
				s++;
			} else if (quote != '\'' && s[0] == '$' &&
				   s[1] == '?') {
				out += sprintf(out, "%d", last_status);
				s += 2;
			} else {
				*out++ = *s++;
			}
		}
		if (quote)
			return -1;
		*out++ = '\0';
	}
	return words_in_stage == 0 && p->nstage == 1 ? 0 : 1;
}

/* In the child: become ARGV[0] (looked up in /bin), or say why not. */
static void exec_command(char **argv)
{
	char path[MAX_LINE + 8];

	if (strchr(argv[0], '/'))
		snprintf(path, sizeof(path), "%s", argv[0]);
	else
		snprintf(path, sizeof(path), "/bin/%s", argv[0]);
	execve(path, argv, environ);
	if (errno == ENOENT) {
		fprintf(stderr, "sh: %s: not found\n", argv[0]);
		_exit(127);
	}
	fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(errno));
	_exit(126);
}

/* SIGINT's disposition when sh started: what its children get. */
static struct sigaction child_sigint;

/* The status sh reports for a wait status, as POSIX shells do. */
static int status_of(int ws, const char *name)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	fprintf(stderr, "sh: %s: killed by signal %d (%s)\n", name,
		WTERMSIG(ws), sig_name(WTERMSIG(ws)));
	return 128 + WTERMSIG(ws);
}

/* Wait for every stage of the pipeline; its status is the last stage's.
 * waitpid(-1): sh has no other children of its own, but as init (pid 1, on
 * keel when booted with init=/bin/sh) it adopts every orphan, and reaping
 * them is init's job — a zombie nobody reaps holds its frames forever. */
static int wait_pipeline(struct pipeline *p, const pid_t *pids)
{
	int left = 0, status = 1;

	for (int i = 0; i < p->nstage; i++)
		left += pids[i] > 0;
	while (left > 0) {
		int ws;
		pid_t pid = waitpid(-1, &ws, 0);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		for (int i = 0; i < p->nstage; i++) {
			if (pids[i] != pid)
				continue;
			left--;
			int st = status_of(ws, p->argv[i][0]);

			if (i == p->nstage - 1)
				status = st;
		}
	}
	return status;
}

/* Fork one child per stage; stage i reads the pipe from stage i-1 and
 * writes the pipe to stage i+1.  The shell closes every pipe end it holds,
 * so each reader sees end of file when its writer exits. */
static int run_pipeline(struct pipeline *p)
{
	pid_t pids[MAX_STAGE];
	int in = -1, status;
	struct sigaction ignore = {.sa_handler = SIG_IGN}, saved;

	sigemptyset(&ignore.sa_mask);
	sigaction(SIGINT, &ignore, &saved); /* Ctrl-C is for the children */

	for (int i = 0; i < p->nstage; i++) {
		int fd[2] = {-1, -1};

		if (i + 1 < p->nstage && pipe(fd) < 0) {
			fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
			p->nstage = i;
			break;
		}
		fflush(stdout);
		pids[i] = fork();
		if (pids[i] == 0) {
			sigaction(SIGINT, &child_sigint, NULL);
			if (in >= 0) {
				dup2(in, 0);
				close(in);
			}
			if (fd[1] >= 0) {
				dup2(fd[1], 1);
				close(fd[1]);
				close(fd[0]);
			}
			exec_command(p->argv[i]);
		}
		if (pids[i] < 0)
			fprintf(stderr, "sh: fork: %s\n", strerror(errno));
		if (in >= 0)
			close(in);
		if (fd[1] >= 0)
			close(fd[1]);
		in = fd[0];
	}
	if (in >= 0)
		close(in);
	status = wait_pipeline(p, pids);
	sigaction(SIGINT, &saved, NULL);
	return status;
}

/* Run one command (a pipeline, no ';'); set *done to leave sh. */
static void run_command(const char *cmd, int *done)
{
	static struct pipeline p;
	int r = parse(cmd, &p);

	if (r < 0) {
		fprintf(stderr, "sh: syntax error: %s\n", cmd);
		last_status = 2;
		return;
	}
	if (r == 0)
		return;
	if (p.nstage == 1 && strcmp(p.argv[0][0], "exit") == 0) {
		if (p.argv[0][1])
			last_status =
			    (int)strtol(p.argv[0][1], NULL, 10) & 0xff;
		*done = 1;
		return;
	}
	last_status = run_pipeline(&p);
}

/* Run a line: commands separated by ';' (outside quotes). */
static void run_line(char *line, int *done)
{
	char quote = 0;
	char *start = line;

	for (char *s = line; !*done; s++) {
		if (quote && *s == quote)
			quote = 0;
		else if (!quote && (*s == '\'' || *s == '"'))
			quote = *s;
		else if (!quote && *s == '#' &&
			 (s == line || s[-1] == ' ' || s[-1] == '\t'))
			*s = '\0'; /* a comment starts a word */
		if (*s == '\0' || (!quote && *s == ';')) {
			int last = *s == '\0';

			*s = '\0';
			run_command(start, done);
			if (last)
				break;
			start = s + 1;
		}
	}
}

/* Read a line from FD one byte at a time: a child started by this shell
 * may read the rest of the same input, so sh must not read ahead.  The
 * line's length, or -1 at end of file with nothing read. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	int got_any = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got_any = 1;
		if (c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return got_any ? (int)n : -1;
}

/* Run the commands read from FD; prompt before each when asked. */
static void run_fd(int fd, int prompt)
{
	static char line[MAX_LINE];
	int done = 0;

	while (!done) {
		if (prompt) {
			fputs("$ ", stdout);
			fflush(stdout);
		}
		if (read_line(fd, line, sizeof(line)) < 0)
			break;
		run_line(line, &done);
	}
}

int main(int argc, char **argv)
{
	static char line[MAX_LINE];
	int done = 0;

	sigaction(SIGINT, NULL, &child_sigint);
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		snprintf(line, sizeof(line), "%s", argv[2]);
		for (char *s = line; *s; s++)
			if (*s == '\n')
				*s = ';';
		run_line(line, &done);
	} else if (argc > 1) {
		int fd = open(argv[1], O_RDONLY);

		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", argv[1],
				strerror(errno));
			return 127;
		}
		run_fd(fd, 0);
		close(fd);
	} else {
		/* The prompt only for a person at a terminal: a script on
		 * standard input gets none, so its output stays the same. */
		int person = isatty(0);

		if (person) /* Ctrl-C abandons the line, not the shell */
			signal(SIGINT, SIG_IGN);
		run_fd(0, person);
	}
	fflush(stdout);
	return last_status;
}
