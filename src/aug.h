/* The Augeas engine: text in, tree, text out, never touching a real file.
 *
 * One engine serves every worker of a run: a small pool of Augeas handles,
 * each used by one worker at a time, so that one slow parse holds up only
 * its own handle; and a cache of results by (lens, content, operations), so
 * a fleet of hosts with byte-identical files parses each distinct content
 * about once. */
#ifndef MR_AUG_H
#define MR_AUG_H

#include <stddef.h>

#include "optscan.h"
#include "util.h"

struct mr_aug;

/* How a value is spelt in the file. */
enum mr_value_fmt {
	MR_FMT_RAW,         /* as is (nova INI, generic lenses) */
	MR_FMT_LIBVIRT_STR, /* libvirt conf string: "value" (or 'value') */
	MR_FMT_LIBVIRT_NUM, /* libvirt conf integer or boolean (0/1): bare */
};

enum mr_aug_op_kind {
	MR_AUG_SET,       /* ensure the entry exists with this value */
	MR_AUG_RM,        /* ensure no entry matches */
	MR_AUG_TOKEN_ADD, /* a shell variable's words include value */
	MR_AUG_TOKEN_DEL, /* a shell variable's words do not include value */
	MR_AUG_ENTRY,     /* one whole entry (a line of exports or fstab): see
	                   * children */
	/* A node that key (an Augeas path relative to the file's root)
	 * matches exists; else value, a line of text, is added before the
	 * line of the first node comment_re (here an Augeas path) matches,
	 * else after that of the last deflt (likewise) matches; neither is an
	 * error, and so is a result where key matches nothing. A file's ops
	 * are all inserts or none. */
	MR_AUG_INSERT,
};

/* One declarative operation on a file's tree. */
struct mr_aug_op {
	enum mr_aug_op_kind kind;
	/* Label of the INI section holding the entry (created at the end if
	 * missing), or NULL for files without sections. */
	const char *section;
	/* The entry's label (libvirt/nova key), or for generic [file] sections
	 * an Augeas path relative to the file's root. */
	const char *key;
	const char *value; /* MR_AUG_SET only; semantic (unquoted) value */
	enum mr_value_fmt fmt;
	/* For a new entry: an Augeas regexp that a commented default's text
	 * matches (e.g. "listen_tcp[ \t]*=.*"); the entry goes right below the
	 * last such comment. NULL, or no match: at the end of its section. */
	const char *comment_re;
	/* MR_AUG_SET: the value the file's consumer assumes when the entry is
	 * absent. An absent entry whose desired value is this default is left
	 * absent (in the desired state); NULL: absent is drift. */
	const char *deflt;
	/* The profile wants the default written out: absent is drift. */
	int explicit_default;
	/* MR_AUG_ENTRY: key selects the entry (dir[. = '/srv'], *[file =
	 * '/mnt']); children is what it must hold exactly, one "PATH\tVALUE"
	 * line per node in document order, PATH relative to the entry with
	 * positions ("client[1]/option[2]"), "." for the entry's own value.
	 * An entry that differs is rebuilt in place (its duplicates go); a
	 * missing one is added at the end as a node labelled create ("dir"),
	 * or "#" where the lens numbers its entries 1..n. value: the entry as
	 * the report shows it. */
	const char *children;
	const char *create;
	/* MR_AUG_INSERT: when key matches nothing, each node cover (an Augeas
	 * path) matches is offered in order to covers, with its children
	 * ("LABEL\tVALUE" lines, in order), cover_want and the scope of
	 * stop_scope (below; NULL without one: a jump's chain): the first it
	 * takes makes the line present, and outcome.old that node's line of
	 * text. A wider rule already there (a port range holding the port)
	 * counts. */
	const char *cover;
	const char *cover_want;
	int (*covers)(const char *children, const char *want, const char *scope);
	/* MR_AUG_TOKEN_*: value is a long option ("--listen") of the program
	 * whose options these words are, spelt as opts says it reads them
	 * (-l, -dl, --lis count too); NULL: only the word value itself. */
	const struct mr_optscan_spec *opts;
	/* MR_AUG_SET of a libvirt string that may be a list (security_driver):
	 * a list of that one string is the value too */
	int one_item_list;
	/* MR_AUG_SET: another spelling the consumer reads as value (qemu.conf's
	 * "+64060" for the user whose uid that is; "+N" also without its +,
	 * which libvirt reads as N where no user has that name), or NULL */
	const char *same_as;
	/* MR_AUG_INSERT: nodes that may stop the line's traffic before it is
	 * reached (a deny above an allow), each offered in order to stops with
	 * its children (a negated value marked with a leading '!'), cover_want
	 * and the scope: the nodes stop_scope matches (NULL: none), each as
	 * its value's line then its children's, a blank line after each (the
	 * chains a jump may lead to). The first it takes is the stop. Only a
	 * key or cover node above it counts, and a new line goes right above
	 * it, or above its comment: the line over it when that line starts
	 * with stop_comment (ufw's "### tuple ###"). */
	const char *stop;
	const char *stop_scope;
	const char *stop_comment;
	int (*stops)(const char *children, const char *want, const char *scope);
	/* MR_AUG_ENTRY: the entry's own children that children does not name
	 * by value (an exports line's other clients, with their options)
	 * stay where they stand, and so do its duplicates (other lines for
	 * the path): they are other exports. */
	int keep_others;
	/* MR_AUG_INSERT: nodes (an Augeas path, NULL for none) that leave no
	 * place in the file where the line would do what it says, and why:
	 * the file fails, naming the first one's line (an iptables "-I INPUT",
	 * which iptables-restore puts at the top of the chain wherever the
	 * file has it). */
	const char *refuse;
	const char *refuse_why;
	/* MR_AUG_SET: whether a value found (decoded) is one the consumer
	 * reads as value, though spelt otherwise (oslo.config's "True" for
	 * true); NULL: the same text only. MR_AUG_ENTRY with keep_others: so
	 * for the value of a child of the entry and a child that children
	 * names (an exports network with a netmask for its prefix), which is
	 * then edited where it stands, keeping its spelling. */
	int (*same)(const char *have, const char *want);
	/* MR_AUG_ENTRY with keep_others: the child ("LABEL\tVALUE") that an
	 * entry with none but comments stands for, kept so once one is added
	 * (an exports path with no client is exported to every host, "*") */
	const char *bare;
	/* MR_AUG_SET: the option takes one value, so lines repeating its key
	 * are dead copies, all set. Else, in an oslo.config file, such lines
	 * with different values may be one multi-valued option's: refused. */
	int single_valued;
	/* MR_AUG_ENTRY with keep_others: whether the entry's child have (its
	 * value), standing before the wanted child want, is taken instead of
	 * it where both apply (mountd takes the first of two networks that
	 * hold a peer): 1, the wanted child goes right before it; -1, it
	 * cannot go first without taking from have what have gives others:
	 * the file is refused, naming have's line; 0, neither. *why (the
	 * hook's, malloc'd, or NULL) says so after have's text, for the
	 * outcome's note or the error. NULL: order is not examined. */
	int (*ahead)(const char *have, const char *want, char **why);
	/* MR_AUG_ENTRY with keep_others: the label of children that are no
	 * others but options the children after them take before their own
	 * (an exports line's "-opts" word), or NULL. A wanted child after one
	 * is judged by with_defaults: its own options have (joined by commas,
	 * "" for the world's that a defaults child ending the entry stands
	 * for) after defaults (those before it, joined) against the wanted
	 * ones, want: 1, it is what is wanted and stays as it stands; 0, it
	 * goes, with want, before the first defaults child, as does a wanted
	 * child the entry lacks (where no default reaches it: refused if that
	 * takes it past a child ahead() says it would take from); -1, the
	 * file is refused (*why, malloc'd, says why). One ending the entry
	 * stands for bare (exportfs exports the path to every host with it)
	 * and stays, unless the world's child goes first; one left last by
	 * the children after it going goes; two left side by side are one
	 * (refused beyond exportfs's 511 characters). */
	const char *defaults;
	int (*with_defaults)(const char *defaults, const char *have, const char *want, char **why);
};

/* What an operation found and did. */
struct mr_aug_outcome {
	int present;   /* the entry existed before */
	char *old;     /* its value before (decoded), or NULL */
	int changed;   /* the operation changed the tree */
	int misspelt;  /* a value spelt as its consumer refuses (a quoted number) */
	size_t line;   /* old is the line of a cover (an insert's): its number, else 0 */
	char *note;    /* what the report should say of it (an entry moved), or NULL */
};

/* Creates the engine. lens_dirs: migready's own lens directories, searched
 * before Augeas's standard library, colon-separated. Only lenses used are
 * loaded (AUG_NO_MODL_AUTOLOAD). */
struct mr_aug *mr_aug_new(const char *lens_dirs, struct mr_error **err);
void mr_aug_free(struct mr_aug *aug);

/* The lens directory to use: the source tree's for a binary run from its
 * build tree, else the installed one. Borrowed. */
const char *mr_aug_default_lens_dirs(void);

/* Whether lens ("Module" or "Module.name") exists where Augeas would look
 * for it (lens_dirs, AUGEAS_LENS_LIB, its own library). If not,
 * *suggestion may name a close one (the caller's), spelt alike. */
int mr_aug_lens_known(const char *lens_dirs, const char *lens, char **suggestion);

/* Parses text (len bytes, NUL-terminated, no NUL inside) with lens
 * ("Module.lns"), applies ops in order and serialises the tree.
 * outcomes: an array of nops the caller provides; its strings are the
 * caller's (mr_aug_outcomes_fini). *out is the caller's: the input itself
 * (copied) when nothing changed. The result is re-parsed and compared with
 * the tree it came from: a text that would not read back the same (a value
 * that breaks the lens, lost content) is refused, never returned.
 * where: "host:path" for error messages. Errors: MR_ERR_PARSE with the lens
 * message and "where:line:column". Thread-safe. */
int mr_aug_transform(struct mr_aug *aug, const char *where, const char *lens, const char *text,
                     size_t len, const struct mr_aug_op *ops, size_t nops,
                     struct mr_aug_outcome *outcomes, char **out, size_t *out_len,
                     struct mr_error **err);

void mr_aug_outcomes_fini(struct mr_aug_outcome *outcomes, size_t n);

/* Cache figures, for -v and the benchmark: requests parsed, and those
 * served from the cache. Thread-safe. */
void mr_aug_stats(struct mr_aug *aug, unsigned long *parses, unsigned long *cache_hits);

#endif
