#!/bin/sh
# Restores the CattlePi initramfs onto the boot partition and reboots into it: the CattlePi
# image then re-flashes stock Raspbian and reboots again.
if [ "$(id -u)" != 0 ]; then
  echo "restore_cattlepi.sh: must run as root" >&2
  exit 1
fi
echo "restoring cattlepi"
printf 'restore 0\n' > /run/cattlepi-sim/control
