/* The log sink: the one piece of mutable state shared by workers, so it
 * sits behind a lock. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static enum mr_log_level log_level = MR_LOG_WARN;
static int progress_shown;
static int keep_warnings;
static char **warnings;
static size_t n_warnings;

void mr_log_keep_warnings(int on)
{
	pthread_mutex_lock(&log_lock);
	keep_warnings = on;
	pthread_mutex_unlock(&log_lock);
}

char **mr_log_warnings_steal(size_t *n)
{
	pthread_mutex_lock(&log_lock);
	char **w = warnings;
	*n = n_warnings;
	warnings = NULL;
	n_warnings = 0;
	pthread_mutex_unlock(&log_lock);
	return w;
}

void mr_log_set_level(enum mr_log_level level)
{
	pthread_mutex_lock(&log_lock);
	log_level = level;
	pthread_mutex_unlock(&log_lock);
}

enum mr_log_level mr_log_get_level(void)
{
	pthread_mutex_lock(&log_lock);
	enum mr_log_level l = log_level;
	pthread_mutex_unlock(&log_lock);
	return l;
}

static void progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

void mr_log_progress(const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&log_lock);
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = 1;
	pthread_mutex_unlock(&log_lock);
}

void mr_log_progress_end(void)
{
	pthread_mutex_lock(&log_lock);
	progress_clear();
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}

void mr_log_(enum mr_log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	va_list ap;
	pthread_mutex_lock(&log_lock);
	if (level == MR_LOG_WARN && keep_warnings) {
		va_start(ap, fmt);
		warnings = mr_xreallocarray(warnings, n_warnings + 1, sizeof(*warnings));
		warnings[n_warnings++] = mr_xvasprintf(fmt, ap);
		va_end(ap);
	}
	if (level > log_level) {
		pthread_mutex_unlock(&log_lock);
		return;
	}
	progress_clear();
	if (level == MR_LOG_DEBUG)
		fprintf(stderr, "migready: debug: %s:%d: ", file, line);
	else
		fprintf(stderr, "migready: %s: ", names[level]);
	/* messages quote hosts' and profiles' values: never raw to a terminal */
	va_start(ap, fmt);
	char *msg = mr_xvasprintf(fmt, ap);
	va_end(ap);
	struct mr_buf shown;
	mr_buf_init(&shown);
	mr_buf_put_shown(&shown, msg, strlen(msg));
	mr_buf_putc(&shown, '\n');
	fwrite(shown.data, 1, shown.len, stderr);
	mr_buf_fini(&shown);
	free(msg);
	pthread_mutex_unlock(&log_lock);
}
