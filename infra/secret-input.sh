#!/usr/bin/env bash
# Sourced by deploy.sh and set-secrets.sh (not run): how a secret is given to them, in one place. A secret NAME comes
# as the environment variable NAME (the value) or NAME_FILE (a file holding it; line breaks dropped).

# secret_input_problem NAME: prints what is wrong with NAME / NAME_FILE as given; nothing when fine or not given.
secret_input_problem() {
  local value_name=$1 file_name="$1_FILE"
  local value=${!value_name:-} file=${!file_name:-}
  if [ -n "$value" ]; then
    [[ "$value" =~ ^[[:graph:]]+$ ]] || echo "$value_name has spaces or control characters."
  elif [ -n "$file" ]; then
    if [ ! -r "$file" ] || [ -z "$(tr -d '\r\n' <"$file")" ]; then
      echo "$file_name '$file' cannot be read or is empty."
    fi
  fi
  return 0
}

# read_secret_input NAME DESTINATION: writes the secret to DESTINATION (a file in a private directory); fails
# (writing nothing) when neither NAME nor NAME_FILE is given.
read_secret_input() {
  local value_name=$1 destination=$2 file_name="$1_FILE"
  local value=${!value_name:-} file=${!file_name:-}
  if [ -n "$value" ]; then
    printf '%s' "$value" >"$destination"
  elif [ -n "$file" ]; then
    tr -d '\r\n' <"$file" >"$destination"
  else
    return 1
  fi
}
