#!/usr/bin/env bash
# publish_serve_check.sh SANXIANG PACKAGE_DIR — `sanxiang serve` (libmicrohttpd)
# on a copy of PACKAGE_DIR to which the test adds symbolic links:
#  - files: 200 with the right Content-Type; HEAD: the headers of GET
#    (Content-Length, Accept-Ranges) and no body; 404 for missing files;
#  - only files inside the package: "..", encoded %2e%2e and ..%2f, an encoded
#    NUL, a symbolic link leading out (to a file, into a directory) -> 403;
#    "//etc/passwd" and the hidden marker -> 404; a link staying inside -> 200;
#  - byte ranges (RFC 9110): 206 with Content-Range and exactly those bytes
#    (a-b, a-, -n, on a COG too, and for HEAD), 416 with "bytes */SIZE" past
#    the end, 200 (whole file) for a multi-range request it does not split;
#  - bounds: a request head larger than the bound gets 431/414/413 and the
#    server goes on; a body on GET 413; POST 405; a Host that is not the
#    loopback 403; a client trickling its request head is cut off within
#    15 s while others are served meanwhile;
#  - a port already in use is one error (status 4) naming it;
#  - SIGTERM stops it with status 0; --max-requests K stops it after K.
set -uo pipefail
bin=$1; src=$2
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
pkg=$tmp/pkg
cp -r "$src" "$pkg"
printf 'outside the package\n' >"$tmp/secret.txt"
ln -s ../secret.txt "$pkg/leak.txt"
ln -s /etc "$pkg/etc_link"
ln -s catalog.json "$pkg/alias.json"
fail=0
nstart=0
start() { # start ARGS...: serve $pkg, sets pid, url and out (a new log file each time: no stale address)
  out=$tmp/out$((++nstart))
  "$bin" serve "$pkg" --port 0 "$@" >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q "http://127.0.0.1:" "$out" 2>/dev/null && break; sleep 0.1; done
  url=$(grep -o "http://127.0.0.1:[0-9]*/" "$out") || { echo "serve did not start: $(cat "$out")"; exit 1; }
}
start
code() { curl -s --path-as-is -o /dev/null -w "%{http_code} %{content_type}" "$@"; }
expect() { # expect NAME WANT_PREFIX CURL_ARGS...
  local name=$1 want=$2; shift 2
  local r; r=$(code "$@")
  if [[ $r == "$want"* ]]; then echo "ok   $name: $r"; else echo "FAIL $name: '$r', expected '$want'"; fail=1; fi
}
expect "index" "200 text/html" "${url}"
expect "catalog.json" "200 application/json" "${url}catalog.json"
expect "missing file" "404" "${url}no_such_file.json"
expect "path traversal" "403" "${url}../../../etc/passwd"
expect "encoded traversal %2e%2e" "403" "${url}%2e%2e/%2e%2e/%2e%2e/etc/passwd"
expect "encoded slash ..%2f" "403" "${url}..%2f..%2f..%2fetc%2fpasswd"
expect "encoded NUL" "403" "${url}catalog.json%00.png"
expect "absolute path stays inside" "404" "${url}/etc/passwd"
expect "symbolic link leading out" "403" "${url}leak.txt"
expect "symbolic link to a directory outside" "403" "${url}etc_link/passwd"
expect "symbolic link inside" "200 application/json" "${url}alias.json"
expect "hidden marker" "404" "${url}.sanxiang-package"
expect "POST" "405" -X POST "${url}catalog.json"
expect "body on GET" "413" -X GET --data-binary "x=1" "${url}catalog.json"
expect "foreign Host" "403" -H "Host: rebound.example:80" "${url}catalog.json"
big=$(head -c 40000 /dev/zero | tr '\0' a)
r=$(code -H "X-Big: $big" "${url}catalog.json")
if [[ $r == 431* || $r == 414* || $r == 413* ]]; then echo "ok   request head over the bound: $r"; else echo "FAIL request head over the bound: '$r'"; fail=1; fi
expect "still serving after it" "200 application/json" "${url}catalog.json"

size=$(stat -c %s "$pkg/catalog.json")
curl -s -I "${url}catalog.json" | tr -d '\r' >"$tmp/head"
if grep -Eq "^HTTP/1\.[01] 200" "$tmp/head" && grep -qi "^content-length: $size$" "$tmp/head" && grep -qi "^accept-ranges: bytes" "$tmp/head" \
   && [ "$(curl -s -I "${url}catalog.json" -o /dev/null -w '%{size_download}')" = 0 ]; then
  echo "ok   HEAD: 200, Content-Length $size, no body"
else echo "FAIL HEAD: $(cat "$tmp/head")"; fail=1; fi

# range NAME REL RANGE EXPECT_CODE EXPECT_CONTENT_RANGE FIRST LAST (bytes of the file expected in the body)
range() {
  local name=$1 rel=$2 spec=$3 want=$4 wantcr=$5 first=$6 last=$7
  local got cr
  got=$(curl -s -D "$tmp/h" -o "$tmp/b" -w "%{http_code}" -H "Range: $spec" "${url}${rel}")
  cr=$(tr -d '\r' <"$tmp/h" | sed -n 's/^[Cc]ontent-[Rr]ange: //p')
  [[ $got == "$want" ]] || { echo "FAIL $name: status $got, expected $want"; fail=1; return; }
  [[ $cr == "$wantcr" ]] || { echo "FAIL $name: Content-Range '$cr', expected '$wantcr'"; fail=1; return; }
  if [[ $first != - ]]; then
    tail -c +$((first + 1)) "$pkg/$rel" | head -c $((last - first + 1)) >"$tmp/e"
    cmp -s "$tmp/b" "$tmp/e" || { echo "FAIL $name: body differs from bytes $first-$last of $rel"; fail=1; return; }
  fi
  echo "ok   $name: $got ${cr:-(no Content-Range)}"
}
range "first 10 bytes" catalog.json "bytes=0-9" 206 "bytes 0-9/$size" 0 9
range "open-ended" catalog.json "bytes=100-" 206 "bytes 100-$((size - 1))/$size" 100 $((size - 1))
range "suffix" catalog.json "bytes=-5" 206 "bytes $((size - 5))-$((size - 1))/$size" $((size - 5)) $((size - 1))
range "end past the file" catalog.json "bytes=10-999999999" 206 "bytes 10-$((size - 1))/$size" 10 $((size - 1))
range "start past the file" catalog.json "bytes=$size-" 416 "bytes */$size" - -
range "multi-range" catalog.json "bytes=0-1,5-6" 200 "" 0 $((size - 1))
r=$(curl -s -I -H "Range: bytes=0-9" "${url}catalog.json" | tr -d '\r' | grep -i -e "^HTTP" -e "^content-range" | tr '\n' ' ')
if [[ $r == HTTP/1.[01]" 206"*"bytes 0-9/$size"* ]]; then echo "ok   HEAD with a range: $r"; else echo "FAIL HEAD with a range: $r"; fail=1; fi
cog=$(cd "$pkg" && find . -name '*.tif' | sort | head -1); cog=${cog#./}
if [[ -n $cog ]]; then
  csize=$(stat -c %s "$pkg/$cog")
  range "COG header" "$cog" "bytes=0-16383" 206 "bytes 0-$((csize < 16384 ? csize - 1 : 16383))/$csize" 0 $((csize < 16384 ? csize - 1 : 16383))
  mid=$((csize / 2))
  range "COG middle" "$cog" "bytes=$mid-$((mid + 999))" 206 "bytes $mid-$((mid + 999))/$csize" $mid $((mid + 999))
  expect "COG type" "200 image/tiff" "${url}${cog}"
else
  echo "FAIL no COG in the package"; fail=1
fi

# A client that trickles its request head (a byte every half second, never idle) is cut off within 15 s;
# other clients are served meanwhile (from another thread, while the trickling goes on).
port=${url#http://127.0.0.1:}; port=${port%/}
python3 - "$port" <<'EOF' || fail=1
import socket, sys, threading, time, urllib.request
port = int(sys.argv[1])
served = []
def other():
    time.sleep(2)
    try:
        served.append(urllib.request.urlopen("http://127.0.0.1:%d/catalog.json" % port, timeout=5).status == 200)
    except OSError:
        served.append(False)
slow = socket.create_connection(("127.0.0.1", port))
silent = socket.create_connection(("127.0.0.1", port))
threading.Thread(target=other, daemon=True).start()
slow.settimeout(0.5)
t0, cut = time.time(), None
for ch in b"GET /catalog.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 60:
    try:
        slow.send(bytes([ch]))
        if slow.recv(64) == b"":
            cut = time.time() - t0
            break
    except socket.timeout:
        pass
    except OSError:
        cut = time.time() - t0
        break
ok_cut, ok_served = cut is not None and cut < 15, served == [True]
print(("ok  " if ok_cut else "FAIL") + " trickling request head cut off after %s s" % ("%.1f" % cut if cut else "never"))
print(("ok  " if ok_served else "FAIL") + " other clients served meanwhile")
sys.exit(0 if ok_cut and ok_served else 1)
EOF

# A port already taken: one error line naming it, status 4.
"$bin" serve "$pkg" --port "$port" >"$tmp/busy" 2>&1; st=$?
if [ $st = 4 ] && [ "$(grep -c 'sanxiang: error:' "$tmp/busy")" = 1 ] && grep -q "127.0.0.1:$port.*--port" "$tmp/busy"; then
  echo "ok   port in use: status 4, one message naming it"
else echo "FAIL port in use: status $st: $(cat "$tmp/busy")"; fail=1; fi

kill -TERM $pid
wait $pid; st=$?; pid=
if [ $st = 0 ] && grep -q "serve: stopped" "$out"; then echo "ok   SIGTERM: stopped, status 0"; else echo "FAIL SIGTERM: status $st: $(cat "$out")"; fail=1; fi

start --max-requests 2
curl -s -o /dev/null "${url}catalog.json"; curl -s -o /dev/null "${url}"
for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then echo "FAIL --max-requests 2: still running"; fail=1; kill $pid
else wait $pid; st=$?; [ $st = 0 ] && echo "ok   --max-requests 2: stopped after 2, status 0" || { echo "FAIL --max-requests: status $st"; fail=1; }; fi
pid=
[ $fail = 0 ] && echo "serve: all checks passed"
exit $fail
