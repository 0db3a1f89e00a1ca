/* Reading INI files (profiles, inventories) on top of the distribution's
 * libinih, whose Debian build passes no line number to the handler and cuts
 * lines at 200 bytes. The reader given to ini_parse_stream is ours: it reads
 * one physical line per call, counts lines, splits the line itself and hands
 * inih a short canonical line in which any field that is long, or holds a
 * character inih could treat specially, is replaced by a placeholder. The
 * handler maps the placeholder back to the full text, so values of any length
 * arrive intact, each with its right line number.
 *
 * The syntax, independent of inih's run-time switches (ini_allow_* globals,
 * which this module never touches):
 * - "[section]", "key = value", blank lines, and comments: a line whose first
 *   non-blank character is ';' or '#'.
 * - An inline comment starts at a ';' that follows a blank and is not inside
 *   double quotes: "auth_tcp = none   ; none | sasl" gives "none", while
 *   'command="a ;b"' in an authorized_key keeps its ';'. A '#' after a value
 *   is part of the value.
 * - No continuation lines: an indented line is an ordinary line (inih's
 *   multi-line mode never sees leading blanks).
 * - CRLF line ends and a UTF-8 byte order mark are accepted; a line holding
 *   a control character other than tab (or a NUL byte) is refused.
 * - Section names have runs of blanks collapsed to one space. */
#ifndef MR_INI_LINES_H
#define MR_INI_LINES_H

#include <stddef.h>

#include "util.h"

/* One event of a parse: a section header (key and value NULL) or a
 * key = value line. All strings are borrowed for the duration of the call. */
struct mr_ini_entry {
	struct mr_loc loc;
	const char *section; /* full name; "" before the first header */
	const char *key;
	const char *value;
};

typedef void (*mr_ini_handler)(void *user, const struct mr_ini_entry *e);

/* Reads the whole file at path into *text (NUL-terminated; *len bytes, which
 * may include NULs that the parse then refuses). path may be a pipe
 * (/dev/stdin, a shell's <(...)), read to its end, or "-" for standard
 * input. On failure returns -1 and appends an MR_ERR_INPUT error "cannot
 * open 'path': strerror" at from, or "path: cannot open: strerror" when
 * from is NULL. *text is the caller's. */
int mr_ini_read_file(const char *path, const struct mr_loc *from, char **text, size_t *len,
                     struct mr_error **err);

/* Parses text through libinih, calling handler for each header and each
 * key = value line in order. file names the text in locations and must
 * outlive the errors' use of it (it is copied into them). Syntax errors
 * (missing '=', unterminated header, control characters) are appended to err,
 * one per line, and parsing goes on. Returns the number of errors added. */
size_t mr_ini_parse(const char *file, const char *text, size_t len, mr_ini_handler handler,
                    void *user, struct mr_error **err);

/* Physical lines of a text, without their end ("\n" or "\r\n") and, on the
 * first line, without a UTF-8 byte order mark. */
struct mr_ini_cursor {
	const char *p;
	const char *end;
	unsigned line;
};
void mr_ini_cursor_init(struct mr_ini_cursor *c, const char *text, size_t len);
/* Stores the next line in *line (not NUL-terminated) and *n; c->line is its
 * number. Returns 0 at the end of the text. */
int mr_ini_cursor_next(struct mr_ini_cursor *c, const char **line, size_t *n);

/* The first byte of s[0..n) that is a control character other than tab, or
 * -1 if there is none. */
int mr_ini_control_char(const char *s, size_t n);

/* Whether file is a stream rather than a file with a directory: "-", the
 * name MR_INI_STDIN, or a path that exists and is not a regular file (a
 * pipe such as /dev/stdin or /dev/fd/63). */
int mr_ini_is_stream(const char *file);

/* How standard input ("-") is named in messages. */
#define MR_INI_STDIN "<stdin>"

/* path as named in file: "~" and "~/..." expand to $HOME (or the passwd
 * entry), "~user/..." to that user's home; a relative path is taken relative
 * to the directory of file, or to the current directory when file is NULL
 * or a stream (its directory, /dev or /dev/fd, means nothing); the result
 * is made absolute (from the current directory) and "." components and
 * doubled slashes are dropped. Returns a string the caller frees, or NULL
 * if a "~" cannot be expanded. */
char *mr_ini_path_resolve(const char *file, const char *path);

/* A value quoted for a message: 'value', cut with "..." after 60 bytes.
 * The caller frees it. */
char *mr_ini_quote(const char *value);

#endif
