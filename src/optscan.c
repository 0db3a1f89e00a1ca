#include <string.h>

#include "optscan.h"

/* The long option a "--name" or "--name=value" word names: an exact name,
 * else the only one it is a prefix of; NULL when unknown or ambiguous
 * (getopt_long then fails, and the word gives no option). */
static const struct mr_optscan_long *long_of(const struct mr_optscan_spec *spec,
                                             const char *name, size_t len)
{
	const struct mr_optscan_long *found = NULL;
	size_t prefixes = 0;
	for (size_t i = 0; i < spec->n_longopts; i++) {
		const struct mr_optscan_long *o = &spec->longopts[i];
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o;
		found = o;
		prefixes++;
	}
	return prefixes == 1 ? found : NULL;
}

enum word_kind { WORD_OPERAND, WORD_LONG, WORD_SHORT };

/* What word is to getopt_long: an operand (so is every word after "--",
 * and "--" itself), short options, or a long option: *o (NULL when
 * unknown or ambiguous) and *eq, its '=' or NULL. */
static enum word_kind word_kind(struct mr_optscan *s, const char *word, size_t len,
                                const struct mr_optscan_long **o, const char **eq)
{
	if (s->ended || len < 2 || word[0] != '-')
		return WORD_OPERAND;
	if (word[1] != '-')
		return WORD_SHORT;
	if (len == 2) {
		s->ended = 1;
		return WORD_OPERAND;
	}
	const char *name = word + 2;
	*eq = memchr(name, '=', len - 2);
	*o = long_of(s->spec, name, *eq ? (size_t)(*eq - name) : len - 2);
	return WORD_LONG;
}

static void keep_all(const char *word, size_t len, char *keep, size_t *keep_len)
{
	memcpy(keep, word, len);
	keep[len] = '\0';
	*keep_len = len;
}

int mr_optscan_word(struct mr_optscan *s, const char *flag, const char *word, size_t len,
                    char *keep, size_t *keep_len)
{
	const struct mr_optscan_spec *spec = s->spec;
	keep_all(word, len, keep, keep_len);
	if (s->arg_next) {
		s->arg_next = 0;
		return 0;
	}
	const struct mr_optscan_long *o = NULL;
	const char *eq = NULL;
	enum word_kind kind = word_kind(s, word, len, &o, &eq);
	if (kind == WORD_OPERAND)
		return 0;
	if (kind == WORD_LONG) {
		if (!o)
			return 0;
		if (o->has_arg && !eq)
			s->arg_next = 1;
		if (strcmp(o->name, flag) != 0 || o->has_arg)
			return 0;
		*keep_len = 0;
		keep[0] = '\0';
		return 1;
	}
	const struct mr_optscan_long *target = long_of(spec, flag, strlen(flag));
	char letter = target ? target->letter : 0;
	int hit = 0;
	size_t k = 1;
	for (size_t i = 1; i < len; i++) {
		char c = word[i];
		const char *p = c != ':' ? memchr(spec->shortopts, c, strlen(spec->shortopts)) : NULL;
		if (p && p[1] == ':') {
			/* the rest of the word is its argument, else the next word
			 * ("::", an optional argument, is only ever in the word) */
			if (i + 1 == len && p[2] != ':')
				s->arg_next = 1;
			memmove(keep + k, word + i, len - i);
			k += len - i;
			break;
		}
		if (p && c == letter) {
			hit = 1;
			continue;
		}
		keep[k++] = c;
	}
	keep[k] = '\0';
	*keep_len = k == 1 ? 0 : k;
	if (!*keep_len)
		keep[0] = '\0';
	return hit;
}

int mr_optscan_arg(struct mr_optscan *s, const char *name, const char *word, size_t len,
                   const char **arg, size_t *arg_len)
{
	const struct mr_optscan_spec *spec = s->spec;
	if (s->arg_next) {
		int mine = s->arg_mine;
		s->arg_next = s->arg_mine = 0;
		if (mine) {
			*arg = word;
			*arg_len = len;
		}
		return mine;
	}
	const struct mr_optscan_long *o = NULL;
	const char *eq = NULL;
	enum word_kind kind = word_kind(s, word, len, &o, &eq);
	if (kind == WORD_OPERAND)
		return 0;
	if (kind == WORD_LONG) {
		if (!o || !o->has_arg)
			return 0;
		int mine = strcmp(o->name, name) == 0;
		if (!eq) {
			s->arg_next = 1;
			s->arg_mine = mine;
			return 0;
		}
		if (mine) {
			*arg = eq + 1;
			*arg_len = (size_t)(word + len - eq - 1);
		}
		return mine;
	}
	const struct mr_optscan_long *target = long_of(spec, name, strlen(name));
	char letter = target ? target->letter : 0;
	for (size_t i = 1; i < len; i++) {
		char c = word[i];
		const char *p = c != ':' ? memchr(spec->shortopts, c, strlen(spec->shortopts)) : NULL;
		if (!p || p[1] != ':')
			continue;
		/* the rest of the word is the argument, else the next word */
		int mine = letter && c == letter;
		if (i + 1 == len) {
			s->arg_next = p[2] != ':';
			s->arg_mine = s->arg_next && mine;
			return 0;
		}
		if (mine) {
			*arg = word + i + 1;
			*arg_len = len - i - 1;
		}
		return mine;
	}
	return 0;
}

enum mr_optscan_verdict mr_optscan_check(struct mr_optscan *s, const char *word, size_t len)
{
	if (s->arg_next) {
		s->arg_next = 0;
		return MR_OPTSCAN_OK;
	}
	int ended = s->ended;
	const struct mr_optscan_long *o = NULL;
	const char *eq = NULL;
	enum word_kind kind = word_kind(s, word, len, &o, &eq);
	if (kind == WORD_OPERAND)
		return !ended && s->ended ? MR_OPTSCAN_OK : MR_OPTSCAN_OPERAND;
	if (kind == WORD_LONG) {
		if (!o || (eq && !o->has_arg))
			return MR_OPTSCAN_UNKNOWN;
		s->arg_next = o->has_arg && !eq;
		return MR_OPTSCAN_OK;
	}
	const char *shortopts = s->spec->shortopts;
	for (size_t i = 1; i < len; i++) {
		char c = word[i];
		const char *p = c != ':' ? memchr(shortopts, c, strlen(shortopts)) : NULL;
		if (!p)
			return MR_OPTSCAN_UNKNOWN;
		if (p[1] == ':') {
			s->arg_next = i + 1 == len && p[2] != ':';
			break;
		}
	}
	return MR_OPTSCAN_OK;
}
