#!/usr/bin/env bash
# Generates KvmTune's man page and bash completion from the program's own --help output, so that both list exactly
# the commands and options of the build they ship with.
# Usage: scripts/package-docs.sh KVMTUNE VERSION MAN_PAGE_OUT COMPLETION_OUT
#   KVMTUNE: the program, an executable (the published single-file binary).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 KVMTUNE VERSION MAN_PAGE_OUT COMPLETION_OUT" >&2; exit 2; }
program="$1" version="$2" man_out="$3" completion_out="$4"

help_of() {
    # A fixed width and no colour: the text is the same on every machine. Trailing padding is dropped.
    NO_COLOR=1 COLUMNS=100 "$program" "$@" --help | sed -e 's/[[:space:]]*$//'
}

# The entries of a help text's COMMANDS: section (first word of each line).
commands_of() {
    awk '/^COMMANDS:/ {on=1; next} /^[A-Z]+:/ {on=0} on && /^    [a-z]/ {print $1}'
}

# The option names of a help text's OPTIONS: section (-x and --long).
options_of() {
    awk '/^OPTIONS:/ {on=1; next} /^[A-Z]+:/ {on=0} on' | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z0-9-]*' | tr -d ' ,' | sort -u
}

# roff for a preformatted block: escape backslashes, and lines starting with . or '.
roff_block() {
    sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

top="$(help_of)"
mapfile -t commands < <(printf '%s\n' "$top" | commands_of)
[ ${#commands[@]} -gt 0 ] || { echo "package-docs.sh: no COMMANDS in '$program --help'" >&2; exit 3; }

# Every command path: "lint", "nova explain", …; a branch (a command with its own COMMANDS:) is listed with its children.
paths=()
declare -A subcommands=()
for c in "${commands[@]}"; do
    text="$(help_of "$c")"
    mapfile -t children < <(printf '%s\n' "$text" | commands_of)
    if [ ${#children[@]} -gt 0 ]; then
        subcommands[$c]="${children[*]}"
        for child in "${children[@]}"; do paths+=("$c $child"); done
    else
        paths+=("$c")
    fi
done

# The man page.
{
    printf '.TH KVMTUNE 1 "%s" "kvmtune %s" "User Commands"\n' "$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)" "$version"
    printf '.SH NAME\nkvmtune \\- measure, decide and apply KVM disk IO settings (cache, aio, image backend)\n'
    printf '.SH SYNOPSIS\n.B kvmtune\n.I COMMAND\n[\\fIOPTIONS\\fR]\n'
    printf '.SH DESCRIPTION\n'
    printf 'KvmTune measures cache mode, aio mode and image backend candidates on this host, decides with confidence\n'
    printf 'intervals, applies the decision to nova.conf and libvirt domains (diff, backup, atomic write, rollback), and\n'
    printf 'lints, explains and inspects the disk settings of existing domains, on this host or on many hosts through\n'
    printf "libvirt's remote driver. The text of each command below is its \\\\fB--help\\\\fR output.\n"
    printf '.SH COMMANDS\n.nf\n'
    printf '%s\n' "$top" | roff_block
    printf '.fi\n'
    for p in "${paths[@]}"; do
        # shellcheck disable=SC2086 # a path is one or two words
        printf '.SS "kvmtune %s"\n.nf\n' "$p"
        help_of $p | roff_block
        printf '.fi\n'
    done
    printf '.SH EXIT STATUS\n'
    printf '0 success; 1 lint found errors (or warnings with \\fB--strict\\fR), inspect found drift; 2 bad input (one line on\n'
    printf 'standard error, nothing written); 3 a host or tool failure (for many hosts: at least one host failed).\n'
    printf '.SH ENVIRONMENT\n.TP\n.B LIBVIRT_DEFAULT_URI\nThe libvirt URI used without \\fB--connect\\fR (else qemu:///system).\n'
    printf '.TP\n.B XDG_DATA_HOME\nThe data directory is $XDG_DATA_HOME/kvmtune (else ~/.local/share/kvmtune).\n'
    printf '.SH FILES\n.TP\n.I /usr/share/kvmtune\nData files of the program.\n'
    printf '.TP\n.I /usr/share/doc/kvmtune\nREADME and the documentation (docs/*.md).\n'
} >"$man_out"

# The bash completion: commands, sub-commands, and each command's options.
{
    printf '# bash completion for kvmtune %s (generated from its --help by scripts/package-docs.sh)\n' "$version"
    printf '_kvmtune() {\n'
    printf '    local cur="${COMP_WORDS[COMP_CWORD]}" path="" i w\n'
    printf '    for ((i = 1; i < COMP_CWORD; i++)); do\n'
    printf '        w="${COMP_WORDS[i]}"\n'
    printf '        case "$w" in -*) continue ;; esac\n'
    printf '        case "$path" in\n'
    printf '            "") case " %s " in *" $w "*) path="$w" ;; *) break ;; esac ;;\n' "${commands[*]}"
    for c in "${!subcommands[@]}"; do
        printf '            "%s") case " %s " in *" $w "*) path="$path $w" ;; *) break ;; esac ;;\n' "$c" "${subcommands[$c]}"
    done
    printf '            *) break ;;\n'
    printf '        esac\n'
    printf '    done\n'
    printf '    local words=""\n'
    printf '    case "$path" in\n'
    printf '        "") words="%s --help --version" ;;\n' "${commands[*]}"
    for c in "${!subcommands[@]}"; do
        printf '        "%s") words="%s --help" ;;\n' "$c" "${subcommands[$c]}"
    done
    for p in "${paths[@]}"; do
        # shellcheck disable=SC2086
        opts="$(help_of $p | options_of | tr '\n' ' ' | sed 's/ $//')"
        printf '        "%s") [[ "$cur" == -* ]] && words="%s" ;;\n' "$p" "$opts"
    done
    printf '    esac\n'
    printf '    [ -n "$words" ] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")\n'
    printf '    return 0\n'
    printf '}\n'
    printf 'complete -o default -F _kvmtune kvmtune\n'
} >"$completion_out"
echo "package-docs.sh: ${#paths[@]} commands in $man_out and $completion_out" >&2
