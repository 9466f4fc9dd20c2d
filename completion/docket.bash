# bash completion for docket(1): commands, their options and the values of those that take
# one from a fixed list, file names where a file is wanted, and the two-word spellings
# (docket cursor add, docket keys generate, docket report render, docket help COMMAND);
# and for the options of docketd(8) and docket-hook(1).
# The lists follow clients/cli_commands.c; tests/package/completion-test checks them against
# what the built docket prints for --help.

_docket_commands='draft amend submit return endorse reject withdraw publish schedule unschedule
report note recommend respond lift-restriction set-response-due set-review-date meeting-add
meeting-move meeting-postpone meeting-cancel meeting-held item-add item-order import imports
render register search export get list history meetings agenda reminders due info status
backup verify watch cursors cursor-add cursor-delete cursor-parked cursor-retry cursor-skip
cursor-rewind keys keys-generate keys-add keys-roles keys-revoke'

_docket_globals='-e --endpoint --events --json --utc --timezone --timeout --key --server-key
--idem --expect-version -o --output --no-headers --output-format --color --no-pager -h --help
--version'

# Global options that take a value (the next word, or after "="). --color takes one only
# after "=".
_docket_global_values='-e --endpoint --events --timezone --timeout --key --server-key --idem
--expect-version -o --output --output-format'

# A command's own options, without their dashes.
_docket_options()
{
	case $1 in
	draft | amend)
		echo title text text-file justification justification-file maker category \
			cost-pence cost-text ;;
	return | lift-restriction) echo comment ;;
	endorse) echo decided-on ;;
	reject | withdraw | meeting-postpone | meeting-cancel) echo reason ;;
	publish)
		echo restriction restriction-reason review-date withheld public-text \
			public-text-file public-justification public-justification-file \
			published-on ;;
	schedule | report) echo item ;;
	note) echo comment noted-on ;;
	recommend) echo recommendation response-due recommended-on ;;
	respond) echo response responded-on ;;
	set-response-due) echo response-due ;;
	set-review-date) echo review-date ;;
	meeting-add) echo panel starts-at venue ;;
	meeting-move) echo starts-at ;;
	item-add) echo code subject period-start period-end from to ;;
	import) echo dry-run ;;
	render) echo format source output ;;
	register) echo limit after ;;
	search) echo state maker category from to limit ;;
	export) echo html ics csv base-url office ;;
	list) echo state sort limit after ;;
	reminders) echo status kind meeting ref limit ;;
	due) echo within ;;
	verify) echo state-dir checkpoint ;;
	watch) echo since cursor format exec count timeout ;;
	cursor-add) echo since ack-wait max-deliveries ;;
	cursor-parked) echo limit ;;
	keys-add) echo principal role ;;
	keys-roles) echo role ;;
	backup) echo force ;;
	esac
}

# Options that take no value: every other option of a command takes one.
_docket_flag()
{
	case $1 in
	--dry-run | --force | --json | --utc | --no-headers | --color | --no-pager | -h | --help | \
		--version) return 0 ;;
	esac
	return 1
}

# Complete the value of option $1 of command $2 (the word being completed is $3).
_docket_value()
{
	local values=
	case $1 in
	--maker)
		values='pcc deputy_pcc pcc_and_chief_constable chief_executive chief_finance_officer' ;;
	--category) values='statutory spend strategic other' ;;
	--state)
		if [[ $2 == search ]]; then
			values='published scheduled reported noted response_due responded'
		else
			values='draft submitted endorsed rejected withdrawn published scheduled
				reported noted response_due responded'
		fi ;;
	--restriction) values='none part full' ;;
	--sort) values='ref decided' ;;
	--status) values='pending fired missed cancelled' ;;
	--kind) values='meeting response review' ;;
	--format) [[ $2 == render ]] && values='text markdown html' ;;
	--role) values='staff commissioner secretariat reader admin' ;;
	--since) values='now' ;;
	--color) values='auto always never' ;;
	--output-format) values='table json' ;;
	--timezone) values='office UTC' ;;
	# The global --output names columns; render's and export's, a file.
	--output) [[ " $(_docket_options "$2") " == *" output "* ]] || return ;&
	--text-file | --justification-file | --public-text-file | --public-justification-file | \
		--ics | --csv | --checkpoint | --key | --server-key)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$3")
		return ;;
	--html | --state-dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$3")
		return ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$values" -- "$3")
}

# True when option $1 takes a value, for command $2 (empty before the command's name).
_docket_takes()
{
	[[ " ${_docket_global_values//$'\n'/ } " == *" $1 "* ]] && return 0
	[[ -n $2 ]] && ! _docket_flag "$1" && [[ " $(_docket_options "$2") " == *" ${1#--} "* ]]
}

_docket()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' opt=''
	local cmd='' word i sub='' nargs=0
	COMPREPLY=()

	# The command so far: the first word that is neither an option nor an option's value.
	# Unless bash-completion reassembled them, "--state=draft" comes as three words.
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		# The value of an option that takes one only after "=" (--color=always).
		if [[ $word == = ]]; then
			((i += 1))
			continue
		fi
		if [[ $word == -* ]]; then
			if [[ $word == *=* ]] || ! _docket_takes "$word" "$cmd"; then
				continue
			fi
			((i += 1))
			[[ ${COMP_WORDS[i]} == = ]] && ((i += 1))
			continue
		fi
		if [[ -z $cmd ]]; then
			cmd=$word
			[[ $cmd == cursor || $cmd == help ]] && sub=$cmd
			continue
		fi
		# The second word of "cursor add", "help draft".
		if [[ -n $sub ]]; then
			[[ $sub == cursor ]] && cmd=cursor-$word
			sub=
			continue
		fi
		# "keys add", "keys list", "report render": only as the first word after.
		if ((nargs == 0)); then
			case $cmd/$word in
			keys/list) continue ;;
			keys/generate | keys/add | keys/roles | keys/revoke)
				cmd=keys-$word
				continue ;;
			report/render)
				cmd=render
				continue ;;
			esac
		fi
		((nargs += 1))
	done
	((COMP_CWORD > 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# A value: "--opt=value" in one word, "--opt" "=" "value" or "--opt" "value".
	if [[ $cur == --*=* ]]; then
		_docket_value "${cur%%=*}" "$cmd" "${cur#*=}"
		# The whole word is replaced: each value keeps its option in front.
		COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
		return
	fi
	if [[ $cur == = ]] && { _docket_takes "$prev" "$cmd" || [[ $prev == --color ]]; }; then
		_docket_value "$prev" "$cmd" ""
		return
	fi
	if [[ $prev == = ]] && ((COMP_CWORD > 2)); then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
		if _docket_takes "$opt" "$cmd" || [[ $opt == --color ]]; then
			_docket_value "$opt" "$cmd" "$cur"
			return
		fi
	fi
	if [[ $prev == -* ]] && _docket_takes "$prev" "$cmd"; then
		_docket_value "$prev" "$cmd" "$cur"
		return
	fi

	if [[ $cur == -* ]]; then
		local opts=$_docket_globals
		[[ -n $cmd && -z $sub ]] && opts="$opts $(_docket_options "$cmd" | sed 's/[^ ]\+/--&/g')"
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return
	fi

	local words=
	case $sub/$cmd in
	/) words="$_docket_commands cursor help" ;;
	cursor/cursor) words='add delete parked retry skip rewind' ;;
	help/help) words=$_docket_commands ;;
	/keys) ((nargs == 0)) && words='list generate add roles revoke' ;;
	/report) ((nargs == 0)) && words='render' ;;
	/import | /backup | /keys-generate | /keys-add | /keys-roles | /keys-revoke)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}

complete -F _docket docket

# docketd and docket-hook: their options, and file names for the options that take files.
# Installed under their names too, for bash-completion to load on demand.
_docket_daemon()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' opts
	((COMP_CWORD > 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	if [[ ${COMP_WORDS[0]##*/} == docketd ]]; then
		opts='-c --config --state-dir --listen --publish --restore --check-config -h --help
			-V --version'
	else
		opts='-c --config --check -h --help -V --version'
	fi
	case $prev in
	-c | --config | --restore)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	--state-dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return ;;
	--listen | --publish) return ;;
	esac
	[[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
}

complete -F _docket_daemon docketd docket-hook
