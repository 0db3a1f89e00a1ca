/* LD_PRELOAD for run-fleet.sh: every read of a channel's stderr through
 * libssh2_channel_read_ex starts 50 ms late. libssh2 takes every packet
 * waiting into its queue on any read, so the stdout the host sends in
 * those 50 ms is queued by the read of stderr, which then says "would
 * block": what a loaded controller meets now and then, made the rule.
 * Declares what it uses instead of including libssh2.h. */
#include <dlfcn.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

typedef struct _LIBSSH2_CHANNEL LIBSSH2_CHANNEL;
typedef ssize_t read_fn(LIBSSH2_CHANNEL *channel, int stream_id, char *buf, size_t buflen);

ssize_t libssh2_channel_read_ex(LIBSSH2_CHANNEL *channel, int stream_id, char *buf,
                                size_t buflen);

ssize_t libssh2_channel_read_ex(LIBSSH2_CHANNEL *channel, int stream_id, char *buf,
                                size_t buflen)
{
	static read_fn *real;
	read_fn *fn = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
	if (!fn) {
		fn = (read_fn *)dlsym(RTLD_NEXT, "libssh2_channel_read_ex");
		__atomic_store_n(&real, fn, __ATOMIC_RELEASE);
	}
	if (stream_id == 1) {
		struct timespec pause = { 0, 50 * 1000 * 1000L };
		nanosleep(&pause, NULL);
	}
	return fn(channel, stream_id, buf, buflen);
}
