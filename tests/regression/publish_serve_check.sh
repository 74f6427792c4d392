#!/usr/bin/env bash
# publish_serve_check.sh SANXIANG PACKAGE_DIR — `sanxiang serve` answers
# files (200 with the right type), refuses paths outside the package (403),
# reports missing files (404), and answers byte ranges as RFC 9110 says:
# 206 with Content-Range and exactly those bytes (a-b, a-, -n, on a COG too),
# 416 with "Content-Range: bytes */SIZE" past the end, 200 (whole file) for a
# multi-range request it does not split.
set -uo pipefail
bin=$1; pkg=$2
out=$(mktemp); tmp=$(mktemp -d)
"$bin" serve "$pkg" --port 0 --max-requests 12 >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$out" "$tmp"' EXIT
for _ in $(seq 50); do grep -q "http://127.0.0.1:" "$out" && break; sleep 0.1; done
url=$(grep -o "http://127.0.0.1:[0-9]*/" "$out") || { echo "serve did not start: $(cat "$out")"; exit 1; }
fail=0
code() { curl -s --path-as-is -o /dev/null -w "%{http_code} %{content_type}" "$1"; }
r=$(code "${url}"); [[ $r == "200 text/html"* ]] || { echo "index: $r"; fail=1; }
r=$(code "${url}catalog.json"); [[ $r == "200 application/json"* ]] || { echo "catalog.json: $r"; fail=1; }
r=$(code "${url}../../../etc/passwd"); [[ $r == 403* ]] || { echo "path traversal: $r"; fail=1; }
r=$(code "${url}no_such_file.json"); [[ $r == 404* ]] || { echo "missing file: $r"; fail=1; }

# range NAME REL RANGE EXPECT_CODE EXPECT_CONTENT_RANGE FIRST LAST (bytes of the file expected in the body)
range() {
  local name=$1 rel=$2 spec=$3 want=$4 wantcr=$5 first=$6 last=$7
  local got cr
  got=$(curl -s -D "$tmp/h" -o "$tmp/b" -w "%{http_code}" -H "Range: $spec" "${url}${rel}")
  cr=$(tr -d '\r' <"$tmp/h" | sed -n 's/^[Cc]ontent-[Rr]ange: //p')
  [[ $got == "$want" ]] || { echo "$name: status $got, expected $want"; fail=1; return; }
  [[ $cr == "$wantcr" ]] || { echo "$name: Content-Range '$cr', expected '$wantcr'"; fail=1; return; }
  if [[ $first != - ]]; then
    tail -c +$((first + 1)) "$pkg/$rel" | head -c $((last - first + 1)) >"$tmp/e"
    cmp -s "$tmp/b" "$tmp/e" || { echo "$name: body differs from bytes $first-$last of $rel"; fail=1; return; }
  fi
  echo "ok $name: $got ${cr:-(no Content-Range)}"
}
size=$(stat -c %s "$pkg/catalog.json")
range "first 10 bytes" catalog.json "bytes=0-9" 206 "bytes 0-9/$size" 0 9
range "open-ended" catalog.json "bytes=100-" 206 "bytes 100-$((size - 1))/$size" 100 $((size - 1))
range "suffix" catalog.json "bytes=-5" 206 "bytes $((size - 5))-$((size - 1))/$size" $((size - 5)) $((size - 1))
range "end past the file" catalog.json "bytes=10-999999999" 206 "bytes 10-$((size - 1))/$size" 10 $((size - 1))
range "start past the file" catalog.json "bytes=$size-" 416 "bytes */$size" - -
range "multi-range" catalog.json "bytes=0-1,5-6" 200 "" 0 $((size - 1))
cog=$(cd "$pkg" && find . -name '*.tif' | sort | head -1); cog=${cog#./}
if [[ -n $cog ]]; then
  csize=$(stat -c %s "$pkg/$cog")
  range "COG header" "$cog" "bytes=0-16383" 206 "bytes 0-$((csize < 16384 ? csize - 1 : 16383))/$csize" 0 $((csize < 16384 ? csize - 1 : 16383))
  mid=$((csize / 2))
  range "COG middle" "$cog" "bytes=$mid-$((mid + 999))" 206 "bytes $mid-$((mid + 999))/$csize" $mid $((mid + 999))
else
  echo "no COG in the package"; fail=1
fi
wait $pid || { echo "serve exited with $?"; fail=1; }
[ $fail = 0 ] && echo "serve: 200/403/404 and ranges 206/416 as expected"
exit $fail
