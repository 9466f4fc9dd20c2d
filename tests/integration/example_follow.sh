#!/bin/sh
# README's example program as a user builds it: libdocket installed into a temporary prefix,
# doc/examples/follow.c compiled against it with the system's cc, then run against a real
# docketd for one endorsed decision.
#
# usage: example_follow.sh CMAKE BUILD_DIR FOLLOW_C DOCKETD DOCKET_CLI [CFLAGS]
set -eu
cmake=$1 build=$2 source=$3 docketd=$4 cli=$5 cflags=${6:-}

dir=$(mktemp -d /tmp/docket-example-XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
fail() {
	echo "example_follow: $*" >&2
	[ -f "$dir/docketd.err" ] && sed 's/^/docketd: /' "$dir/docketd.err" >&2
	exit 1
}

"$cmake" --install "$build" --prefix "$dir/prefix" >/dev/null
# GNUInstallDirs chose the library directory at configure time: find it.
lib=$(dirname "$(find "$dir/prefix" -name libdocket.so | head -n 1)")
[ -f "$dir/prefix/include/docket/docket.h" ] || fail "docket.h was not installed"
# $cflags unquoted: it is empty, or the sanitizer flags of a sanitized build.
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags "$source" -o "$dir/follow" \
	-I"$dir/prefix/include" -L"$lib" -Wl,-rpath,"$lib" -ldocket ||
	fail "follow.c does not build against the installed library"

"$docketd" --state-dir "$dir/state" --listen "ipc://$dir/cmd" --publish "ipc://$dir/ev" \
	2>"$dir/docketd.err" &
pid=$!
DOCKET_ENDPOINT="ipc://$dir/cmd" DOCKET_EVENTS="ipc://$dir/ev"
export DOCKET_ENDPOINT DOCKET_EVENTS
# docketd says on stderr when it is ready; wait for that, for ten seconds at most.
tries=0
until grep -q 'ready' "$dir/docketd.err" 2>/dev/null; do
	tries=$((tries + 1))
	[ "$tries" -le 200 ] || fail "docketd did not get ready"
	kill -0 "$pid" 2>/dev/null || fail "docketd exited"
	sleep 0.05
done

"$cli" draft "35 - 2015" --title "Body worn cameras roll out" --text "Roll out." \
	--justification "A successful trial." --maker pcc --category spend >/dev/null
"$cli" submit "35 - 2015" >/dev/null
"$cli" endorse "35 - 2015" >/dev/null
"$cli" draft "36 - 2015" --title "Not endorsed" --text "t" --justification "j" \
	--maker pcc --category other >/dev/null

out=$(timeout 20 "$dir/follow" 1 1) || fail "follow failed"
[ "$out" = "3 decision.endorsed 35 - 2015" ] || fail "follow printed '$out'"
echo "$out"
