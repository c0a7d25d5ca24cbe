#!/bin/sh
# Behaves like CattlePi's recipes: drives the Pi in $BUILDER_NODE over SSH as pi, uses sudo,
# reboots it and waits until it is back. Plain ssh: the controller gives the build an SSH config
# (user, port, the Pi's host key for its current boot, re-pinned after the reboot) and the key in
# an agent (SSH_AUTH_SOCK), never a file.
# Markers in the commit drive the outcome: FAIL makes raspbian_cattlepi exit 2, HANG makes it hang,
# SLOW makes it print a line every half second for six seconds (a log to watch grow), THIEF runs
# thief.sh (a hostile pull request hunting the controller's secrets), HOG starts 2000 sleeping
# processes and then allocates up to 1 GiB (a runaway build, bounded), FILL fills the workspace's
# file system until it is full. A passing build leaves boot images in builder/latest/output/ (see
# make_image.sh: BOOT_TEST_FAIL and CORRUPT_IMAGE shape them) for the controller's boot test.
set -eu
: "${BUILDER_NODE:?BUILDER_NODE is not set}"

pi() {
  ssh -o LogLevel=ERROR "$BUILDER_NODE" "$@"
}

case "${1:-}" in
test_noop)
  echo "TASK [noop] on $BUILDER_NODE"
  pi 'echo hello from the Pi; sudo whoami'
  ;;
raspbian_cattlepi)
  if [ -f THIEF ]; then ./thief.sh; fi
  if [ -f HOG ]; then
    echo "HOG marker: up to 1 GiB of memory, then 2000 sleeping processes"
    python3 -c 'chunks = [bytearray(16 * 1024 * 1024) for _ in range(64)]; print("allocated", len(chunks) * 16, "MiB")' \
      || echo "the allocation ended with $?"
    (i=0; while [ $i -lt 2000 ]; do sleep 60 & i=$((i + 1)); done; echo "started $i") 2>&1 | tail -n 1 || true
    exit 4
  fi
  if [ -f FILL ]; then echo "FILL marker: filling the workspace"; dd if=/dev/zero of=filler bs=1M 2>&1 | tail -n 1; exit 5; fi
  if [ -f HANG ]; then echo "HANG marker: this recipe hangs"; sleep 100000; fi
  if [ -f SLOW ]; then
    for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "SLOW marker: compiling part $i of 12"; sleep 0.5; done
  fi
  before=$(pi cat /proc/sys/kernel/random/boot_id)
  pi 'cat /etc/cattlepi/release.sh; sudo whoami'
  echo "rebooting $BUILDER_NODE (boot id $before)"
  pi 'sudo reboot' || true
  tries=0
  while :; do
    tries=$((tries + 1))
    if [ "$tries" -gt "${REBOOT_WAIT_TRIES:-120}" ]; then echo "the Pi did not come back"; exit 3; fi
    now=$(pi cat /proc/sys/kernel/random/boot_id 2>/dev/null) || now=""
    if [ -n "$now" ] && [ "$now" != "$before" ]; then break; fi
    sleep 1
  done
  echo "the Pi is back (boot id $now)"
  mkdir -p artifacts
  git rev-parse HEAD > artifacts/commit.txt
  echo "raspbian_cattlepi image for $(cat artifacts/commit.txt)" | md5sum > artifacts/image.md5
  if [ -f FAIL ]; then echo "FAIL marker: failing like a broken recipe"; exit 2; fi
  ./make_image.sh raspbian_cattlepi
  echo "image built"
  ;;
*)
  echo "usage: recipe.sh test_noop|raspbian_cattlepi" >&2
  exit 64
  ;;
esac
