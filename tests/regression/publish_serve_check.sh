#!/usr/bin/env bash
# publish_serve_check.sh SANXIANG PACKAGE_DIR — `sanxiang serve` answers
# files (200 with the right type), refuses paths outside the package (403)
# and reports missing files (404).
set -uo pipefail
bin=$1; pkg=$2
out=$(mktemp)
"$bin" serve "$pkg" --port 0 --max-requests 4 >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q "http://127.0.0.1:" "$out" && break; sleep 0.1; done
url=$(grep -o "http://127.0.0.1:[0-9]*/" "$out") || { echo "serve did not start: $(cat "$out")"; exit 1; }
fail=0
code() { curl -s --path-as-is -o /dev/null -w "%{http_code} %{content_type}" "$1"; }
r=$(code "${url}"); [[ $r == "200 text/html"* ]] || { echo "index: $r"; fail=1; }
r=$(code "${url}catalog.json"); [[ $r == "200 application/json"* ]] || { echo "catalog.json: $r"; fail=1; }
r=$(code "${url}../../../etc/passwd"); [[ $r == 403* ]] || { echo "path traversal: $r"; fail=1; }
r=$(code "${url}no_such_file.json"); [[ $r == 404* ]] || { echo "missing file: $r"; fail=1; }
wait $pid || { echo "serve exited with $?"; fail=1; }
[ $fail = 0 ] && echo "serve: 200/403/404 as expected"
exit $fail
