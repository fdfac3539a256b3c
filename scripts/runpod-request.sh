#!/usr/bin/env bash
# Sends a validation job to a RunPod endpoint (or to this service's own RunPod-style routes) and prints the result.
#
#   scripts/runpod-request.sh                                  # test_input.json, synchronously
#   scripts/runpod-request.sh --async https://a.jpg https://b.jpg
#   scripts/runpod-request.sh --action nsfw --input job.json
#
# Environment:
#   RUNPOD_API_KEY       API key, sent as "Authorization: Bearer ..." (required for api.runpod.ai)
#   RUNPOD_ENDPOINT_ID   endpoint id (required unless RUNPOD_BASE_URL is set)
#   RUNPOD_BASE_URL      default https://api.runpod.ai/v2/$RUNPOD_ENDPOINT_ID; e.g. http://localhost:8080/v2/local
#   POLL_INTERVAL        seconds between /status polls (default 2)
#   TIMEOUT              seconds to wait for a final status (default 600)
#
# Exit status: 0 when the job COMPLETED, 1 when it ended otherwise or timed out, 2 on usage errors.
# Uses curl; pretty-prints with jq when it is installed.
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

mode=sync
action=validate
input_file=""
images=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sync) mode=sync ;;
    --async) mode=async ;;
    --action) action="${2:?--action needs a value}"; shift ;;
    --input) input_file="${2:?--input needs a file}"; shift ;;
    -h|--help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) images+=("$1") ;;
  esac
  shift
done

command -v curl >/dev/null || { echo "error: curl is required" >&2; exit 2; }
have_jq=false
command -v jq >/dev/null && have_jq=true

if [ -z "${RUNPOD_BASE_URL:-}" ]; then
  [ -n "${RUNPOD_ENDPOINT_ID:-}" ] || { echo "error: set RUNPOD_ENDPOINT_ID (or RUNPOD_BASE_URL)" >&2; exit 2; }
  [ -n "${RUNPOD_API_KEY:-}" ] || { echo "error: set RUNPOD_API_KEY" >&2; exit 2; }
  RUNPOD_BASE_URL="https://api.runpod.ai/v2/${RUNPOD_ENDPOINT_ID}"
fi
base="${RUNPOD_BASE_URL%/}"
poll_interval="${POLL_INTERVAL:-2}"
timeout="${TIMEOUT:-600}"

json_string() {  # JSON-quotes one string
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

if [ ${#images[@]} -gt 0 ]; then
  list=""
  for image in "${images[@]}"; do
    list="${list:+$list, }$(json_string "$image")"
  done
  body="{\"input\": {\"action\": $(json_string "$action"), \"images\": [$list]}}"
else
  file="${input_file:-$(cd "$(dirname "$0")/.." && pwd)/test_input.json}"
  [ -r "$file" ] || { echo "error: no images given and $file is not readable" >&2; exit 2; }
  body="$(cat "$file")"
fi

auth=()
[ -n "${RUNPOD_API_KEY:-}" ] && auth=(-H "Authorization: Bearer ${RUNPOD_API_KEY}")

call() {  # call METHOD PATH [BODY]: prints the response body, fails on HTTP errors with the body on stderr
  local method="$1" path="$2" data="${3:-}" out status
  out="$(mktemp)"
  if [ -n "$data" ]; then
    status="$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "${auth[@]}" -H 'Content-Type: application/json' \
      --data-binary "$data" "$base$path")" || { rm -f "$out"; return 1; }
  else
    status="$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "${auth[@]}" "$base$path")" || { rm -f "$out"; return 1; }
  fi
  if [ "${status:0:1}" != 2 ]; then
    echo "error: $method $path answered HTTP $status: $(cat "$out")" >&2
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}

field() {  # field NAME JSON: a top-level string field
  if $have_jq; then
    jq -r --arg k "$1" '.[$k] // empty' <<<"$2"
  else
    # The envelope's own fields come first, before any output.
    { grep -o "\"$1\"[[:space:]]*:[[:space:]]*\"[^\"]*\"" <<<"$2" || true; } | head -n 1 | sed 's/.*:[[:space:]]*"\(.*\)"$/\1/'
  fi
}

show() {
  if $have_jq; then jq . <<<"$1"; else printf '%s\n' "$1"; fi
}

final() { case "$1" in COMPLETED|FAILED|CANCELLED|TIMED_OUT) return 0 ;; *) return 1 ;; esac; }

if [ "$mode" = sync ]; then
  echo ">> POST $base/runsync" >&2
  response="$(call POST /runsync "$body")"
else
  echo ">> POST $base/run" >&2
  response="$(call POST /run "$body")"
fi
id="$(field id "$response")"
status="$(field status "$response")"
[ -n "$id" ] || { echo "error: no job id in the answer: $response" >&2; exit 1; }
echo ">> job $id: $status" >&2

deadline=$((SECONDS + timeout))
while ! final "$status"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "error: job $id still $status after ${timeout}s" >&2
    exit 1
  fi
  sleep "$poll_interval"
  response="$(call GET "/status/$id")"
  status="$(field status "$response")"
  echo ">> job $id: $status" >&2
done

show "$response"
[ "$status" = COMPLETED ]
