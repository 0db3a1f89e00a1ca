#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "util.h"

/* Past this many differing lines the exact shortest script is not worth its
 * memory (about 8 * D * D bytes): the differing middle is shown as removed,
 * then added. */
#define MAX_EDIT_DISTANCE 2000

struct line {
	const char *s;
	size_t len; /* with the newline, if any */
	uint64_t hash;
};

enum edit { EQ, DEL, INS };

struct script {
	enum edit *e;
	size_t n, cap;
};

static void push(struct script *sc, enum edit e)
{
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 64;
		sc->e = mr_xreallocarray(sc->e, sc->cap, sizeof(*sc->e));
	}
	sc->e[sc->n++] = e;
}

static struct line *split_lines(const char *s, size_t len, size_t *n)
{
	size_t cap = 16, count = 0;
	struct line *v = mr_xcalloc(cap, sizeof(*v));
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (s + i)) + 1 : len - i;
		if (count == cap) {
			cap *= 2;
			v = mr_xreallocarray(v, cap, sizeof(*v));
		}
		v[count].s = s + i;
		v[count].len = l;
		v[count].hash = mr_hash(MR_HASH_SEED, s + i, l);
		count++;
		i += l;
	}
	*n = count;
	return v;
}

static int line_eq(const struct line *a, const struct line *b)
{
	return a->hash == b->hash && a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Myers' O(ND) greedy forward search, keeping every V for the backtrack.
 * Fills sc with the edits for a[0..n) -> b[0..m), or returns -1 when the
 * distance exceeds MAX_EDIT_DISTANCE. */
static int myers(const struct line *a, size_t n, const struct line *b, size_t m,
                 struct script *sc)
{
	long max = (long)(n + m);
	long limit = max < MAX_EDIT_DISTANCE ? max : MAX_EDIT_DISTANCE;
	long off = limit + 1;
	size_t width = (size_t)(2 * limit + 3);
	long *v = mr_xcalloc(width, sizeof(*v));
	long **trace = mr_xcalloc((size_t)limit + 1, sizeof(*trace));
	long d_found = -1;

	for (long d = 0; d <= limit; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x;
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			long y = x - k;
			while (x < (long)n && y < (long)m && line_eq(&a[x], &b[y])) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= (long)n && y >= (long)m) {
				d_found = d;
				break;
			}
		}
		/* Step d reaches diagonals -d..d; the backtrack reads no more. */
		trace[d] = mr_xmalloc((size_t)(2 * d + 3) * sizeof(long));
		memcpy(trace[d], v + off - d - 1, (size_t)(2 * d + 3) * sizeof(long));
		if (d_found >= 0)
			break;
	}
	int r = -1;
	if (d_found < 0)
		goto out;

	/* Walk back from (n, m), collecting edits in reverse. */
	struct script rev = { 0 };
	long x = (long)n, y = (long)m;
	for (long d = d_found; d > 0; d--) {
		/* trace[d - 1] holds diagonals -d..d from index 0. */
		const long *pv = trace[d - 1] + d;
		long k = x - y;
		long prev_k = (k == -d || (k != d && pv[k - 1] < pv[k + 1])) ? k + 1 : k - 1;
		long prev_x = pv[prev_k];
		long prev_y = prev_x - prev_k;
		while (x > prev_x && y > prev_y) {
			push(&rev, EQ);
			x--;
			y--;
		}
		push(&rev, x == prev_x ? INS : DEL);
		x = prev_x;
		y = prev_y;
	}
	while (x > 0 && y > 0) {
		push(&rev, EQ);
		x--;
		y--;
	}
	for (size_t i = rev.n; i > 0; i--)
		push(sc, rev.e[i - 1]);
	free(rev.e);
	r = 0;
out:
	for (long d = 0; d <= limit; d++)
		free(trace[d]);
	free(trace);
	free(v);
	return r;
}

static void put_line(struct mr_buf *out, char mark, const struct line *l)
{
	mr_buf_putc(out, mark);
	mr_buf_add(out, l->s, l->len);
	if (l->len == 0 || l->s[l->len - 1] != '\n')
		mr_buf_puts(out, "\n\\ No newline at end of file\n");
}

static void hunk_range(struct mr_buf *out, size_t start, size_t count)
{
	/* diff(1) names the line before an empty range. */
	if (count == 0)
		mr_buf_printf(out, "%zu,0", start);
	else if (count == 1)
		mr_buf_printf(out, "%zu", start + 1);
	else
		mr_buf_printf(out, "%zu,%zu", start + 1, count);
}

/* The edits of la[0..n) into lb[0..m) into sc. */
static void edit_script(const struct line *la, size_t n, const struct line *lb, size_t m,
                        struct script *sc)
{
	/* Common ends first: edits are local, so the search stays small. */
	size_t pre = 0;
	while (pre < n && pre < m && line_eq(&la[pre], &lb[pre]))
		pre++;
	size_t suf = 0;
	while (suf < n - pre && suf < m - pre && line_eq(&la[n - 1 - suf], &lb[m - 1 - suf]))
		suf++;
	for (size_t i = 0; i < pre; i++)
		push(sc, EQ);
	if (myers(la + pre, n - pre - suf, lb + pre, m - pre - suf, sc) < 0) {
		for (size_t i = pre; i < n - suf; i++)
			push(sc, DEL);
		for (size_t i = pre; i < m - suf; i++)
			push(sc, INS);
	}
	for (size_t i = 0; i < suf; i++)
		push(sc, EQ);
}

struct mr_diff_line *mr_diff_script(const char *a, size_t a_len, const char *b, size_t b_len,
                                    size_t *count)
{
	size_t n, m;
	struct line *la = split_lines(a, a_len, &n);
	struct line *lb = split_lines(b, b_len, &m);
	struct script sc = { 0 };
	edit_script(la, n, lb, m, &sc);
	struct mr_diff_line *v = sc.n ? mr_xcalloc(sc.n, sizeof(*v)) : NULL;
	size_t ai = 0, bi = 0;
	for (size_t i = 0; i < sc.n; i++) {
		const struct line *l = sc.e[i] == INS ? &lb[bi] : &la[ai];
		v[i] = (struct mr_diff_line){ sc.e[i] == EQ    ? MR_DIFF_EQ
		                              : sc.e[i] == DEL ? MR_DIFF_DEL
		                                               : MR_DIFF_INS,
		                              l->s, l->len };
		ai += sc.e[i] != INS;
		bi += sc.e[i] != DEL;
	}
	*count = sc.n;
	free(sc.e);
	free(la);
	free(lb);
	return v;
}

char *mr_diff_unified(const char *a, size_t a_len, const char *b, size_t b_len,
                      const char *label_a, const char *label_b, int context)
{
	if (a_len == b_len && memcmp(a, b, a_len) == 0)
		return NULL;
	size_t n, m;
	struct line *la = split_lines(a, a_len, &n);
	struct line *lb = split_lines(b, b_len, &m);
	struct script sc = { 0 };
	edit_script(la, n, lb, m, &sc);

	struct mr_buf out;
	mr_buf_init(&out);
	mr_buf_printf(&out, "--- %s\n+++ %s\n", label_a, label_b);
	size_t ctx = context < 0 ? 0 : (size_t)context;
	size_t i = 0, ai = 0, bi = 0;
	while (i < sc.n) {
		if (sc.e[i] == EQ) {
			i++;
			ai++;
			bi++;
			continue;
		}
		/* A hunk: back up by the context, run until ctx*2 equal lines. */
		size_t back = ai < ctx ? ai : ctx;
		if (bi < back)
			back = bi;
		size_t hs = i - back, ha = ai - back, hb = bi - back;
		size_t he = i, eq_run = 0, last_change = i;
		while (he < sc.n) {
			if (sc.e[he] == EQ) {
				if (++eq_run > 2 * ctx)
					break;
			} else {
				eq_run = 0;
				last_change = he;
			}
			he++;
		}
		size_t end = last_change + 1 + ctx;
		if (end > sc.n)
			end = sc.n;
		size_t ca = 0, cb = 0;
		for (size_t j = hs; j < end; j++) {
			if (sc.e[j] != INS)
				ca++;
			if (sc.e[j] != DEL)
				cb++;
		}
		mr_buf_puts(&out, "@@ -");
		hunk_range(&out, ha, ca);
		mr_buf_puts(&out, " +");
		hunk_range(&out, hb, cb);
		mr_buf_puts(&out, " @@\n");
		size_t pa = ha, pb = hb;
		for (size_t j = hs; j < end; j++) {
			switch (sc.e[j]) {
			case EQ:
				put_line(&out, ' ', &la[pa++]);
				pb++;
				break;
			case DEL:
				put_line(&out, '-', &la[pa++]);
				break;
			case INS:
				put_line(&out, '+', &lb[pb++]);
				break;
			}
		}
		i = end;
		ai = pa;
		bi = pb;
	}
	free(sc.e);
	free(la);
	free(lb);
	return mr_buf_steal(&out, NULL);
}
