# The serving perl: what the facts probe starts (src/facts.sh, its end)
# on a host with /usr/bin/perl when the controller asked for it. It holds
# the host's lock (descriptor 9, from the probe) and runs the controller's
# requests until the end of its standard input, as the serving shell does
# (same replies, same guarantees), with two processes fewer per request:
# no shell reads the request, and a request to run this very perl with
# -e runs that code in a fork of this one (commit.pl: no second perl to
# start).
# A request (mr_serve_request, framed for perl):
#   "migready-request TAG NARGS INPUTLEN\n", then each argument as
#   "LEN\n" and its bytes, then INPUTLEN bytes of input.
# Nothing runs before the whole request was read: one cut short (the
# controller gone mid-way) runs nothing, and this perl ends, as does one
# malformed. The command runs in /, without the lock's descriptor, its
# input on a pipe (none: /dev/null); then "\nTAG STATUS\n", STATUS as the
# shell's $? (128 + the signal of a command killed by one).
# The controller sends this program first, as "LEN\n" and its text, to
# the loader in facts.sh.
package MigreadyServe;
use strict;
$SIG{PIPE} = 'IGNORE';
binmode STDIN;
binmode STDOUT;
$| = 1;

# The lock's descriptor stays open here for as long as this perl serves,
# close-on-exec (F_SETFD 2, FD_CLOEXEC 1): a command, or a daemon it
# starts, must not keep the lock. A perl handle on it, kept to the end:
# its going out of scope would close it.
our $lock;
open($lock, '>>&=', 9) and fcntl($lock, 2, 1);

# Standard input is read with sysread only, into a buffer of this
# program's: a perl handle's own buffer would go on to the children
# (reopening STDIN in a fork keeps it) and be read there as their input.
my $buf = '';
sub more { my $n = sysread STDIN, $buf, 65536, length $buf; return $n; }

sub take {
	my ($n) = @_;
	while (length $buf < $n) { more() or exit 1; }
	return substr($buf, 0, $n, '');
}

# a line without its newline; undef at the end of input before any byte
sub line {
	my $i;
	while (($i = index $buf, "\n") < 0) {
		exit 1 if length $buf > 4096;
		next if more();
		exit 0 if length $buf == 0 && $_[0];
		exit 1;
	}
	return substr(substr($buf, 0, $i + 1, ''), 0, $i);
}

# The code of "PERL -e CODE -- ARG..." with this perl as PERL, in this
# process (a fork): as perl would run it, @ARGV the arguments, a die its
# message and status 255. No lexical of this file is in its scope.
sub run_code {
	@ARGV = @_[1 .. $#_];
	$0 = '-e';
	$SIG{PIPE} = 'DEFAULT';
	eval "package main;\n#line 1 \"-e\"\n$_[0]\n;1" or do { print STDERR $@; exit 255; };
	exit 0;
}

sub run {
	my ($argv, $in) = @_;
	my ($r, $w);
	if (length $in && !pipe($r, $w)) { print STDERR "$argv->[0]: cannot make a pipe: $!\n"; return 126; }
	my $pid = fork;
	if (!defined $pid) { print STDERR "$argv->[0]: cannot fork: $!\n"; return 126; }
	if ($pid == 0) {
		chdir '/';
		if ($r) { close $w; open(STDIN, '<&', $r) or exit 126; close $r; }
		else { open(STDIN, '<', '/dev/null') or exit 126; }
		my @a = @$argv;
		run_code($a[2], @a[4 .. $#a]) if @a >= 4 && $a[0] eq $^X && $a[1] eq '-e' && $a[3] eq '--';
		$SIG{PIPE} = 'DEFAULT';
		{ exec { $a[0] } @a; }
		my $st = $! == 2 ? 127 : 126;
		print STDERR "$a[0]: $!\n";
		exit $st;
	}
	if ($r) {
		close $r;
		# a command that leaves its input unread ends the write (EPIPE)
		for (my $off = 0; $off < length $in;) {
			my $n = syswrite $w, $in, length($in) - $off, $off;
			last unless $n;
			$off += $n;
		}
		close $w;
	}
	waitpid $pid, 0;
	return $? & 127 ? 128 + ($? & 127) : $? >> 8;
}

while (1) {
	my ($tag, $na, $il) = line(1) =~ /\Amigready-request ([0-9A-Za-z]{1,64}) ([0-9]{1,4}) ([0-9]{1,10})\z/
		or exit 1;
	my @argv;
	for (1 .. $na) {
		my $l = line();
		exit 1 unless $l =~ /\A[0-9]{1,10}\z/;
		push @argv, take($l);
	}
	exit 1 unless @argv;
	my $in = take($il);
	my $st = run(\@argv, $in);
	print "\n$tag $st\n";
}
