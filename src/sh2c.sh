#!/bin/sh
# Turns a shell script into a C header holding it as one string constant:
# sh2c.sh IN.sh OUT.h NAME [python]. Comment lines and indentation are
# dropped (the text travels to every host on every run); nothing else
# changes. With "python", indentation is kept (it is the syntax there).
set -eu
in=$1 out=$2 name=$3 lang=${4:-sh}
indent='s/^[[:space:]]*//'
[ "$lang" != python ] || indent='s/^//'
{
	printf '/* Generated from %s by sh2c.sh; edit that file. */\n' "$(basename "$in")"
	printf 'static const char %s[] =\n' "$name"
	sed -e "$indent" -e '/^[[:space:]]*#/d' -e '/^$/d' -e 's/\\/\\\\/g' -e 's/"/\\"/g' \
		-e 's/^/"/' -e 's/$/\\n"/' "$in"
	printf ';\n'
} > "$out.tmp"
mv -f "$out.tmp" "$out"
