#!/bin/sh
# The systemd units as shipped: systemd-analyze verify passes, each service's
# `systemd-analyze security --offline=true` exposure is 1.5 or lower, the sysusers.d file
# makes the docket account, and docketd, running as a user under strace, makes no system
# call and opens no socket family docketd.service's filters would refuse.
#   systemd_units.sh SOURCE_DIR DOCKETD DOCKET_HOOK DOCKET_CLI SANITIZED(0|1)
set -u
src=$1 docketd=$2 hook=$3 cli=$4 sanitized=$5
limit=1.5
units="docketd.service docketd.socket docket-hook.service"
fail=0
bad() {
	echo "FAIL: $*" >&2
	fail=1
}
for tool in systemd-analyze systemd-sysusers; do
	command -v $tool >/dev/null || { echo "FAIL: $tool missing: install systemd (tools/packages)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/docket-units-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# verify wants ExecStart's binary to exist, and the packaged /usr/sbin/docketd is not
# installed here: each unit is copied unchanged but for that path, which points at the
# binary just built (--root= would need a whole installed tree). Its Documentation= man
# pages are looked up in the sources.
mkdir -p "$tmp/units" "$tmp/man/man1" "$tmp/man/man8"
ln -s "$src/man/docketd.8" "$tmp/man/man8/docketd.8"
ln -s "$src/man/docket-hook.1" "$tmp/man/man1/docket-hook.1"
for u in $units; do
	sed -e "s#^ExecStart=/usr/sbin/docketd #ExecStart=$docketd #" \
	    -e "s#^ExecStart=/usr/bin/docket-hook #ExecStart=$hook #" "$src/systemd/$u" >"$tmp/units/$u"
done
out=$(cd "$tmp/units" && MANPATH="$tmp/man" systemd-analyze verify $units 2>&1)
rc=$?
echo "systemd-analyze verify $units: exit $rc"
[ -n "$out" ] && echo "$out"
[ $rc -eq 0 ] || bad "systemd-analyze verify exited $rc"
# Unknown keys and the like are warnings, exit 0: none may name our units.
if echo "$out" | grep -E 'docketd|docket-hook' >/dev/null; then
	bad "systemd-analyze verify warns about the units"
fi

for u in docketd.service docket-hook.service; do
	line=$(systemd-analyze security --offline=true "$src/systemd/$u" 2>&1 | grep 'Overall exposure level')
	score=$(echo "$line" | sed -n 's/.*: \([0-9][0-9.]*\) .*/\1/p')
	echo "$u: ${line:-no exposure level}"
	if [ -z "$score" ]; then
		bad "no exposure level for $u"
	elif ! awk -v s="$score" -v l="$limit" 'BEGIN { exit !(s <= l) }'; then
		systemd-analyze security --offline=true "$src/systemd/$u" 2>&1 | grep '✗'
		bad "$u exposure $score is above $limit"
	fi
done

# The account: group docket, user docket in it, home the state directory, no login.
mkdir -p "$tmp/root/etc"
systemd-sysusers --root="$tmp/root" "$src/systemd/docket.sysusers" >/dev/null 2>&1 ||
	bad "systemd-sysusers refused docket.sysusers"
gid=$(awk -F: '$1 == "docket" { print $3 }' "$tmp/root/etc/group")
awk -F: -v g="$gid" '$1 == "docket" && $4 == g && $4 != "" && $6 == "/var/lib/docket" &&
	$7 ~ /nologin$/ { found = 1 } END { exit !found }' "$tmp/root/etc/passwd" ||
	bad "docket.sysusers does not make user docket in group docket, home /var/lib/docket"

# What docketd calls, against docketd.service's SystemCallFilter= and RestrictAddressFamilies=.
# Under the sanitizers docketd's calls are the sanitizer's too: that part is for plain builds.
if [ "$sanitized" = 1 ]; then
	echo "system calls: not checked under the sanitizers"
	exit $fail
fi
command -v strace >/dev/null || { echo "FAIL: strace missing (tools/packages)" >&2; exit 1; }
unit="$src/systemd/docketd.service"
# A group's members, groups within it expanded.
members() {
	systemd-analyze syscall-filter "$1" 2>/dev/null | awk 'NR > 1 && $1 !~ /^#/ { print $1 }' |
		while read -r m; do
			case $m in
			@*) members "$m" ;;
			*) echo "$m" ;;
			esac
		done
}
: >"$tmp/allowed"
sed -n 's/^SystemCallFilter=//p' "$unit" | while read -r filter; do
	deny=
	case $filter in "~"*) deny=1 filter=${filter#"~"} ;; esac
	for g in $filter; do
		case $g in @*) members "$g" ;; *) echo "$g" ;; esac
	done | sort -u >"$tmp/set"
	if [ -n "$deny" ]; then
		sort -u "$tmp/allowed" | comm -23 - "$tmp/set" >"$tmp/next"
	else
		sort -u "$tmp/allowed" "$tmp/set" >"$tmp/next"
	fi
	mv "$tmp/next" "$tmp/allowed"
done
[ -s "$tmp/allowed" ] || bad "no SystemCallFilter= in $unit"

# As the unit does, not as root: SQLite, for one, chowns its journals for root only.
state="$tmp/state"
mkdir -m 0750 "$state"
as=
if [ "$(id -u)" = 0 ]; then
	chown nobody "$tmp" "$state"
	as="-u nobody"
fi
# Readiness as systemd sees it: READY=1 on a notify socket, which python binds (and says so
# through a fifo) before docketd starts.
mkfifo "$tmp/bound"
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.settimeout(30)
with open(sys.argv[2], "w") as f:
    f.write("bound\n")
while b"READY=1" not in s.recv(4096):
    pass
' "$tmp/notify" "$tmp/bound" &
waiter=$!
read -r _ <"$tmp/bound"
# Commands on ipc in the state directory; events on tcp, where libzmq looks at the
# interfaces; SIGHUP, then SIGTERM.
NOTIFY_SOCKET="$tmp/notify" strace -f -qq $as -o "$tmp/trace" "$docketd" --state-dir "$state" \
	--listen "ipc://$state/cmd" --publish tcp://127.0.0.1:0 >"$tmp/docketd.log" 2>&1 &
tracer=$!
wait $waiter || bad "docketd did not say READY=1: $(tail -n 5 "$tmp/docketd.log")"
export DOCKET_ENDPOINT="ipc://$state/cmd"
run() {
	"$cli" "$@" >>"$tmp/cli.log" 2>&1 || bad "docket $* failed: $(tail -n 3 "$tmp/cli.log")"
}
run info
run draft "1 - 2030" --title T --text X --justification J --maker pcc --category spend
run submit "1 - 2030"
run get "1 - 2030"
run history "1 - 2030"
run reminders
pid=$(awk 'NR == 1 { print $1 }' "$tmp/trace")
kill -HUP "$pid"
run info
kill -TERM "$pid"
wait $tracer
grep -q 'stopped after' "$tmp/docketd.log" || bad "docketd did not stop cleanly: $(tail -n 5 "$tmp/docketd.log")"
# "PID name(" and "PID <... name resumed>": every call made, whatever its result.
sed -n -e 's/^[0-9]* \([a-z_0-9]*\)(.*/\1/p' -e 's/^[0-9]* <\.\.\. \([a-z_0-9]*\) resumed>.*/\1/p' \
	"$tmp/trace" | sort -u >"$tmp/used"
echo "system calls docketd made: $(wc -l <"$tmp/used")"
refused=$(comm -23 "$tmp/used" "$tmp/allowed")
[ -z "$refused" ] || bad "docketd.service's SystemCallFilter= refuses what docketd calls: $refused"
families=$(sed -n 's/^[0-9]* socket(\(AF_[A-Z0-9]*\),.*/\1/p' "$tmp/trace" | sort -u)
allowed_families=$(sed -n 's/^RestrictAddressFamilies=//p' "$unit")
echo "socket families docketd opened: $(echo $families)"
for f in $families; do
	case " $allowed_families " in
	*" $f "*) ;;
	*) bad "docketd.service's RestrictAddressFamilies= refuses $f, which docketd opens" ;;
	esac
done
exit $fail
