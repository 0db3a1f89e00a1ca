# The commit as one perl process: what commit.sh does with some twenty
# processes (src/commit.sh: its steps, guarantees, messages and fault
# points are this one's), for hosts with a perl (only perl-base's modules,
# which Debian always has). It also stages the files itself: their
# contents, and what was read, come on standard input, so an apply costs
# this one process on the host, and the actions' own commands.
# Differences from commit.sh, none weaker:
# - the target is compared with what was read byte for byte (sent too),
# not by SHA-256: no sha256sum;
# - the staged files are written here (O_EXCL, made 0600 before any byte)
# and read back through the descriptor made before any rename; they are
# never reopened by name;
# - an open never blocks on a FIFO put at a target's name (O_NONBLOCK,
# then the file type): no watchdog;
# - the backups are synced too;
# - the fault point "stage" is before the first file is staged here, "start"
# once all are.
# Arguments (after perl's --):
# LOCKED ROOT NFILES {TARGET TMP OLDLEN NEWLEN BACKUP ATTRS}...
# MANIFEST_TMP MANIFEST MLEN PENDING_TMP PENDING PLEN
# NACTIONS {UNIT NNEEDS NEED... ARGC ARG...}...
# OLDLEN is the length of what was read, '-' for a file that must still
# be absent; NEWLEN the new content's, '-' to remove the target. Standard
# input: each file's old content then its new one, then the MANIFEST's,
# then restart-pending's. Paths carry the root prefix; TMP is the
# controller's pick, beside its TARGET. A new file's missing directories
# are made 0755, a backup's, MANIFEST's and restart-pending's 0700, all
# inside the root. Output: commit.sh's, after a first line "begin" (perl
# ran: without it the controller may fall back to the shell).
use strict;
use Fcntl qw(O_RDONLY O_RDWR O_CREAT O_EXCL O_NOFOLLOW O_NONBLOCK O_DIRECTORY F_SETFD FD_CLOEXEC);
$SIG{$_} = 'IGNORE' for qw(HUP PIPE INT TERM);
$| = 1;
$ENV{LC_ALL} = 'C';
umask 077;
print "begin\n";

sub fault {
	my ($p) = @_;
	my $f = $ENV{MIGREADY_FAULT};
	return unless defined $f;
	exit 9 if $f eq "$p:exit";
	return unless $f eq "$p:pause";
	my $file = ($ENV{MIGREADY_FAULT_DIR} || '/tmp') . "/migready-fault.$p";
	if (open my $fh, '>', $file) { print $fh "$$\n"; close $fh; }
	for (my $w = 0; -e $file && $w < 1200; $w++) { select undef, undef, undef, 0.1; }
}

# The syscalls perl has no word for, by number where it is known (the ELF
# header of this perl says the ABI): fsync without IO::Handle, and the
# extended attributes (ACL, SELinux label) that cp --attributes-only
# copied; elsewhere, IO::Handle and cp.
my %nr;
if (open my $exe, '<', '/proc/self/exe') {
	my $h = '';
	sysread $exe, $h, 20;
	my ($class, $data) = (ord(substr($h, 4, 1)), ord(substr($h, 5, 1)));
	my $machine = length $h == 20 ? unpack('v', substr($h, 18, 2)) : 0;
	if ($class == 2 && $data == 1 && $machine == 62) {
		%nr = (fsync => 74, fsetxattr => 190, fgetxattr => 193, flistxattr => 196, fremovexattr => 199);
	} elsif ($class == 2 && $data == 1 && ($machine == 183 || $machine == 243)) {
		%nr = (fsync => 82, fsetxattr => 7, fgetxattr => 10, flistxattr => 13, fremovexattr => 16);
	}
}
sub fsync_fh {
	my ($fh) = @_;
	return syscall($nr{fsync}, fileno($fh)) == 0 if $nr{fsync};
	require IO::Handle;
	return $fh->sync;
}

# bytes, as names are on disk, even where PERL_UNICODE or PERL5OPT (-CA,
# -CS) had perl decode the arguments or encode its output
utf8::encode($_) for grep { utf8::is_utf8($_) } @ARGV;
binmode STDOUT;
binmode STDERR;
my ($locked, $root, $nf) = splice @ARGV, 0, 3;
my @f;
for my $k (0 .. $nf - 1) {
	my %x;
	@x{qw(t n ol nl b attrs)} = splice @ARGV, 0, 6;
	# "=MODE:UID:GID": the target's as read, which it must still have
	$x{as_read} = $x{attrs} =~ s/^=//;
	push @f, \%x;
}
my ($mt, $mp, $ml, $pt, $pp, $pl) = splice @ARGV, 0, 6;
my $na = shift @ARGV;
my @act;
for my $a (0 .. $na - 1) {
	my $u = shift @ARGV;
	my $nn = shift @ARGV;
	my @needs = splice @ARGV, 0, $nn;
	my $c = shift @ARGV;
	push @act, { unit => $u, needs => \@needs, argv => [splice @ARGV, 0, $c] };
}
binmode STDIN;
binmode STDOUT;

sub take {
	my ($len) = @_;
	my $s = '';
	while (length($s) < $len) {
		my $r = sysread STDIN, $s, $len - length($s), length($s);
		return undef unless $r;
	}
	return $s;
}
my $short;
for my $x (@f) {
	$x->{old} = take($x->{ol}) if $x->{ol} ne '-';
	$x->{new} = take($x->{nl}) if $x->{nl} ne '-';
	$short = 1 if ($x->{ol} ne '-' && !defined $x->{old}) || ($x->{nl} ne '-' && !defined $x->{new});
}
my $mdata = $mt ne '-' ? take($ml) : '';
my $pdata = $pt ne '-' ? take($pl) : '';
$short = 1 unless defined $mdata && defined $pdata;

my $ra = $root;
$ra =~ s{/$}{};
my $cwd = sub { my $p = readlink '/proc/self/cwd'; defined $p ? $p : '' };
if ($root ne '') {
	$root = chdir($root) ? $cwd->() : '/nonexistent/';
}
my $eu = $>;

# made: the files this run made, newdirs the directories (removed again,
# if empty, when it aborts)
my (@made, @origs, @newdirs, $bad, $refusal);
$bad = 0;
sub cleanup {
	unlink @made, @origs;
	@made = @origs = ();
	rmdir $_ for reverse @newdirs;
	@newdirs = ();
}
sub abort {
	my ($msg, $st) = @_;
	print "$msg\n" if $msg ne '';
	cleanup();
	print "commit aborted\ndone\n";
	exit $st;
}
abort('file - failed the new content did not arrive whole; nothing written', 4) if $short;
abort('file - failed /proc is not mounted on the host: no file can be opened safely; nothing written', 4)
  unless -d '/proc/self/fd';

# the physical root without its last slash ('' for / or no root)
my $rootd = $root =~ s{/$}{}r;
sub inside { return $root eq '' || index($cwd->() . '/', "$rootd/") == 0; }
sub dirname_of { my $p = shift; $p =~ s{/[^/]*$}{}; return $p; }
sub base_of { my $p = shift; $p =~ s{.*/}{}; return $p; }

# enter DIR: commit.sh's enter, the same walk and the same refusals.
sub enter {
	my ($dir) = @_;
	$refusal = 'its directory cannot be entered';
	chdir("$dir/") or return 0;
	my ($base, $want);
	if ($root ne '') {
		unless (inside()) { $refusal = 'a symbolic link leads out of the root'; return 0; }
		$base = $root;
		$want = $rootd . substr($dir, length $ra);
	} else {
		$base = '/';
		$want = $dir;
	}
	$want =~ s{/$}{};
	return 1 if $cwd->() eq ($want eq '' ? '/' : $want);
	chdir $base or return 0;
	my $r = substr($want, length($base =~ s{/$}{}r));
	my (@seen, @upto, @links);
	my $hops = 0;
	while ($r ne '') {
		my $c;
		($c, $r) = $r =~ m{^([^/]*)/?(.*)$}s;
		next if $c eq '' || $c eq '.';
		my $p = $cwd->();
		push @seen, $p;
		if ($c ne '..' && -l "./$c") {
			return 0 if ++$hops > 40;
			my $l = readlink "./$c";
			return 0 unless defined $l && $l ne '';
			@upto = @seen;
			push @links, ($p =~ s{/$}{}r) . "/$c";
			if ($l =~ m{^/}) { chdir '/' or return 0; }
			$r = $l . ($r ne '' ? "/$r" : '');
			next;
		}
		chdir "./$c" or return 0;
		my $x = $c eq '..' ? dirname_of($p) : ($p =~ s{/$}{}r) . "/$c";
		$x = '/' if $x eq '';
		if ($cwd->() ne $x) { $refusal = 'a symbolic link was swapped in on the way'; return 0; }
	}
	unless (inside()) { $refusal = 'a symbolic link leads out of the root'; return 0; }
	return 1 unless @upto;
	for my $p (@upto, @links) {
		my @s = lstat $p or return 0;
		my ($mode, $uid) = @s[2, 4];
		if (-l _) {
			next if $uid == 0 || $uid == $eu;
			$refusal = "it is reached through the symbolic link $p, which another user owns";
			return 0;
		}
		next if ($uid == 0 || $uid == $eu) && (($mode & 01000) || !($mode & 022));
		$refusal = "it is reached through a symbolic link in $p, which another user can write";
		return 0;
	}
	return 1;
}

# mkdirs DIR MODE: the missing directories of DIR made with MODE exactly,
# each entered and found inside the root before anything is made in it
# (become.sh's mkdir). '' or the message.
sub mkdirs {
	my ($dir, $mode) = @_;
	my $rel = $root ne '' ? substr($dir, length $ra) : $dir;
	return "'..' in '$rel'" if "/$rel/" =~ m{/\.\./};
	chdir($root ne '' ? $root : '/') or return "root '$ra' does not exist on the host";
	my $at = '';
	for my $c (split m{/}, $rel) {
		next if $c eq '' || $c eq '.';
		$at .= "/$c";
		unless (-d "./$c") {
			return "'$at' is not a directory" if -e _ || -l "./$c";
			# the mode exact, on the directory made (a default ACL may
			# widen it), never by its name: another user could have put a
			# link there since
			my $um = umask 0;
			my $made = mkdir "./$c", $mode;
			umask $um;
			if ($made) {
				push @newdirs, $cwd->() =~ s{/$}{}r . "/$c";
				if (sysopen my $dh, "./$c", O_RDONLY | O_DIRECTORY | O_NOFOLLOW) { chmod $mode, $dh; }
			} elsif (!-d "./$c") {
				return "cannot create directory '$at': $!";
			}
		}
		chdir "./$c" or return "cannot enter '$at'";
		return 'a symbolic link leads out of the root; not written' unless inside();
	}
	return '';
}

# copy_attrs FROM STAT TO XATTRS: FROM's owner, mode, times and extended
# attributes (ACL, SELinux label) onto TO, as cp -p --preserve=xattr;
# '' if done, else why not (" (REASON)"). A kept original is put back by
# rename when the commit fails, so all must be carried (XATTRS true). A
# backup's extended attributes are not needed (rollback takes them from
# the file it replaces): theirs may fail.
sub copy_attrs {
	my ($from, $st, $to, $xattrs_needed) = @_;
	# not root: the owner as cp -p keeps it, where it can
	return " ($!)" unless (chown($st->[4], $st->[5], $to) || $eu != 0) && chmod($st->[2] & 07777, $to);
	my $xa = carry_xattrs($from, $to);
	return $xa if $xattrs_needed && $xa ne '';
	return utime($st->[8], $st->[9], $to) ? '' : " ($!)";
}

# carry_xattrs FROM TO: FROM's extended attributes onto TO (both open,
# TO's mode already FROM's); '' if done, else why not (" (REASON)").
# Where the syscalls are not known here, cp does it: --preserve=mode too,
# as cp carries an ACL with the mode, not with the xattrs.
sub carry_xattrs {
	my ($from, $to) = @_;
	my $xa = xattrs_copy($from, $to);
	return $xa ? '' : " ($!)" if $xa >= 0;
	fcntl($_, F_SETFD, 0) for $from, $to;
	my ($st, $e) = run_cmd('cp', '--attributes-only', '--preserve=mode,xattr', '--',
	  '/proc/self/fd/' . fileno($from), '/proc/self/fd/' . fileno($to));
	fcntl($_, F_SETFD, FD_CLOEXEC) for $from, $to;
	return $st == 0 ? '' : ' (' . (split /\n/, $e)[0] . ')';
}

# stage_file NAME DATA SYNC: a new file beside its target, in the
# directory entered: O_EXCL (nothing, no link, may be at the name), 0600
# before any byte whatever a default ACL grants, written (and synced)
# through the descriptor made
sub stage_file {
	my ($name, $data, $sync) = @_;
	my $fh;
	sysopen($fh, $name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)
	  or return (undef, "cannot create a temporary file in the directory: $!");
	my $ok = chmod 0600, $fh;
	for (my $off = 0; $ok && $off < length $data;) {
		my $w = syswrite $fh, $data, length($data) - $off, $off;
		$ok = defined $w && $w > 0;
		$off += $w if $ok;
	}
	$ok &&= !$sync || fsync_fh($fh);
	return ($fh, '') if $ok;
	my $e = "$!";
	unlink $name;
	return (undef, "cannot write the new file (is the disk full?): $e");
}

# xattrs_copy FROM TO: the extended attributes of FROM's file onto TO's
# (the ACL, the SELinux label), and none that TO has and FROM has not (a
# default ACL's), as cp --preserve=xattr: not the names /etc/xattr.conf
# says to skip, nothing on a file system without them; 1 if done, 0 if
# failed, -1 where the syscalls are not known here. EOPNOTSUPP and
# ENODATA: 95 and 61 on the architectures %nr knows.
# The names to skip: /etc/xattr.conf's "PATTERN skip" lines (a '*'
# matches anything), as libattr reads them for cp, else its own list.
my $skip_re;
sub skip_re {
	return $skip_re if defined $skip_re;
	my @p;
	if (open my $c, '<', '/etc/xattr.conf') {
		while (my $l = <$c>) {
			$l =~ s/#.*//s;
			my ($pat, $act) = split ' ', $l;
			push @p, join('.*', map { quotemeta } split /\*/, $pat, -1) if defined $act && $act eq 'skip';
		}
		close $c;
	} else {
		@p = ('trusted\.SGI_.*', 'xfsroot\..*', 'user\.Beagle\..*', 'security\.evm', 'afs\..*');
	}
	my $alt = join '|', @p;
	return $skip_re = @p ? qr/^(?:$alt)\z/s : qr/(?!)/;
}
sub xattr_names {
	my ($fh) = @_;
	my $list = "\0" x 65536;
	my $n = syscall($nr{flistxattr}, fileno($fh), $list, 65536);
	return $! == 95 ? () : undef if $n < 0;
	my $skip = skip_re();
	return grep { $_ ne '' && !/$skip/ } split /\0/, substr($list, 0, $n);
}
sub xattrs_copy {
	my ($from, $to) = @_;
	return -1 unless $nr{flistxattr};
	my @names = xattr_names($from);
	return 0 if @names == 1 && !defined $names[0];
	my %keep;
	for my $name (@names) {
		my $v = "\0" x 65536;
		my $vl = syscall($nr{fgetxattr}, fileno($from), $name, $v, 65536);
		if ($vl < 0) { next if $! == 61; return 0; }
		return 0 if syscall($nr{fsetxattr}, fileno($to), $name, substr($v, 0, $vl), $vl, 0) < 0;
		$keep{$name} = 1;
	}
	my @have = xattr_names($to);
	return 0 if @have == 1 && !defined $have[0];
	for my $name (@have) {
		next if $keep{$name};
		return 0 if syscall($nr{fremovexattr}, fileno($to), $name) < 0 && $! != 61;
	}
	return 1;
}

# temp_stem NAME: what temporary files of NAME begin with: its first 200
# bytes, as the controller cuts them (mr_temp_name), within NAME_MAX
sub temp_stem { return '.' . substr($_[0], 0, 200) . '.migready-'; }

# leftovers DIR NAME: the names in DIR of temporary files of NAME
# (".NAME.migready-XXXXXX", then anything)
sub leftovers {
	my ($dir, $name) = @_;
	my $stem = temp_stem($name);
	opendir(my $dh, "$dir/") or return ();
	my @o = grep { /^\Q$stem\E.{6}/s } readdir $dh;
	closedir $dh;
	return @o;
}

# run ARGV with STDOUT and STDERR into a pipe: its status as the shell's $?
# and the last 4 KiB of its output
sub run_cmd {
	my (@argv) = @_;
	pipe(my $r, my $w) or return (126, "cannot run: $!");
	my $pid = fork;
	return (126, "cannot run: $!") unless defined $pid;
	if ($pid == 0) {
		close $r;
		# the signals stay ignored, as the shell's trap leaves them
		open STDIN, '<', '/dev/null';
		open STDOUT, '>&', $w;
		open STDERR, '>&', $w;
		{ exec { $argv[0] } @argv; }
		my $st = $! == 2 ? 127 : 126;
		print STDERR "$argv[0]: $!\n";
		require POSIX;
		POSIX::_exit($st);
	}
	close $w;
	my ($o, $b) = ('', '');
	while (sysread $r, $b, 65536) {
		$o .= $b;
		$o = substr($o, -4096) if length $o > 8192;
	}
	close $r;
	waitpid $pid, 0;
	my $st = $? & 127 ? 128 + ($? & 127) : $? >> 8;
	return ($st, substr($o, -4096));
}

# 0. staging: each new file beside its target, MANIFEST and
# restart-pending beside theirs, the backups' directories
for my $k (0 .. $nf - 1) {
	my $x = $f[$k];
	my $d = dirname_of($x->{t});
	fault('stage') if $k == 0;
	my $e = '';
	$e = mkdirs($d, 0755) if $x->{ol} eq '-' && !-d "$d/";
	# a refusal is step 1's to report, as a conflict
	if ($e eq '' && $x->{nl} ne '-' && enter($d)) {
		($x->{fh}, $e) = stage_file('./' . base_of($x->{n}), $x->{new}, 0);
		push @made, $x->{n} if $x->{fh};
	}
	abort("file $k failed $e", 4) if $e ne '';
	if ($x->{b} ne '-') {
		my $e = mkdirs(dirname_of($x->{b}), 0700);
		abort("file $k failed cannot make the backups' directory: $e", 4) if $e ne '';
	}
}
# The run's number on the host, one more than any MANIFEST's there, added
# to its own (commit.sh says why).
if ($mt ne '-') {
	my ($top, $sq) = (dirname_of(dirname_of($mp)), 0);
	if (opendir my $dh, $top) {
		for my $m (map { "$top/$_/MANIFEST" } grep { $_ ne '.' && $_ ne '..' } readdir $dh) {
			next unless -f $m && sysopen(my $fh, $m, O_RDONLY | O_NONBLOCK);
			# the number is the MANIFEST's last line: its tail alone, not
			# the whole file, on every apply
			my $size = -s $fh;
			my $tail = '';
			sysseek($fh, $size > 64 ? $size - 64 : 0, 0) && sysread($fh, $tail, 64);
			close $fh;
			$sq = $1 if $tail =~ /(?:^|\n)# seq ([1-9][0-9]{0,14})\n\z/ && $1 > $sq;
		}
		closedir $dh;
	}
	$mdata .= '# seq ' . ($sq + 1) . "\n";
}
for my $s ([$mt, $mp, $mdata], [$pt, $pp, $pdata]) {
	my ($tmp, $path, $data) = @$s;
	next if $tmp eq '-';
	# every directory on the way entered and found inside the root
	my $e = mkdirs(dirname_of($path), 0700);
	my $fh;
	($fh, $e) = stage_file('./' . base_of($tmp), $data, 1) if $e eq '';
	abort("file - failed cannot write $path: $e", 4) unless $fh;
	push @made, $tmp;
	close $fh;
}

fault('start');
# One commit per run and host: a MANIFEST of this run already there is
# another entry of the inventory for this machine (two names or
# addresses), whose backups it would orphan.
if ($mp ne '-' && defined(my $p = at($mp))) {
	abort("file - failed $mp is there already: this machine is in the inventory twice (two names or addresses?); nothing written", 4)
	  if -e $p || -l $p;
}

# Whether the file open at fh holds want, byte for byte (undef: it
# cannot be read).
sub holds_exactly {
	my ($fh, $want) = @_;
	my ($have, $b) = ('', '');
	while (1) {
		my $r = sysread $fh, $b, 65536;
		return undef unless defined $r;
		last if $r == 0;
		$have .= $b;
		last if length $have > length $want;
	}
	return $have eq $want ? 1 : 0;
}

# The conflicts of a target changed since it was read.
my $edited = 'changed since it was read (another tool or admin?)';
my $chmoded = 'its mode or owner changed since it was read (another tool or admin?)';

# '' if the stat s is the mode and owner the target was read with (where
# the plan keeps them): an admin's chmod since wins over the run.
sub attrs_changed {
	my ($x, @s) = @_;
	return '' unless $x->{as_read};
	my ($m, $u, $g) = split /:/, $x->{attrs};
	return oct($m) == ($s[2] & 07777) && $u == $s[4] && $g == $s[5] ? '' : $chmoded;
}

# Why the target at name t (its directory entered) is no longer the file
# step 1 compared, or ''. Looked at again just before it is replaced or
# removed: an admin's save in the meantime (a rename over it, a write in
# place) would be lost, with no copy of it kept.
sub changed_since_read {
	my ($x, $t) = @_;
	my @s = lstat $t;
	return 'was removed or replaced since it was read'
	  unless @s && -f _ && "$s[0]:$s[1]" eq ($x->{seen} // '');
	my $a = attrs_changed($x, @s);
	return $a if $a ne '';
	sysopen(my $fh, $t, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) or return 'cannot be read to compare';
	my $same = holds_exactly($fh, $x->{old});
	close $fh;
	return !defined $same ? 'cannot be read to compare' : $same ? '' : $edited;
}

# 1. every target still as it was read, the original kept as a link
# beside it and its attributes onto the new file, the backups
my %same; # DEVICE:INODE of each target: its path
for my $k (0 .. $nf - 1) {
	my $x = $f[$k];
	my ($t, $n) = @$x{qw(t n)};
	my ($tb, $nb) = ('./' . base_of($t), './' . base_of($n));
	my ($msg, $tf, @ts) = ('');
	if (!enter(dirname_of($t))) { $msg = "$refusal; not written"; }
	elsif ($x->{nl} ne '-' && !$x->{fh}) { $msg = 'the temporary file vanished'; }
	elsif (-l $tb) { $msg = 'is a symbolic link; not written'; }
	elsif (-d _) { $msg = 'is a directory'; }
	elsif ($x->{ol} eq '-') { $msg = 'appeared since it was read; not overwritten' if -e _; }
	elsif (!-f _) { $msg = 'was removed or replaced since it was read; not overwritten'; }
	else {
		fault('open');
		if (!sysopen($tf, $tb, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)) {
			$msg = -l $tb ? 'was replaced while it was opened; not written' : 'cannot be read to compare';
		} elsif (!(@ts = stat $tf) || !-f _) {
			$msg = 'was removed or replaced since it was read; not overwritten';
		} else {
			my $same = holds_exactly($tf, $x->{old});
			$msg = !defined $same ? 'cannot be read to compare'
			  : $same ? '' : "$edited; not overwritten";
			if ($msg eq '' && (my $a = attrs_changed($x, @ts)) ne '') { $msg = "$a; not overwritten"; }
			$x->{seen} = "$ts[0]:$ts[1]";
		}
	}
	$x->{tf} = $tf;
	# one file reached by two paths (a link on the way): its second
	# entry would sweep the first's .orig and undo its change
	if ($msg eq '' && $tf) {
		my $id = "$ts[0]:$ts[1]";
		if (defined $same{$id}) { $msg = "is the same file as $same{$id} (a link on the way); not written"; }
		else { $same{$id} = $t; }
	}
	if ($msg eq '' && $tf && $ts[3] > 1) {
		# a link left by an interrupted commit of this file is no other
		# name: its kept original, or a new file linked in place whose
		# temporary name the interruption left
		my $l = $ts[3];
		for my $o (leftovers('.', base_of($t))) {
			next if $o !~ /^\Q${\ temp_stem(base_of($t))}\E.{6}(?:\.orig)?\z/s
			  || "./$o" eq "$nb.orig" || "./$o" eq $nb;
			my @os = lstat "./$o" or next;
			$l-- if $os[0] == $ts[0] && $os[1] == $ts[1] && unlink "./$o";
		}
		$msg = "has $l hard links: a new file would split them, the other names keeping the old content; not written"
		  if $l > 1;
	}
	my $linked = $msg eq '' && $tf && link($tb, "$nb.orig");
	push @origs, "$n.orig" if $linked;
	if ($msg eq '' && $tf && !$linked) {
		my $fl = '';
		if (-x '/usr/bin/lsattr' || -x '/bin/lsattr') {
			(my $st, $fl) = run_cmd('lsattr', '-d', '--', $tb);
			$fl = $st == 0 ? ($fl =~ /^(\S*)/)[0] : '';
		}
		if ($fl =~ /i/) { $msg = 'is immutable (chattr +i); not written'; }
		elsif ($fl =~ /a/) { $msg = 'is append-only (chattr +a); not written'; }
		else {
			# a copy of the file opened, never through a link put at the name
			my ($ofh) = stage_file("$nb.orig", $x->{old}, 0);
			my $why = '';
			if ($ofh) {
				push @origs, "$n.orig";
				$why = copy_attrs($tf, \@ts, $ofh, 1);
				$ofh = undef if $why ne '';
			}
			if ($ofh) {
				fsync_fh($ofh);
				close $ofh;
			}
			else { print "file $k failed cannot keep the original for a roll-back$why\n"; $bad = 4; }
		}
	}
	my $fn = $x->{fh};
	# read back: the new file must be every byte sent, whatever the file
	# system made of the writes
	if ($msg eq '' && $fn) {
		my ($back, $b) = ('', '');
		sysseek $fn, 0, 0;
		while (sysread $fn, $b, 65536) { $back .= $b; last if length $back > length $x->{new}; }
		if ($back ne $x->{new}) {
			print "file $k failed the new file on the host is not what was sent (a short write: is the disk full?); not written\n";
			$bad = 4;
		}
	}
	if ($msg eq '' && $fn && $bad == 0) {
		my ($m, $u, $g) = split /:/, $x->{attrs};
		my @ns = stat $fn;
		my ($hm, $hu, $hg) = ($ns[2] & 07777, $ns[4], $ns[5]);
		# one name only: the file staged, not a link to another made since
		if ($ns[3] != 1) {
			print "file $k conflict the temporary file vanished\n";
			$bad = 3 unless $bad == 4;
			next;
		}
		if ($tf) {
			# the original's owner, mode, ACL, extended attributes, SELinux label
			($hm, $hu, $hg) = ($ts[2] & 07777, $ts[4], $ts[5]);
			# a user who cannot keep the owner is refused: a run as someone
			# else must never make that user the owner of root's files
			if (!($ns[4] == $hu && $ns[5] == $hg) && !chown($hu, $hg, $fn)) {
				print "file $k failed cannot keep its owner $hu:$hg as user $eu; run as root\n";
				$bad = 4;
				next;
			}
			my $e = chmod($hm, $fn) ? carry_xattrs($tf, $fn) : " ($!)";
			if ($e ne '') {
				print "file $k failed its ACL, extended attributes or SELinux label cannot be carried over to the new file and would be lost; not written$e\n";
				$bad = 4;
			}
		}
		# '-' for an id keeps the one the file has; the plan's mode and
		# owner win (a private key's 0600)
		$u = $hu if $u eq '-';
		$g = $hg if $g eq '-';
		if ($bad == 0 && (oct($m) != $hm || $u != $hu || $g != $hg)) {
			unless ((($u == $hu && $g == $hg) || chown($u, $g, $fn)) && chmod(oct($m), $fn)) {
				print "file $k failed cannot give the new file its mode and owner\n";
				$bad = 4;
			}
		}
	}
	# the backup: what was read and found still there, never over an
	# existing file (it may be the only copy of an original)
	if ($msg eq '' && $bad == 0 && $tf && $x->{b} ne '-') {
		my $b = $x->{b};
		if (-e $b || -l $b) { print "file $k failed a backup is already at $b; not overwritten\n"; $bad = 4; }
		elsif (mkdirs(dirname_of($b), 0700) eq '') {
			my ($bfh) = stage_file('./' . base_of($b), $x->{old}, 0);
			push @made, $b if $bfh;
			if ($bfh && copy_attrs($tf, \@ts, $bfh, 0) eq '' && fsync_fh($bfh) && close $bfh) {
			} else {
				push @made, $b if $bfh;
				print "file $k failed cannot back it up to $b\n";
				$bad = 4;
			}
		} else { print "file $k failed cannot back it up to $b\n"; $bad = 4; }
	}
	if ($msg ne '') {
		print "file $k conflict $msg\n";
		$bad = 3 unless $bad == 4;
	}
} continue {
	close $f[$k]{tf} if $f[$k]{tf};
	delete $f[$k]{tf};
}
chdir '/';
abort('', $bad) if $bad;
# every new file on disk, with its attributes, before any rename makes it
# the file; then closed (a program written here must be free to run),
# its device and inode kept for the verify
for my $k (0 .. $nf - 1) {
	my $fh = $f[$k]{fh} or next;
	my @s = stat $fh;
	$f[$k]{id} = "$s[0]:$s[1]";
	abort("file $k failed cannot sync the new file to disk: $!; not written", 4) unless fsync_fh($fh);
	close $fh;
}

# 2. MANIFEST, restart-pending, each in its directory entered again
# (inside the root), by its name there
# at PATH: PATH's directory entered, PATH's name in it; undef if refused
sub at { my ($p) = @_; return mkdirs(dirname_of($p), 0700) eq '' ? './' . base_of($p) : undef; }
sub pending_back {
	return if $pt eq '-';
	my $p = at($pp) // return;
	if (-f "$p.prev") { rename "$p.prev", $p; } else { unlink $p; }
}
if ($pt ne '-') {
	my $p = at($pp);
	my $ok = defined $p && (!(-e "$p.prev") || unlink "$p.prev");
	$ok &&= !(-f $p) || link($p, "$p.prev") || system('cp', '-p', '--', $p, "$p.prev") == 0;
	abort("file - failed cannot record the restarts owed in $pp", 4)
	  unless $ok && rename('./' . base_of($pt), $p);
	@made = grep { $_ ne $pt } @made;
}
if ($mt ne '-') {
	my $p = at($mp);
	unless (defined $p && rename('./' . base_of($mt), $p)) { pending_back(); abort("file - failed cannot write $mp", 4); }
	@made = grep { $_ ne $mt } @made;
	# the entries of the backups and the MANIFEST on disk, up to the
	# backups' directory, before any target is replaced: a crash must not
	# keep a replaced file and lose its backup (btrfs logs per directory)
	my $top = dirname_of(dirname_of($mp));
	my %d = ($top => 1);
	for my $b ($mp, map { $_->{b} } grep { $_->{b} ne '-' } @f) {
		for (my $d = dirname_of($b); length $d > length $top; $d = dirname_of($d)) { $d{$d} = 1; }
	}
	for my $d (sort keys %d) {
		if (sysopen my $dh, "$d/", O_RDONLY | O_DIRECTORY) { fsync_fh($dh); close $dh; }
	}
}
fault('before-rename');

# 3. the renames, all or none, each in its directory entered again
sub indir {
	my ($t, $n) = @_;
	return 0 unless enter(dirname_of($t));
	return 1 if $n eq '';
	my $nb = './' . base_of($n);
	return 1 if -f $nb && !-l $nb;
	$refusal = 'the temporary file vanished';
	return 0;
}
my ($fail, @done) = ('');
for my $k (0 .. $nf - 1) {
	my $x = $f[$k];
	if (!indir($x->{t}, $x->{nl} eq '-' ? '' : $x->{n})) { $fail = "file $k conflict $refusal; not written"; last; }
	my ($t, $n) = ('./' . base_of($x->{t}), './' . base_of($x->{n}));
	my $why = $x->{ol} eq '-' ? '' : changed_since_read($x, $t);
	if ($why ne '') {
		$fail = "file $k conflict $why; not " . ($x->{nl} eq '-' ? 'removed' : 'overwritten');
	} elsif ($x->{nl} eq '-') {
		# the original stays linked at its .orig until the end
		$fail = "file $k failed cannot remove the file" unless unlink $t;
	} elsif ($x->{ol} eq '-') {
		if (link $n, $t) { unlink $n; }
		elsif (-e $t || -l $t) { $fail = "file $k conflict appeared since it was read; not overwritten"; }
		else { $fail = "file $k failed cannot create the file"; }
	} elsif (($ENV{MIGREADY_FAULT} // '') =~ /^rename:\Q$k\E(?::stuck)?$/) {
		$fail = "file $k failed cannot rename the new file into place (fault injected)";
	} elsif (!rename $n, $t) {
		$fail = "file $k failed cannot rename the new file into place: $!";
	}
	last if $fail ne '';
	push @done, $k;
}
if ($fail ne '') {
	print "$fail\n";
	my $st = 5;
	for my $k (@done) {
		my $x = $f[$k];
		my ($t, $n) = ('./' . base_of($x->{t}), './' . base_of($x->{n}));
		if (!indir($x->{t}, '')) {
			print "file $k stranded cannot put the original back: $refusal; it is kept at $x->{n}.orig\n";
			$st = 6;
		} elsif ($x->{ol} eq '-') {
			if (unlink $t) { print "file $k restored\n"; }
			else { print "file $k stranded cannot remove the new file again\n"; $st = 6; }
		} elsif (($ENV{MIGREADY_FAULT} // '') !~ /^rename:\d+:stuck$/ && rename "$n.orig", $t) {
			print "file $k restored\n";
		}
		else { print "file $k stranded cannot put the original back; it is kept at $x->{n}.orig\n"; $st = 6; }
	}
	chdir '/';
	# 6: a file stays written, its original kept at .orig and in the
	# backup, whose MANIFEST rollback needs (the files put back are
	# already as the backup holds them)
	if ($st != 6 && $mp ne '-' && defined(my $p = at($mp))) { unlink $p; }
	pending_back();
	@origs = () if $st == 6;
	cleanup() unless $st == 6;
	print "commit rolledback\ndone\n";
	exit $st;
}
chdir '/';
fault('after-rename');

# 4. verify (the very file staged, by lstat at the name), sync the
# directories, remove dead runs' leftovers
my (%dirs, %unverified, @rml);
for my $k (0 .. $nf - 1) {
	my $x = $f[$k];
	my $d = dirname_of($x->{t});
	unless ($dirs{$d}++) {
		if (sysopen my $dh, "$d/", O_RDONLY | O_DIRECTORY) { fsync_fh($dh); close $dh; }
	}
	for my $o (map { "$d/$_" } leftovers($d, base_of($x->{t}))) {
		next if $o eq $x->{n} || $o eq "$x->{n}.orig";
		next unless -f $o && !-l $o;
		push @rml, $o if $locked eq '1' || -M $o > 1;
	}
	if ($x->{nl} eq '-') {
		if (-e $x->{t} || -l $x->{t}) { print "file $k failed verify: still there\n"; $unverified{$k} = 1; }
		else { print "file $k ok\n"; }
		next;
	}
	my @l = lstat $x->{t};
	if (@l && "$l[0]:$l[1]" eq $x->{id}) { print "file $k ok\n"; }
	else { print "file $k failed verify: not what was written\n"; $unverified{$k} = 1; }
}
if ($pt ne '-' && defined(my $p = at($pp))) { unlink "$p.prev"; }
# the originals' links go now: an end before the actions leaves none
unlink @rml, @origs;
@made = @origs = ();
print "commit ok\n";
fault('before-restart');

# 5. actions
my %okunits;
for my $a (0 .. $na - 1) {
	my $x = $act[$a];
	if (grep { $unverified{$_} } @{$x->{needs}}) { print "action $a skipped\n"; next; }
	my ($st, $o) = run_cmd(@{$x->{argv}});
	print "action $a $st\n";
	if ($st != 0 && $o ne '') {
		my @l = (split /\n/, $o)[0 .. 2];
		print "out $a ", substr($_, 0, 300), "\n" for grep { defined } @l;
	}
	$okunits{$x->{unit}} = 1 if $st == 0 && $x->{unit} ne '-';
}
my $pn = $pp ne '-' ? at($pp) : undef;
if (defined $pn && -f $pn && !-l $pn && open my $ph, '<', $pn) {
	my $left = join '', grep { chomp(my $u = $_); !$okunits{$u} } <$ph>;
	close $ph;
	if ($left eq '') { unlink $pn; }
	elsif (unlink("$pn.new"), sysopen my $nh, "$pn.new", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600) {
		# a failed write keeps the old list: the restarts it owes stay owed
		if ((print $nh $left) && close $nh) { rename "$pn.new", $pn; } else { unlink "$pn.new"; }
	}
}
print "done\n";
