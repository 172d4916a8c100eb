# shellcheck shell=bash
# Functions shared by the benchmark scripts (sourced, defines nothing else).

# bench_options USAGE_FN --opt=VAR ... -- "$@"
# Sets VAR from "--opt VALUE" (or to 1 for a flag declared as --opt=VAR!), runs USAGE_FN and exits 0 on -h/--help,
# exits 2 on an unknown argument or a missing value.
bench_options() {
  local usage=$1 spec name var
  shift
  local -A vars=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    spec=$1
    vars[${spec%%=*}]=${spec#*=}
    shift
  done
  shift
  while [[ $# -gt 0 ]]; do
    name=$1
    if [[ $name == -h || $name == --help ]]; then
      "$usage"
      exit 0
    fi
    var=${vars[$name]:-}
    if [[ -z $var ]]; then
      echo "unknown argument: $name (see --help)" >&2
      exit 2
    elif [[ $var == *! ]]; then
      printf -v "${var%!}" '%s' 1
      shift
    elif [[ $# -lt 2 ]]; then
      echo "$name needs a value (see --help)" >&2
      exit 2
    else
      printf -v "$var" '%s' "$2"
      shift 2
    fi
  done
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}
