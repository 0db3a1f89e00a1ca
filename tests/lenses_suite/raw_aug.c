#include <string.h>

#include "raw_aug.h"
#include "util.h"

char *raw_aug_loadpath(char **dirs, int ndirs)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (int i = 0; i < ndirs; i++)
		mr_buf_printf(&b, "%s%s", i ? ":" : "", dirs[i]);
	return mr_buf_steal(&b, NULL);
}

void raw_aug_print_error(FILE *out, const char *prefix, augeas *aug, const char *file,
                         const char *what)
{
	const char *msg = NULL, *line = NULL, *chr = NULL, *pos = NULL, *lens = NULL;

	aug_get(aug, "/augeas/text/tree/error/message", &msg);
	aug_get(aug, "/augeas/text/tree/error/line", &line);
	aug_get(aug, "/augeas/text/tree/error/char", &chr);
	aug_get(aug, "/augeas/text/tree/error/pos", &pos);
	aug_get(aug, "/augeas/text/tree/error/lens", &lens);
	fprintf(out, "%s%s: %s: %s", prefix, file, what, msg ? msg : aug_error_message(aug));
	if (line && chr)
		fprintf(out, " (line %s, char %s)", line, chr);
	else if (pos)
		fprintf(out, " (byte %s)", pos);
	if (!msg && aug_error_minor_message(aug))
		fprintf(out, ": %s", aug_error_minor_message(aug));
	if (aug_error_details(aug))
		fprintf(out, "\n  %s", aug_error_details(aug));
	if (lens)
		fprintf(out, "\n  lens: %s", lens);
	fputc('\n', out);
}
