#!/usr/bin/env bash
# Sends a validation job to a RunPod endpoint (or to this service's own RunPod-style routes) and prints the result.
#
#   scripts/runpod-request.sh                                  # test_input.json, synchronously
#   scripts/runpod-request.sh --async https://a.jpg https://b.jpg
#   scripts/runpod-request.sh --action nsfw --input job.json
#   scripts/runpod-request.sh --load-balancing https://a.jpg   # a load-balancing endpoint
#   scripts/runpod-request.sh --dry-run https://a.jpg          # print the request, send nothing
#
# Environment:
#   RUNPOD_API_KEY       API key, sent as "Authorization: Bearer ..." (required for RunPod's endpoints)
#   RUNPOD_ENDPOINT_ID   endpoint id (required unless RUNPOD_BASE_URL is set)
#   RUNPOD_BASE_URL      default https://api.runpod.ai/v2/$RUNPOD_ENDPOINT_ID (queue-based endpoint), or with
#                        --load-balancing https://$RUNPOD_ENDPOINT_ID.api.runpod.ai; e.g. http://localhost:8080/v2/local
#   POLL_INTERVAL        seconds between /status polls (default 2)
#   TIMEOUT              seconds to wait for a final status (default 600)
#   RETRIES              load-balancing: retries of "no workers available" while workers start (default 3)
#   RETRY_INTERVAL       seconds between those retries (default 5)
#
# A load-balancing endpoint passes every path to any worker: jobs are sent to /runsync, which answers with the result
# (waiting up to 5 minutes: RunPod limits each load-balancing request to 5.5); /run and /status are refused there.
#
# Exit status: 0 when the job COMPLETED, 1 when it ended otherwise or timed out, 2 on usage errors.
# Uses curl; pretty-prints with jq when it is installed.
set -euo pipefail

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

mode=sync
action=validate
input_file=""
load_balancing=false
dry_run=false
images=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sync) mode=sync ;;
    --async) mode=async ;;
    --action) action="${2:?--action needs a value}"; shift ;;
    --input) input_file="${2:?--input needs a file}"; shift ;;
    --load-balancing) load_balancing=true ;;
    --dry-run) dry_run=true ;;
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
  [ -n "${RUNPOD_API_KEY:-}" ] || $dry_run || { echo "error: set RUNPOD_API_KEY" >&2; exit 2; }
  if $load_balancing; then
    RUNPOD_BASE_URL="https://${RUNPOD_ENDPOINT_ID}.api.runpod.ai"
  else
    RUNPOD_BASE_URL="https://api.runpod.ai/v2/${RUNPOD_ENDPOINT_ID}"
  fi
fi
base="${RUNPOD_BASE_URL%/}"
poll_interval="${POLL_INTERVAL:-2}"
timeout="${TIMEOUT:-600}"
retries="${RETRIES:-3}"
retry_interval="${RETRY_INTERVAL:-5}"

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

first_path=/runsync
if $load_balancing; then
  if [ "$mode" = async ]; then
    echo "error: a load-balancing worker refuses /run and /status (a job lives on one worker); use the default" \
      "synchronous mode" >&2
    exit 2
  fi
  first_path="/runsync?wait=300000"
fi
[ "$mode" = async ] && first_path=/run
if $dry_run; then
  echo "POST $base$first_path"
  echo "Content-Type: application/json"
  printf '%s\n' "$body"
  exit 0
fi

auth=()
[ -n "${RUNPOD_API_KEY:-}" ] && auth=(-H "Authorization: Bearer ${RUNPOD_API_KEY}")
call() {  # call METHOD PATH [BODY]: prints the response body, fails on HTTP errors with the body on stderr
  local method="$1" path="$2" data="${3:-}" out headers status attempt=0 send=()
  out="$(mktemp)"
  headers="$(mktemp)"
  [ -n "$data" ] && send=(-H 'Content-Type: application/json' --data-binary "$data")
  while :; do
    status="$(curl -sS -o "$out" -D "$headers" -w '%{http_code}' -X "$method" "${auth[@]}" "${send[@]}" \
      "$base$path")" || { rm -f "$out" "$headers"; return 1; }
    # A load-balancing endpoint answers this while workers start; RunPod asks clients to retry.
    if $load_balancing && grep -q 'no workers available' "$out" && [ "$attempt" -lt "$retries" ]; then
      attempt=$((attempt + 1))
      echo ">> no workers available yet, retry $attempt of $retries in ${retry_interval}s" >&2
      sleep "$retry_interval"
      continue
    fi
    break
  done
  rm -f "$headers"
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

echo ">> POST $base$first_path" >&2
response="$(call POST "$first_path" "$body")"
id="$(field id "$response")"
status="$(field status "$response")"
[ -n "$id" ] || { echo "error: no job id in the answer: $response" >&2; exit 1; }
echo ">> job $id: $status" >&2
if $load_balancing && ! final "$status"; then
  echo "error: job $id still $status when its load-balancing request ended; send fewer images per request" >&2
  exit 1
fi

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
